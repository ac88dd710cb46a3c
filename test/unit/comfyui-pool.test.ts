/**
 * Several ComfyUI servers as one pool: the shortest queue among the servers that have the
 * workflow's models takes each generation, each server's limit holds, and a server that stops
 * and restarts mid-batch costs nothing twice: every photo is made once.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryAssets, MemoryJournal, NodeError } from '../../src/engine';
import { comfyui, workflowFor } from '../../src/providers/adapters/comfyui';
import { ComfyuiPool, runOnPool, type PooledJob } from '../../src/providers/comfyui/pool';
import { modelsOf } from '../../src/providers/comfyui/server-info';
import type { GenerationContext } from '../../src/providers/generation';
import { FAST_TIMING, PNG_IMAGE } from '../providers/contract';
import { testVideo } from '../providers/fixtures';
import { fakeComfyui, WAN_MODELS, type FakeComfyui } from '../providers/servers/comfyui';

const request: PooledJob['request'] = { endpoint: 'wan2.2-i2v', image: PNG_IMAGE, prompt: 'waves', seed: 1, seconds: 5, resolution: '480p', aspectRatio: '16:9', audio: false };
const models = modelsOf(workflowFor(request));
const job = (image = PNG_IMAGE): PooledJob => ({ provider: comfyui, model: 'wan-2.2', timing: FAST_TIMING, request: { ...request, image } });

let servers: FakeComfyui[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function start(count: number, lacking: number[] = []): Promise<FakeComfyui[]> {
  servers = await Promise.all(Array.from({ length: count }, (_, i) => fakeComfyui(testVideo(), undefined, lacking.includes(i) ? { models: { ...WAN_MODELS, diffusion_models: [] } } : {}).start()));
  return servers;
}

const poolOf = (list: FakeComfyui[], perServer = 1) => new ComfyuiPool(list.map((s) => ({ url: s.url, connection: { origin: s.url } })), { perServer, downForMs: 200, probeTimeoutMs: 400 });

const journal = new MemoryJournal();
const context = (key: string): GenerationContext => ({ key, nodeId: 'gen', signal: new AbortController().signal, progress: () => {}, journal, assets: new MemoryAssets(), secrets: { credentials: async () => undefined } });
/** A photo of its own: different bytes, so a different upload. */
const photo = (i: number) => ({ ...PNG_IMAGE, blob: new Blob([PNG_IMAGE.blob, new Uint8Array([i])], { type: 'image/png' }) });

