/**
 * fal's queue API: the provider contract, plus how it names inputs and paths, its request errors
 * after COMPLETED, its content refusals, and its storage uploads.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAssets, MemoryJournal } from '../../src/engine';
import { fal, FAL_INLINE_LIMIT } from '../../src/providers/adapters/fal';
import type { Connection } from '../../src/providers/connection';
import { originMatches, PROVIDER_ENDPOINTS } from '../../src/providers/endpoints';
import { runGeneration, type GenerationJob } from '../../src/providers/generation';
import { direct, FAST_TIMING, PNG_IMAGE, providerContract, reach } from '../providers/contract';
import { testVideo } from '../providers/fixtures';
import { fakeFal, REQUEST_ERRORS, type FakeFal, type RequestErrorType } from '../providers/servers/fal';

const request: GenerationJob['request'] = {
  endpoint: 'fal-ai/kling-video/v2.1/master/image-to-video',
  fields: { image: 'image_url', prompt: 'prompt', duration: { name: 'duration', format: 'string' }, negativePrompt: 'negative_prompt' },
  image: PNG_IMAGE,
  prompt: 'a slow push in on a lighthouse',
  negativePrompt: 'blur',
  seconds: 5,
  resolution: '1080p',
  aspectRatio: '16:9',
  audio: false,
};

providerContract({
  info: fal,
  credentials: { apiKey: 'fal-test-key' },
  wrongCredentials: { apiKey: 'wrong' },
  server: (video) => fakeFal(video, 'fal-test-key'),
  request,
  invalid: {
    fault: { type: 'status', status: 422, body: { detail: [{ loc: ['body', 'duration'], msg: "Input should be '5' or '10'", type: 'literal_error' }] } },
    says: /fal refused the request \(HTTP 422\): duration: Input should be '5' or '10'/,
  },
  has: { cancel: true, moderation: true, recover: false, lostTask: true },
});

describe('fal: its own ways', () => {
  let server: FakeFal;
  let journal: MemoryJournal;
  beforeEach(async () => {
    server = await fakeFal(testVideo(), 'k').start();
    journal = new MemoryJournal();
  });
  afterEach(() => server.close());

  const generate = (changes: Partial<GenerationJob['request']> = {}, connection: Connection = direct(server)) =>
    runGeneration(
      { key: 'k1', nodeId: 'n', signal: new AbortController().signal, progress: () => {}, journal, assets: new MemoryAssets(), secrets: { credentials: async () => ({ apiKey: 'k' }) } },
      { provider: fal, ...connection, model: 'm', timing: { ...FAST_TIMING, requestTimeoutMs: 20_000 }, request: { ...request, ...changes } },
    );
  const submits = () => server.log.filter((r) => r.method === 'POST' && r.path.startsWith('/fal-ai/'));
  /** The image the first accepted request was given. */
  const sentImage = () => ([...server.tasks.values()][0]!.input as { image_url: string }).image_url;
  /** A PNG-headed image of `bytes` bytes. */
  const image = (bytes: number) => {
    const data = new Uint8Array(bytes);
    data.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    return { ...PNG_IMAGE, blob: new Blob([data], { type: 'image/png' }) };
  };

  it('submits to the full endpoint id with its field names, and polls under owner/alias only', async () => {
    await generate();
    expect(submits()[0]!.path).toBe('/fal-ai/kling-video/v2.1/master/image-to-video');
    expect(JSON.parse(submits()[0]!.body)).toMatchObject({ prompt: request.prompt, duration: '5', negative_prompt: 'blur', image_url: expect.stringMatching(/^data:image\/png;base64,/) });
    const polls = server.log.filter((r) => r.path.includes('/requests/'));
    expect(polls.length).toBeGreaterThan(0);
    expect(polls.every((r) => r.path.startsWith('/fal-ai/kling-video/requests/task-1'))).toBe(true);
  });

  it.each(Object.keys(REQUEST_ERRORS) as RequestErrorType[])('takes a completed request whose result answers a 5xx %s as final, not billed, and a rerun sends a new one', async (type) => {
    server.nextRequestError = type;
    await expect(generate()).rejects.toThrow(new RegExp(`^fal could not make the video: .*\\(${type}\\) \\(HTTP ${REQUEST_ERRORS[type]}\\)`));
    expect((await journal.list())[0]).toMatchObject({ status: 'failed', billed: false });
    server.nextRequestError = undefined;
    await generate();
    expect(server.accepted).toBe(2);
  });

  it('rides out a 5xx on the result that names no error type (the result endpoint, not the request)', async () => {
    server.fail('result', { type: 'status', status: 502, body: { error: 'Bad Gateway' } });
    await generate();
    expect(server.accepted).toBe(1);
  });

  it("reads fal's content_policy_violation as a content refusal, on the result and on submit", async () => {
    server.nextOutcome = 'moderate';
    await expect(generate()).rejects.toThrow(/^fal refused it under its content rules: prompt: The content could not be processed because it contained material flagged by a content checker\./);
    expect((await journal.list())[0]).toMatchObject({ status: 'failed', moderated: true });
    server.fail('submit', { type: 'status', status: 422, body: { detail: [{ loc: ['body', 'image_url'], msg: 'The content could not be processed because it contained material flagged by a content checker.', type: 'content_policy_violation', url: 'https://docs.fal.ai/errors/#content_policy_violation', input: 'https://v3.fal.media/files/x.png' }] }, headers: { 'X-Fal-Retryable': 'false' } });
    await expect(generate({ prompt: 'another' })).rejects.toThrow(/^fal refused it under its content rules \(HTTP 422\): image_url: The content could not be processed/);
    expect(server.accepted).toBe(1);
  });

  it.each(['direct', 'relay'] as const)('uploads an image above the inline size through fal storage: initiate with the key, PUT without it (%s)', async (via) => {
    const { connection, app } = await reach(via, fal, server);
    try {
      await generate({ image: image(FAL_INLINE_LIMIT + 1) }, connection);
      const [initiate] = server.log.filter((r) => r.path.startsWith('/storage/upload/initiate'));
      expect(initiate!.path).toBe('/storage/upload/initiate?storage_type=fal-cdn-v3');
      expect(initiate!.headers.host).toMatch(/^localhost:/);
      expect(initiate!.headers.authorization).toBe('Key k');
      expect(JSON.parse(initiate!.body)).toEqual({ content_type: 'image/png', file_name: 'image.png' });
      const [put] = server.log.filter((r) => r.method === 'PUT' && r.cdn);
      expect(put!.headers.authorization).toBeUndefined();
      const [url] = [...server.uploads.keys()];
      expect(server.uploads.get(url!)).toBe(FAL_INLINE_LIMIT + 1);
      expect(sentImage()).toBe(url);
      expect(server.accepted).toBe(1);
    } finally {
      await app?.close();
    }
  });

  it('keeps a small image inline', async () => {
    await generate({ image: image(FAL_INLINE_LIMIT) });
    expect(server.uploads.size).toBe(0);
    expect(sentImage()).toMatch(/^data:image\/png;base64,/);
  });

  it('says an upload that got no answer charged nothing, since nothing was submitted yet', async () => {
    server.fail('upload', { type: 'hang' });
    await expect(runGeneration(
      { key: 'k1', nodeId: 'n', signal: new AbortController().signal, progress: () => {}, journal, assets: new MemoryAssets(), secrets: { credentials: async () => ({ apiKey: 'k' }) } },
      { provider: fal, ...direct(server), model: 'm', timing: FAST_TIMING, request: { ...request, image: image(FAL_INLINE_LIMIT + 1) } },
    )).rejects.toThrow(/while uploading the image to fal; no generation was requested, so nothing was charged/);
    expect(server.accepted).toBe(0);
  });

  it('lists the storage API among the keyed origins and the upload host among the open ones, so the relay reaches both', () => {
    const { keyed, open } = PROVIDER_ENDPOINTS.fal;
    expect(keyed).toContain('https://rest.fal.ai');
    for (const host of ['https://v3b.fal.media', 'https://v3.fal.media']) expect(open.some((pattern) => originMatches(pattern, host)), host).toBe(true);
  });
});
