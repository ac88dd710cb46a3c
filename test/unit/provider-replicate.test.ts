/** Replicate's predictions API: the provider contract, plus model paths, input names, logs as progress, E005 and the Files API. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAssets, MemoryJournal } from '../../src/engine';
import { INLINE_LIMIT, replicate } from '../../src/providers/adapters/replicate';
import { runGeneration, type GenerationJob } from '../../src/providers/generation';
import { FAST_TIMING, PNG_IMAGE, providerContract } from '../providers/contract';
import { testVideo } from '../providers/fixtures';
import type { FakeProvider } from '../providers/kit';
import { fakeReplicate } from '../providers/servers/replicate';

const request: GenerationJob['request'] = {
  endpoint: 'minimax/hailuo-02',
  fields: { image: 'first_frame_image', endImage: 'last_frame_image', prompt: 'prompt', duration: { name: 'duration', format: 'number' }, resolution: { name: 'resolution' } },
  image: PNG_IMAGE,
  prompt: 'a slow push in on a lighthouse',
  seconds: 6,
  resolution: '768p',
  aspectRatio: '16:9',
  audio: false,
};

providerContract({
  info: replicate,
  credentials: { apiKey: 'r8_test_key' },
  wrongCredentials: { apiKey: 'r8_wrong' },
  server: (video) => fakeReplicate(video, 'r8_test_key'),
  request,
  invalid: {
    fault: {
      type: 'status',
      status: 422,
      body: { title: 'Input validation failed', detail: '- input.duration: input.duration must be one of the following: 6, 10', status: 422, invalid_fields: [{ type: 'enum', field: 'input.duration', description: 'input.duration must be one of the following: 6, 10' }] },
    },
    says: /Replicate refused the request \(HTTP 422\): - input\.duration: input\.duration must be one of the following: 6, 10/,
  },
  has: { cancel: true, moderation: true, recover: false, lostTask: true },
});

describe('Replicate: its own ways', () => {
  let server: FakeProvider;
  let fractions: number[];
  beforeEach(async () => {
    server = await fakeReplicate(testVideo(), 'k').start();
    fractions = [];
  });
  afterEach(() => server.close());

  const generate = (changes: Partial<GenerationJob['request']> = {}, timing = FAST_TIMING) =>
    runGeneration(
      { key: 'k1', nodeId: 'n', signal: new AbortController().signal, progress: (f) => fractions.push(f), journal: new MemoryJournal(), assets: new MemoryAssets(), secrets: { credentials: async () => ({ apiKey: 'k' }) } },
      { provider: replicate, origin: server.url, model: 'm', timing, request: { ...request, ...changes } },
    );
  const submit = () => server.log.find((r) => r.method === 'POST' && r.path.endsWith('/predictions'))!;

  it('runs an official model by name, with the inputs named as its schema names them, and a bearer token', async () => {
    await generate();
    expect(submit().path).toBe('/v1/models/minimax/hailuo-02/predictions');
    expect(submit().headers.authorization).toBe('Bearer k');
    expect(JSON.parse(submit().body)).toEqual({ input: { prompt: request.prompt, first_frame_image: expect.stringMatching(/^data:image\/png;base64,/), duration: 6, resolution: '768p' } });
  });

  it('runs a community model by version', async () => {
    await generate({ endpoint: 'someone/video-model:5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa' });
    expect(submit().path).toBe('/v1/predictions');
    expect(JSON.parse(submit().body)).toMatchObject({ version: '5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa', input: { prompt: request.prompt } });
  });

  it('sends the last frame under the name the model gives it', async () => {
    await generate({ endImage: PNG_IMAGE });
    expect(JSON.parse(submit().body).input.last_frame_image).toMatch(/^data:image\/png;base64,/);
  });

  it('reads the progress bars the model prints into its logs as progress', async () => {
    server.pollsToFinish = 4;
    await generate();
    // 50% then 75% of the fake's bars, as 0.1 + 0.8 * fraction.
    expect(fractions).toEqual(expect.arrayContaining([0.1 + 0.8 * 0.5, 0.1 + 0.8 * 0.75]));
  });

  it('uploads an image of 1 MB or more through the Files API, and sends its URL', async () => {
    const big = new Uint8Array(INLINE_LIMIT);
    big.set([0x89, 0x50, 0x4e, 0x47]);
    // A long request timeout: moving megabytes on a busy test machine is not what is tested here.
    await generate({ image: { ...PNG_IMAGE, blob: new Blob([big], { type: 'image/png' }) } }, { ...FAST_TIMING, requestTimeoutMs: 20_000 });
    expect(server.log.filter((r) => r.path === '/v1/files')).toHaveLength(1);
    expect(JSON.parse(submit().body).input.first_frame_image).toBe('https://api.replicate.com/v1/files/file-1');
    expect(server.accepted).toBe(1);
  });

  it('sends an image under 1 MB inline, as Replicate recommends', async () => {
    const small = new Uint8Array(INLINE_LIMIT - 1);
    small.set([0x89, 0x50, 0x4e, 0x47]);
    await generate({ image: { ...PNG_IMAGE, blob: new Blob([small], { type: 'image/png' }) } }, { ...FAST_TIMING, requestTimeoutMs: 20_000 });
    expect(server.log.filter((r) => r.path === '/v1/files')).toHaveLength(0);
    expect(([...server.tasks.values()][0]!.input as { first_frame_image: string }).first_frame_image).toMatch(/^data:image\/png;base64,/);
  });

  it('says an upload that got no answer charged nothing, since no prediction was created yet', async () => {
    server.fail('upload', { type: 'hang' });
    const big = new Uint8Array(INLINE_LIMIT);
    await expect(generate({ image: { ...PNG_IMAGE, blob: new Blob([big], { type: 'image/png' }) } })).rejects.toThrow(/while uploading the image; no generation was requested, so nothing was charged/);
    expect(server.accepted).toBe(0);
  });

  it('says when the account has no credit left', async () => {
    server.fail('submit', {
      type: 'status',
      status: 402,
      body: { title: 'Insufficient credit', detail: 'You have insufficient credit to run this model. Go to https://replicate.com/account/billing#billing to purchase credit.', status: 402 },
    });
    await expect(generate()).rejects.toThrow(/Replicate says the account cannot pay for this \(HTTP 402\): You have insufficient credit/);
    expect(server.accepted).toBe(0);
  });

  it('refuses an endpoint the catalog gives no input names for, before anything is sent', async () => {
    await expect(generate({ fields: undefined })).rejects.toThrow(/no input names for Replicate model minimax\/hailuo-02/);
    expect(server.log).toHaveLength(0);
  });

  it('names the model failure, and tells E005 apart as content moderation', async () => {
    server.nextOutcome = 'fail';
    await expect(generate()).rejects.toThrow(/Replicate could not make the video: CUDA out of memory \(E1001\)/);
    server.nextOutcome = 'moderate';
    await expect(generate()).rejects.toThrow(/Replicate refused it under its content rules: .*flagged as sensitive.*\(E005\)/);
  });

  it('ends a prediction whose output Replicate has already removed as failed and billed, rather than resuming it', async () => {
    server.pollsToFinish = 1;
    server.fail('poll', { type: 'status', status: 200, body: { id: 'task-1', status: 'succeeded', output: null, error: null, logs: '', data_removed: true } });
    const journal = new MemoryJournal();
    await expect(runGeneration(
      { key: 'k1', nodeId: 'n', signal: new AbortController().signal, progress: () => {}, journal, assets: new MemoryAssets(), secrets: { credentials: async () => ({ apiKey: 'k' }) } },
      { provider: replicate, origin: server.url, model: 'm', timing: FAST_TIMING, request },
    )).rejects.toThrow(/Replicate could not make the video: the prediction finished, but its output has been removed/);
    expect((await journal.list())[0]).toMatchObject({ status: 'failed', billed: true });
  });

  it('keeps the video as the model made it, sound included', async () => {
    await server.close();
    const withAudio = testVideo({ audio: true });
    server = await fakeReplicate(withAudio, 'k').start();
    const blob = await generate();
    expect(Buffer.from(await blob.arrayBuffer()).equals(withAudio)).toBe(true);
  });
});
