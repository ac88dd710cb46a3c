/** Veo through the Gemini API: the provider contract, plus its body, its 400 for a bad key, RAI filtering and the keyed download. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAssets, MemoryJournal } from '../../src/engine';
import { gemini, GEMINI_ORIGIN } from '../../src/providers/adapters/gemini';
import { runGeneration, type GenerationJob } from '../../src/providers/generation';
import { FAST_TIMING, PNG_IMAGE, providerContract } from '../providers/contract';
import { testVideo } from '../providers/fixtures';
import type { FakeProvider } from '../providers/kit';
import { fakeGemini } from '../providers/servers/gemini';

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
  rateLimit: { type: 'status', status: 429, body: { error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED' } } },
  has: { cancel: false, moderation: true, recover: false },
});

describe('Gemini API: its own ways', () => {
  let server: FakeProvider;
  beforeEach(async () => {
    server = await fakeGemini(testVideo(), 'k').start();
  });
  afterEach(() => server.close());

  const generate = (changes: Partial<GenerationJob['request']> = {}) =>
    runGeneration(
      { key: 'k1', nodeId: 'n', signal: new AbortController().signal, progress: () => {}, journal: new MemoryJournal(), assets: new MemoryAssets(), secrets: { credentials: async () => ({ apiKey: 'k' }) } },
      { provider: gemini, origin: server.url, model: 'm', timing: FAST_TIMING, request: { ...request, ...changes } },
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

  it('gives the operation error when generation failed', async () => {
    server.nextOutcome = 'fail';
    await expect(generate()).rejects.toThrow(/Gemini API could not make the video: Video generation failed due to an internal error\. \(INTERNAL\)/);
  });
});
