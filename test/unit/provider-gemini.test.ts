/** Veo through the Gemini API: the provider contract, plus its body, its 400 for a bad key, RAI filtering and the keyed download. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAssets, MemoryJournal } from '../../src/engine';
import { gemini, GEMINI_ORIGIN, GEMINI_REQUEST_LIMIT } from '../../src/providers/adapters/gemini';
import { retryInfoMs } from '../../src/providers/errors';
import { runGeneration, type GenerationJob } from '../../src/providers/generation';
import { FAST_TIMING, PNG_IMAGE, providerContract } from '../providers/contract';
import { testVideo } from '../providers/fixtures';
import type { FakeProvider } from '../providers/kit';
import { fakeGemini, resourceExhausted } from '../providers/servers/gemini';

const request: GenerationJob['request'] = {
  endpoint: 'veo-3.1-generate-preview',
  image: PNG_IMAGE,
  prompt: 'a slow push in on a lighthouse',
  negativePrompt: 'blur',
  seconds: 8,
  resolution: '720p',
  aspectRatio: '16:9',
  audio: true,
};

providerContract({
  info: gemini,
  credentials: { apiKey: 'gemini-test-key' },
  wrongCredentials: { apiKey: 'AIza-wrong' },
  server: (video) => fakeGemini(video, 'gemini-test-key'),
  request,
  invalid: {
    fault: { type: 'status', status: 400, body: { error: { code: 400, message: 'The number value for `durationSeconds` is out of bound. Please provide a value between 4 and 8, inclusive.', status: 'INVALID_ARGUMENT' } } },
    says: /Gemini API refused the request \(HTTP 400\): The number value for `durationSeconds` is out of bound/,
  },
  // A real 429's body (fixtures copied from the service by several clients): the wait is in RetryInfo.
  rateLimit: { type: 'status', status: 429, body: resourceExhausted('1s') },
  rateLimitDelayMs: 1000,
  has: { cancel: false, moderation: true, recover: false, lostTask: true },
});

describe('Gemini API: its own ways', () => {
  let server: FakeProvider;
  beforeEach(async () => {
    server = await fakeGemini(testVideo(), 'k').start();
  });
  afterEach(() => server.close());

  const generate = (changes: Partial<GenerationJob['request']> = {}, timing = FAST_TIMING) =>
    runGeneration(
      { key: 'k1', nodeId: 'n', signal: new AbortController().signal, progress: () => {}, journal: new MemoryJournal(), assets: new MemoryAssets(), secrets: { credentials: async () => ({ apiKey: 'k' }) } },
      { provider: gemini, origin: server.url, model: 'm', timing, request: { ...request, ...changes } },
    );
  const submit = () => server.log.find((r) => r.method === 'POST')!;

  it('calls predictLongRunning with one instance (base64 image without a data: prefix) and one sample', async () => {
    await generate({ endImage: PNG_IMAGE });
    expect(submit().path).toBe('/v1beta/models/veo-3.1-generate-preview:predictLongRunning');
    expect(submit().headers['x-goog-api-key']).toBe('k');
    const base64 = Buffer.from(await PNG_IMAGE.blob.arrayBuffer()).toString('base64');
    expect(JSON.parse(submit().body)).toEqual({
      instances: [{ prompt: request.prompt, image: { bytesBase64Encoded: base64, mimeType: 'image/png' }, lastFrame: { bytesBase64Encoded: base64, mimeType: 'image/png' } }],
      parameters: { sampleCount: 1, durationSeconds: 8, resolution: '720p', aspectRatio: '16:9', negativePrompt: 'blur' },
    });
  });

  it('polls the operation by its name and downloads the video from the Files API with the key', async () => {
    await generate();
    expect(server.log.some((r) => r.path === '/v1beta/models/veo-3.1-generate-preview/operations/op1')).toBe(true);
    const download = server.log.find((r) => r.path.startsWith('/v1beta/files/'))!;
    expect(download.path).toBe('/v1beta/files/op1:download?alt=media');
    expect(download.headers['x-goog-api-key']).toBe('k');
  });

  it("asks the configured origin for a video URI on Google's own origin", async () => {
    server.downloadUrl = (t) => `${GEMINI_ORIGIN}/v1beta/files/${t.id}:download?alt=media`;
    const blob = await generate();
    expect(blob.size).toBe(testVideo().length);
  });

  it('sends neither a seed nor an audio switch, which the Gemini API refuses', async () => {
    await generate({ audio: false });
    const parameters = JSON.parse(submit().body).parameters as Record<string, unknown>;
    expect(Object.keys(parameters)).not.toContain('generateAudio');
    await expect(generate({ seed: 3 })).rejects.toThrow(/the Gemini API takes no seed/);
  });

  it('leaves the aspect ratio to the model when asked for auto', async () => {
    await generate({ aspectRatio: 'auto' });
    expect(JSON.parse(submit().body).parameters).not.toHaveProperty('aspectRatio');
  });

  it("keeps Veo's own sound track", async () => {
    await server.close();
    const withAudio = testVideo({ audio: true });
    server = await fakeGemini(withAudio, 'k').start();
    const blob = await generate();
    expect(Buffer.from(await blob.arrayBuffer()).equals(withAudio)).toBe(true);
  });

  it('names the reason when the safety filters took the video', async () => {
    server.nextOutcome = 'moderate';
    await expect(generate()).rejects.toThrow(/Gemini API refused it under its content rules: .*Responsible AI practices/);
  });

  /** An image of `bytes` bytes with a PNG signature. */
  const image = (bytes: number) => {
    const data = new Uint8Array(bytes);
    data.set([0x89, 0x50, 0x4e, 0x47]);
    return { ...PNG_IMAGE, blob: new Blob([data], { type: 'image/png' }) };
  };

  it('refuses, before sending anything, an image too large to go inline, naming the sizes and what to do', async () => {
    const tooBig = image(Math.ceil(((GEMINI_REQUEST_LIMIT - 8 * 1024) * 3) / 4));
    await expect(generate({ image: tooBig })).rejects.toThrow(/the image \(15\.\d MB\) would make a 20\.\d MB request, and the Gemini API takes images inline up to 20\.0 MB a request: use a smaller image/);
    expect(server.log).toHaveLength(0);
  });

  it('sends an image that fits, which Google then takes', async () => {
    // 16 MB of JSON takes longer than the fast tests' 400 ms request timeout on a busy machine.
    await generate({ image: image(12 * 1024 * 1024) }, { ...FAST_TIMING, requestTimeoutMs: 60_000 });
    expect(server.accepted).toBe(1);
  });

  it('is refused by Google (as its fake is) for 1080p or 4k at anything but 8 s', async () => {
    await expect(generate({ resolution: '1080p', seconds: 6 })).rejects.toThrow(/Gemini API refused the request \(HTTP 400\): 1080p video is only available with durationSeconds 8/);
    await generate({ resolution: '4k', seconds: 8 });
    expect(server.accepted).toBe(1);
  });

  it("reads the wait from a 429's RetryInfo, fractional seconds included, and nothing when it has none", () => {
    expect(retryInfoMs(resourceExhausted('41s'))).toBe(41_000);
    expect(retryInfoMs(resourceExhausted('0.2s'))).toBe(200);
    expect(retryInfoMs({ error: { code: 429, status: 'RESOURCE_EXHAUSTED', details: [{ '@type': 'type.googleapis.com/google.rpc.Help', links: [] }] } })).toBeUndefined();
    expect(retryInfoMs({ detail: 'not Google' })).toBeUndefined();
  });

  it('waits as long as RetryInfo says when polling too', async () => {
    server.fail('poll', { type: 'status', status: 429, body: resourceExhausted('0.6s') });
    const started = Date.now();
    await generate();
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
  });

  it('gives the operation error when generation failed', async () => {
    server.nextOutcome = 'fail';
    await expect(generate()).rejects.toThrow(/Gemini API could not make the video: Video generation failed due to an internal error\. \(INTERNAL\)/);
  });
});
