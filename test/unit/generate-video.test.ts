/**
 * The Generate video node inside the engine, against a local fal server: the model decides the
 * legal params, the estimate comes from the catalog, results are cached by what matters, and a
 * run after a crash resumes the paid task instead of sending it again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { conformParams, createMedia, defineNode, Engine, MemoryCache, MemoryJournal, memoryServices, NodeRegistry, WORKFLOW_FORMAT, WORKFLOW_VERSION, type JournalEntry, type VideoValue, type WorkflowDocument } from '../../src/engine';
import generateVideo from '../../src/nodes/generate-video';
import { FAST_TIMING } from '../providers/contract';
import { testVideo } from '../providers/fixtures';
import type { FakeProvider } from '../providers/kit';
import { fakeFal } from '../providers/servers/fal';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const still = defineNode({
  type: 'test.still',
  version: 1,
  title: 'Still',
  category: 'Input',
  description: 'A fixed image.',
  inputs: {},
  outputs: { image: { type: 'image', label: 'Image' } },
  params: {},
  run: async () => ({ image: await createMedia('image', new Blob([PNG], { type: 'image/png' }), { mime: 'image/png', width: 1280, height: 720 }) }),
});

let servers: FakeProvider[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function fal(video = testVideo()): Promise<FakeProvider> {
  const server = await fakeFal(video, 'k').start();
  servers.push(server);
  return server;
}

function engine(server: FakeProvider, journal = new MemoryJournal(), key: string | null = 'k') {
  return new Engine({
    registry: new NodeRegistry([still, generateVideo]),
    cache: new MemoryCache(),
    services: memoryServices({ journal, credentials: key ? { fal: { apiKey: key } } : {}, settings: { providers: { endpoints: { fal: server.url }, timing: FAST_TIMING } } }),
  });
}

function graph(params: Record<string, unknown>): WorkflowDocument {
  return {
    format: WORKFLOW_FORMAT,
    version: WORKFLOW_VERSION,
    id: 'w1',
    name: 'generate',
    nodes: [
      { id: 'still', type: 'test.still', version: 1, position: { x: 0, y: 0 }, params: {} },
      { id: 'gen', type: 'generate.video', version: 1, position: { x: 200, y: 0 }, params: { model: 'kling-v2.1-master', route: 'fal', duration: '5', resolution: '1080p', aspectRatio: 'auto', prompt: 'waves', ...params } },
    ],
    edges: [{ id: 'e1', source: 'still', sourcePort: 'image', target: 'gen', targetPort: 'image' }],
  };
}

describe('Generate video', () => {
  it('makes a clip on the chosen route and reads what it is', async () => {
    const server = await fal();
    const summary = await engine(server).run({ document: graph({}) });
    expect(summary.nodes.gen!.state).toBe('done');
    const video = summary.nodes.gen!.outputs!.video as VideoValue;
    expect(video).toMatchObject({ kind: 'video', width: 320, height: 180, fps: 24, duration: 1, hasAudio: false });
    expect(server.accepted).toBe(1);
  });

  it("keeps the model's own sound as the clip's audio track", async () => {
    const server = await fal(testVideo({ audio: true }));
    const summary = await engine(server).run({ document: graph({ model: 'veo-3.1-fast', duration: '4', resolution: '720p', aspectRatio: '16:9', audio: true }) });
    expect((summary.nodes.gen!.outputs!.video as VideoValue).hasAudio).toBe(true);
    expect(JSON.parse(server.log.find((r) => r.method === 'POST')!.body)).toMatchObject({ generate_audio: true, duration: '4s', resolution: '720p' });
  });

  it('never sends again what is cached, even when a parameter that does not apply changes', async () => {
    const server = await fal();
    const e = engine(server);
    await e.run({ document: graph({}) });
    const again = await e.run({ document: graph({ server: 'http://elsewhere:8188', seed: 42 }) });
    expect(again.nodes.gen!.state).toBe('cached');
    expect(server.accepted).toBe(1);
  });

  it('resumes a paid task after a crash instead of submitting it again', async () => {
    const server = await fal();
    server.pollsToFinish = 3;
    const journal = new MemoryJournal();
    // The tab dies as soon as the provider has the task: the journal is all that is left.
    const crashing = Object.assign(Object.create(journal) as MemoryJournal, {
      put: async (entry: JournalEntry) => {
        await journal.put(entry);
        if (entry.status === 'submitted') throw new Error('tab closed');
      },
    });
    const first = await engine(server, crashing).run({ document: graph({}) });
    expect(first.nodes.gen!.state).toBe('failed');
    const second = await engine(server, journal).run({ document: graph({}) });
    expect(second.nodes.gen!.state).toBe('done');
    expect(server.accepted).toBe(1);
  });

  it('refuses a duration the model does not offer, naming the ones it does', async () => {
    const server = await fal();
    const summary = await engine(server).run({ document: graph({ duration: '7' }) });
    expect(summary.nodes.gen!.error).toBe('params.duration: Duration "7" is not offered here; choose 5 s, 10 s');
    expect(server.log).toHaveLength(0);
  });

  it('says which key is missing and where to add it', async () => {
    const server = await fal();
    const summary = await engine(server, undefined, null).run({ document: graph({}) });
    expect(summary.nodes.gen!.error).toMatch(/^No fal key: add one in Settings > Providers > fal/);
  });

  it('says plainly why a route it cannot drive is unavailable', async () => {
    const server = await fal();
    const summary = await engine(server).run({ document: graph({ model: 'luma-ray-2', route: 'luma', resolution: '720p', aspectRatio: '16:9' }) });
    expect(summary.nodes.gen!.error).toMatch(/Luma's own API takes images only by public URL/);
  });

  it('reaches only a ComfyUI server the user added, whatever the workflow names', async () => {
    const server = await fal();
    const summary = await engine(server).run({ document: graph({ model: 'wan-2.2-i2v', route: 'comfyui', resolution: '480p', duration: '5', aspectRatio: 'auto', server: '192.168.9.9:8188/' }) });
    expect(summary.nodes.gen!.error).toBe('the ComfyUI server http://192.168.9.9:8188 is not one of yours: add it in Settings > Providers > ComfyUI (Stillmotion reaches only the servers you added there)');
  });

  it('offers only what the chosen model can do', () => {
    const constraints = generateVideo.constrain!({ ...defaults(), model: 'kling-v2.1-master', route: 'fal' });
    expect(constraints.duration?.options).toEqual(['5', '10']);
    expect(constraints.resolution?.options).toEqual(['1080p']);
    expect(constraints.route?.options).toEqual(['kling', 'fal', 'replicate']);
    expect(constraints.server?.hidden).toBe(true);
  });

  it('brings the other params within what a newly chosen model offers', () => {
    const chosen = { ...defaults(), model: 'kling-v2.1-master', route: 'fal', duration: '7', resolution: '720p', aspectRatio: '16:9' };
    expect(conformParams(generateVideo.params, generateVideo.constrain!(chosen), chosen)).toMatchObject({ duration: '5', resolution: '1080p', aspectRatio: 'auto' });
  });

  it('estimates the cost from the catalog, citing its source', () => {
    const cost = generateVideo.cost!({ ...defaults(), model: 'kling-v2.1-master', route: 'fal', duration: '10', resolution: '1080p' });
    expect(cost!.usd).toBeCloseTo(2.8);
    expect(cost!.basis).toContain('https://fal.ai/models/fal-ai/kling-video/v2.1/master/image-to-video/llms.txt');
  });
});

function defaults(): Record<string, unknown> {
  return Object.fromEntries(Object.entries(generateVideo.params).map(([k, spec]) => [k, spec.default]));
}
