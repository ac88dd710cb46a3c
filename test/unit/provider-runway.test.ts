/** Runway's developer API: the provider contract, plus its version header, pixel ratios, THROTTLED, uploads and failure codes. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAssets, MemoryJournal, NodeError } from '../../src/engine';
import { DATA_URI_LIMIT, runway, runwayRatio } from '../../src/providers/adapters/runway';
import { runGeneration, type GenerationJob } from '../../src/providers/generation';
import { FAST_TIMING, PNG_IMAGE, providerContract } from '../providers/contract';
import { testVideo } from '../providers/fixtures';
import type { FakeProvider } from '../providers/kit';
import { fakeRunway } from '../providers/servers/runway';

const request: GenerationJob['request'] = {
  endpoint: 'gen4.5',
  image: PNG_IMAGE,
  prompt: 'a slow push in on a lighthouse',
  seed: 7,
  seconds: 5,
  resolution: '720p',
  aspectRatio: '16:9',
  audio: false,
};

providerContract({
  info: runway,
  credentials: { apiKey: 'runway-test-key' },
  wrongCredentials: { apiKey: 'wrong' },
  server: (video) => fakeRunway(video, 'runway-test-key'),
  request,
  invalid: {
    fault: { type: 'status', status: 400, body: { error: 'duration: must be one of 4, 6, 8' } },
    says: /Runway refused the request \(HTTP 400\): duration: must be one of 4, 6, 8/,
  },
  has: { cancel: true, moderation: true, recover: false, lostTask: true },
});

describe('Runway: its own ways', () => {
  let server: FakeProvider;
  let messages: string[];
  beforeEach(async () => {
    server = await fakeRunway(testVideo(), 'k').start();
    messages = [];
  });
  afterEach(() => server.close());

  const generate = (changes: Partial<GenerationJob['request']> = {}, timing = FAST_TIMING) =>
    runGeneration(
      { key: 'k1', nodeId: 'n', signal: new AbortController().signal, progress: (_f, m) => m && messages.push(m), journal: new MemoryJournal(), assets: new MemoryAssets(), secrets: { credentials: async () => ({ apiKey: 'k' }) } },
      { provider: runway, origin: server.url, model: 'm', timing, request: { ...request, ...changes } },
    );
  const submitted = () => JSON.parse(server.log.find((r) => r.path === '/v1/image_to_video')!.body) as Record<string, unknown>;

  it('sends the API version and the key on every request, and the body in camelCase with a pixel ratio', async () => {
    await generate();
    const api = server.log.filter((r) => r.path.startsWith('/v1/'));
    expect(api.every((r) => r.headers['x-runway-version'] === '2024-11-06' && r.headers.authorization === 'Bearer k')).toBe(true);
    expect(submitted()).toEqual({ model: 'gen4.5', promptImage: expect.stringMatching(/^data:image\/png;base64,/), promptText: request.prompt, ratio: '1280:720', duration: 5, seed: 7 });
  });

  it('reports THROTTLED as waiting in the queue and RUNNING with its progress', async () => {
    server.pollsToFinish = 5;
    await generate();
    expect(messages).toContain('queued');
    expect(messages.filter((m) => m === 'generating').length).toBeGreaterThanOrEqual(2);
  });

  it('sends first and last frames as positioned images, and the sound switch only to models that have one', async () => {
    await generate({ endpoint: 'veo3.1', seconds: 8, resolution: '1080p', aspectRatio: '9:16', audio: true, endImage: PNG_IMAGE, seed: undefined, negativePrompt: 'blur' });
    expect(submitted()).toMatchObject({
      model: 'veo3.1',
      ratio: '1080:1920',
      audio: true,
      negativePrompt: 'blur',
      promptImage: [
        { uri: expect.stringMatching(/^data:image\/png;base64,/), position: 'first' },
        { uri: expect.stringMatching(/^data:image\/png;base64,/), position: 'last' },
      ],
    });
    expect(submitted()).not.toHaveProperty('seed');
  });

  it('uploads an image too big for a data URI, without the key going to the storage host', async () => {
    const big = new Uint8Array(DATA_URI_LIMIT);
    big.set([0x89, 0x50, 0x4e, 0x47]);
    // A long request timeout: moving megabytes on a busy test machine is not what is tested here.
    await generate({ image: { ...PNG_IMAGE, blob: new Blob([big], { type: 'image/png' }) } }, { ...FAST_TIMING, requestTimeoutMs: 20_000 });
    expect(submitted().promptImage).toBe('runway://upload-1');
    const storage = server.log.find((r) => r.path.startsWith('/storage/'))!;
    expect(storage.headers.authorization).toBeUndefined();
    expect(server.accepted).toBe(1);
  });

  it('says an upload that got no answer charged nothing, since no generation was requested yet', async () => {
    server.fail('upload', { type: 'hang' });
    const journal = new MemoryJournal();
    const big = new Uint8Array(DATA_URI_LIMIT);
    const run = runGeneration(
      { key: 'k1', nodeId: 'n', signal: new AbortController().signal, progress: () => {}, journal, assets: new MemoryAssets(), secrets: { credentials: async () => ({ apiKey: 'k' }) } },
      { provider: runway, origin: server.url, model: 'm', timing: FAST_TIMING, request: { ...request, image: { ...PNG_IMAGE, blob: new Blob([big], { type: 'image/png' }) } } },
    );
    await expect(run).rejects.toThrow(/while uploading the image; no generation was requested, so nothing was charged/);
    expect((await journal.list())[0]!.status).toBe('failed');
    expect(server.log.some((r) => r.path === '/v1/image_to_video')).toBe(false);
  });

  it('keeps the video as Runway made it, sound included', async () => {
    await server.close();
    const withAudio = testVideo({ audio: true });
    server = await fakeRunway(withAudio, 'k').start();
    const blob = await generate({ endpoint: 'veo3.1', seconds: 8, audio: true, seed: undefined });
    expect(Buffer.from(await blob.arrayBuffer()).equals(withAudio)).toBe(true);
  });

  it('names what Runway failed on, with its failure code', async () => {
    server.nextOutcome = 'fail';
    await expect(generate()).rejects.toThrow(/Runway could not make the video: An unexpected error occurred\. \(INTERNAL\)/);
  });

  it('is refused by Runway for gen4.5 without a prompt, which the node never sends', async () => {
    await expect(generate({ prompt: '' })).rejects.toThrow(/Runway refused the request \(HTTP 400\): promptText: must be a non-empty string/);
    expect(server.accepted).toBe(0);
  });

  it('treats SAFETY failure codes as content moderation', async () => {
    server.nextOutcome = 'moderate';
    await expect(generate()).rejects.toThrow(/Runway refused it under its content rules: .*\(SAFETY\.INPUT\.IMAGE\)/);
  });

  it('refuses an aspect the model cannot make before anything is paid, naming what it can', async () => {
    const error = await generate({ aspectRatio: '21:9', endpoint: 'veo3.1', seconds: 8 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeError);
    expect((error as Error).message).toMatch(/Runway's veo3\.1 makes no 21:9 video; it makes 1280:720, 720:1280, 1080:1920, 1920:1080/);
    expect(server.accepted).toBe(0);
  });
});

describe('runwayRatio', () => {
  const image = { ...PNG_IMAGE, width: 1000, height: 1000 };
  it.each([
    ['gen4.5', '16:9', '720p', '1280:720'],
    ['gen4.5', '4:3', '720p', '1104:832'],
    ['gen4.5', '3:4', '720p', '832:1104'],
    ['gen4.5', '1:1', '720p', '960:960'],
    ['gen4.5', '21:9', '720p', '1584:672'],
    ['veo3.1', '16:9', '720p', '1280:720'],
    ['veo3.1', '16:9', '1080p', '1920:1080'],
    ['gen4.5', 'auto', '720p', '960:960'],
    ['seedance2', '16:9', '480p', '864:496'],
    ['seedance2', '16:9', '720p', '1280:720'],
    ['seedance2', '4:3', '1080p', '1664:1248'],
    ['seedance2', '21:9', '4k', '3840:1646'],
    ['seedance2', '9:16', '720p', '720:1280'],
  ] as const)('%s at %s %s is %s', (endpoint, aspectRatio, resolution, ratio) => {
    expect(runwayRatio({ endpoint, aspectRatio, resolution, image })).toBe(ratio);
  });

  it('follows the image shape for auto', () => {
    expect(runwayRatio({ endpoint: 'gen4.5', aspectRatio: 'auto', resolution: '720p', image: { ...image, width: 1080, height: 1920 } })).toBe('720:1280');
  });
});
