/**
 * One paid generation end to end against a local fal queue server: what it sends, what it
 * keeps, and that every fault ends in a clear message without paying twice.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAssets, MemoryJournal, NodeError, type Credentials } from '../../src/engine';
import { runGeneration, type GenerationContext, type GenerationJob } from '../../src/providers/generation';
import { PROVIDERS } from '../../src/providers/providers';
import { providerSettingsSchema } from '../../src/providers/settings';
import { testVideo } from '../providers/fixtures';
import { FakeProvider } from '../providers/kit';
import { fakeFal } from '../providers/servers/fal';

const KEY = 'fal-test-key';
const PNG = new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])], { type: 'image/png' });
const timing = providerSettingsSchema.shape.timing.parse({ pollMs: 10, maxPollMs: 20, requestTimeoutMs: 400, deadlineMs: 5000 });

let fal: FakeProvider;
let journal: MemoryJournal;
let assets: MemoryAssets;
let messages: string[];

beforeEach(async () => {
  fal = await fakeFal(testVideo(), KEY).start();
  journal = new MemoryJournal();
  assets = new MemoryAssets();
  messages = [];
});
afterEach(() => fal.close());

function context(options: { key?: string; credentials?: Credentials | null; signal?: AbortSignal; onProgress?: (message: string) => void } = {}): GenerationContext {
  const credentials = options.credentials === undefined ? { apiKey: KEY } : options.credentials;
  return {
    key: options.key ?? 'node-key-1',
    nodeId: 'generate',
    signal: options.signal ?? new AbortController().signal,
    progress: (_fraction, message) => {
      if (message) messages.push(message);
      if (message) options.onProgress?.(message);
    },
    journal,
    assets,
    secrets: { credentials: async () => credentials ?? undefined },
  };
}

function job(): GenerationJob {
  return {
    provider: PROVIDERS.fal!,
    origin: fal.url,
    model: 'kling-v2.1-master',
    costUsd: 1.4,
    timing,
    request: {
      endpoint: 'fal-ai/kling-video/v2.1/master/image-to-video',
      fields: { image: 'image_url', prompt: 'prompt', duration: { name: 'duration', format: 'string' }, negativePrompt: 'negative_prompt' },
      image: { blob: PNG, mime: 'image/png', width: 1280, height: 720 },
      prompt: 'a slow push in on a lighthouse',
      negativePrompt: 'blur',
      seconds: 5,
      resolution: '1080p',
      aspectRatio: '16:9',
      audio: false,
    },
  };
}

async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(NodeError);
  return (error as Error).message;
}

describe('a generation', () => {
  it('submits once, polls, downloads the video into the asset store and journals each step', async () => {
    const blob = await runGeneration(context(), job());
    expect(blob.type).toBe('video/mp4');
    expect(fal.accepted).toBe(1);
    const [entry] = await journal.list();
    expect(entry).toMatchObject({ status: 'succeeded', provider: 'fal', providerTaskId: 'task-1', costUsd: 1.4, nodeKey: 'node-key-1' });
    expect(await assets.get(entry!.assetHash!)).toBeDefined();
    expect(messages).toContain('queued (0 ahead)');
  });

  it('sends the endpoint its own field names, the image as a data URI, and no image bytes to the journal', async () => {
    await runGeneration(context(), job());
    const submit = fal.log.find((r) => r.method === 'POST')!;
    expect(submit.path).toBe('/fal-ai/kling-video/v2.1/master/image-to-video');
    expect(JSON.parse(submit.body)).toMatchObject({ prompt: 'a slow push in on a lighthouse', duration: '5', negative_prompt: 'blur', image_url: expect.stringMatching(/^data:image\/png;base64,/) });
    expect(fal.log.filter((r) => r.path.includes('/requests/')).every((r) => r.path.startsWith('/fal-ai/kling-video/requests/task-1'))).toBe(true);
    expect(JSON.stringify(await journal.list())).not.toContain('base64');
  });

  it('sends the key to the provider and never to the file host a result points at', async () => {
    const cdn = await new FakeProvider(testVideo()).start();
    try {
      fal.downloadUrl = (task) => `${cdn.url}/files/${task.id}.mp4`;
      await runGeneration(context(), job());
      expect(fal.log.every((r) => r.headers.authorization === `Key ${KEY}`)).toBe(true);
      expect(cdn.log).toHaveLength(1);
      expect(cdn.log[0]!.headers.authorization).toBeUndefined();
    } finally {
      await cdn.close();
    }
  });

  it('resumes polling after a crash instead of submitting again', async () => {
    fal.pollsToFinish = 4;
    const crash = new Error('the tab was closed');
    await expect(runGeneration(context({ onProgress: (m) => { if (m.startsWith('step')) throw crash; } }), job())).rejects.toBe(crash);
    expect((await journal.list())[0]).toMatchObject({ status: expect.stringMatching(/^(submitted|running)$/), providerTaskId: 'task-1' });
    const blob = await runGeneration(context(), job());
    expect(blob.size).toBeGreaterThan(0);
    expect(fal.accepted).toBe(1);
    expect(messages).toContain('resuming a task submitted earlier');
  });

  it('returns a finished generation from the asset store without asking the provider again', async () => {
    await runGeneration(context(), job());
    const before = fal.log.length;
    await runGeneration(context(), job());
    expect(fal.log.length).toBe(before);
  });

  it('asks for a key that is missing, naming where to add it', async () => {
    const message = await failure(runGeneration(context({ credentials: null }), job()));
    expect(message).toMatch(/No fal key: add one in Settings > Providers > fal/);
    expect(fal.log).toHaveLength(0);
  });

  it('says plainly when the key is rejected', async () => {
    const message = await failure(runGeneration(context({ credentials: { apiKey: 'wrong' } }), job()));
    expect(message).toMatch(/fal rejected the API key \(HTTP 401\): Invalid API key\. Check the key in Settings > Providers > fal/);
    expect((await journal.list())[0]!.status).toBe('failed');
    expect(fal.accepted).toBe(0);
  });

  it('names the field a 422 complains about', async () => {
    fal.fail('submit', { type: 'status', status: 422, body: { detail: [{ loc: ['body', 'duration'], msg: "Input should be '5' or '10'", type: 'literal_error' }] } });
    expect(await failure(runGeneration(context(), job()))).toMatch(/refused the request \(HTTP 422\): duration: Input should be '5' or '10'/);
  });

  it('waits as long as Retry-After says when the provider is busy, then submits once', async () => {
    fal.fail('submit', { type: 'status', status: 429, body: { detail: 'Too many requests' }, headers: { 'Retry-After': '1' } });
    const started = Date.now();
    await runGeneration(context(), job());
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(fal.accepted).toBe(1);
  });

  it('rides out server errors and garbled answers while polling', async () => {
    fal.fail('poll', { type: 'status', status: 500 }, 2).fail('poll', { type: 'malformed' });
    await runGeneration(context(), job());
    expect(fal.accepted).toBe(1);
  });

  it('reports a request that hung as possibly charged, and does not send it again by itself', async () => {
    fal.fail('submit', { type: 'hang' });
    const message = await failure(runGeneration(context(), job()));
    expect(message).toMatch(/did not answer POST .* within 0 s\. The request sent to fal at .* got no answer, so it may or may not have been accepted \(and charged\)/);
    expect((await journal.list())[0]!.status).toBe('unconfirmed');
  });

  it('fails with the provider reason when the task fails', async () => {
    fal.nextOutcome = 'fail';
    expect(await failure(runGeneration(context(), job()))).toMatch(/fal could not make the video: .*the model failed to generate a video/);
    expect((await journal.list())[0]!.status).toBe('failed');
  });

  it('explains an expired result link', async () => {
    fal.fail('download', { type: 'status', status: 404, body: { error: 'gone' } });
    expect(await failure(runGeneration(context(), job()))).toMatch(/download link no longer works \(HTTP 404\)/);
  });

  it('refuses a result that is not a video', async () => {
    fal.routes.unshift({ method: 'GET', pattern: /^\/files\/.+$/, names: [], step: undefined, handler: (_req, res) => void res.end('<html>error page</html>') });
    expect(await failure(runGeneration(context(), job()))).toMatch(/result is not a video file/);
  });

  it('asks the provider to cancel when the user cancels', async () => {
    fal.pollsToFinish = 50;
    const controller = new AbortController();
    const run = runGeneration(context({ signal: controller.signal, onProgress: (m) => m.startsWith('step') && controller.abort(new DOMException('cancelled', 'AbortError')) }), job());
    await expect(run).rejects.toThrow('cancelled');
    expect(fal.tasks.get('task-1')!.cancelled).toBe(true);
    expect((await journal.list())[0]!.status).toBe('cancelled');
  });
});