describe('ComfyUI servers as one pool', () => {
  it('sends a generation to the shortest queue among the servers that have its models', async () => {
    const [busy, idle, lacking] = await start(3, [2]);
    // Someone else's prompt waits on the first server.
    const other = JSON.stringify({ prompt: { '1': { class_type: 'SaveImage', inputs: { images: ['2', 0] } }, '2': { class_type: 'VAEDecode', inputs: {} } } });
    busy!.pollsToFinish = 1000;
    expect((await fetch(`${busy!.url}/prompt`, { method: 'POST', body: other })).status).toBe(200);
    await runOnPool(context('one'), job(), poolOf(servers), models);
    expect(idle!.made()).toHaveLength(1);
    expect(busy!.accepted).toBe(1); // only the other prompt
    expect(lacking!.accepted).toBe(0);
  });

  it('refuses at once when no server has the models, naming what each lacks and where it goes', async () => {
    await start(2, [0, 1]);
    const error = await runOnPool(context('none'), job(), poolOf(servers), models).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeError);
    expect((error as Error).message).toBe(
      `no ComfyUI server of the pool has the workflow's models: ${servers.map((s) => `${s.url} lacks wan2.2_i2v_high_noise_14B_fp8_scaled.safetensors (models/diffusion_models), wan2.2_i2v_low_noise_14B_fp8_scaled.safetensors (models/diffusion_models)`).join('; ')}`,
    );
    expect(servers.every((s) => s.accepted === 0)).toBe(true);
  });

  it('makes every photo of a batch once while one server stops and restarts mid-batch, sending nothing twice', async () => {
    const list = await start(3);
    for (const s of list) s.pollsToFinish = 4;
    const pool = poolOf(list);
    const photos = Array.from({ length: 9 }, (_, i) => i);
    const batch = Promise.all(photos.map((i) => runOnPool(context(`photo-${i}`), job(photo(i)), pool, models)));
    // The second server goes down with work on it, loses its queue and history, and comes back.
    const flaky = list[1]!;
    await vi.waitFor(() => expect(flaky.made().length).toBeGreaterThanOrEqual(1), { timeout: 10_000, interval: 5 });
    await vi.waitFor(() => expect(flaky.accepted).toBeGreaterThan(flaky.made().length), { timeout: 10_000, interval: 5 });
    flaky.down = true;
    flaky.restart();
    setTimeout(() => (flaky.down = false), 300);
    const videos = await batch;

    expect(videos.map((v) => v.size)).toEqual(photos.map(() => testVideo().length));
    // Each photo made once, across the pool; no prompt id sent twice anywhere.
    const made = list.flatMap((s) => s.made().map((t) => t.id));
    expect(made).toHaveLength(photos.length);
    expect(new Set(made).size).toBe(photos.length);
    const sent = list.flatMap((s) => s.promptIds());
    expect(new Set(sent).size).toBe(sent.length);
    // The prompt the restart lost was sent again elsewhere (or there), once.
    expect(flaky.accepted - flaky.made().length).toBeGreaterThanOrEqual(1);
    expect(sent.length).toBe(photos.length + flaky.accepted - flaky.made().length);
    // Each server held its limit: one of ours at a time.
    for (const s of list) expect(s.peakQueue).toBe(1);
    // Every photo's journal ends in one success.
    for (const i of photos) expect((await journal.forKey(`photo-${i}`))[0]!.status).toBe('succeeded');
  });

  it('leaves a server that does not answer out, and gives its share of the batch to the others', async () => {
    const [down, up] = await start(2);
    down!.down = true;
    const pool = poolOf(servers);
    const videos = await Promise.all([0, 1, 2].map((i) => runOnPool(context(`down-${i}`), job(photo(i)), pool, models)));
    expect(videos).toHaveLength(3);
    expect(up!.made()).toHaveLength(3);
    expect(down!.accepted).toBe(0);
  });

  it('sends a photo to another server when the one chosen stops answering before it takes the prompt', async () => {
    const [first, second] = await start(2);
    // The first answers the pool's look at it, then goes down before the upload.
    const looked = first!.refuse.bind(first);
    first!.refuse = (req) => (/^\/(view|upload)/.test(req.url ?? '') ? 'drop' : looked(req));
    await runOnPool(context('moved'), job(photo(9)), poolOf(servers), models);
    expect(first!.accepted).toBe(0);
    expect(second!.made()).toHaveLength(1);
    const [latest, earlier] = await journal.forKey('moved');
    expect([latest!.status, earlier!.status]).toEqual(['succeeded', 'failed']);
  });

  it('resumes a prompt on the server it was sent to, not elsewhere', async () => {
    const list = await start(2);
    for (const s of list) s.pollsToFinish = 6;
    const pool = poolOf(list);
    const crash = new Error('the tab was closed');
    const ctx = { ...context('resume'), progress: (_f: number, m?: string) => { if (m?.startsWith('queued')) throw crash; } };
    await expect(runOnPool(ctx, job(), pool, models)).rejects.toBe(crash);
    const first = list.find((s) => s.accepted === 1)!;
    await runOnPool(context('resume'), job(), pool, models);
    expect(first.made()).toHaveLength(1);
    expect(list.reduce((n, s) => n + s.accepted, 0)).toBe(1);
  });
});
