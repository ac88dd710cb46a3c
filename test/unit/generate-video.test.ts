/**
 * The Generate video node inside the engine, against a local fal server: the model decides the
 * legal params, the estimate comes from the catalog, results are cached by what matters, and a
 * run after a crash resumes the paid task instead of sending it again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { conformParams, createMedia, defineNode, Engine, MemoryCache, MemoryJournal, memoryServices, NodeRegistry, param, WORKFLOW_FORMAT, WORKFLOW_VERSION, type Credentials, type JournalEntry, type SelectParam, type VideoValue, type WorkflowDocument } from '../../src/engine';
import generateVideo from '../../src/nodes/generate-video';
import { FAST_TIMING } from '../providers/contract';
import { testVideo } from '../providers/fixtures';
import type { FakeProvider } from '../providers/kit';
import { fakeComfyui } from '../providers/servers/comfyui';
import { fakeFal } from '../providers/servers/fal';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const still = defineNode({
  type: 'test.still',
  version: 1,
  title: 'Still',
  category: 'Input',
  description: 'A fixed image, `bytes` long.',
  inputs: {},
  outputs: { image: { type: 'image', label: 'Image' } },
  params: { bytes: param.number({ label: 'Bytes', default: PNG.length, min: PNG.length, max: 64_000_000, integer: true }) },
  run: async ({ params }) => {
    const bytes = new Uint8Array(params.bytes);
    bytes.set(PNG);
    return { image: await createMedia('image', new Blob([bytes], { type: 'image/png' }), { mime: 'image/png', width: 1280, height: 720 }) };
  },
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

/** An engine whose providers are all set (as a proxy would be) to `origin`, by default the fake's API. */
function engine(server: FakeProvider, journal = new MemoryJournal(), key: string | null = 'k', origin = server.url) {
  const credentials: Record<string, Credentials> = key ? { fal: { apiKey: key }, runway: { apiKey: key }, gemini: { apiKey: key }, minimax: { apiKey: key } } : {};
  return new Engine({
    registry: new NodeRegistry([still, generateVideo]),
    cache: new MemoryCache(),
    services: memoryServices({ journal, credentials, settings: { providers: { endpoints: { fal: origin, runway: origin, gemini: origin, minimax: origin }, timing: FAST_TIMING } } }),
  });
}

function graph(params: Record<string, unknown>, imageBytes = PNG.length): WorkflowDocument {
  return {
    format: WORKFLOW_FORMAT,
    version: WORKFLOW_VERSION,
    id: 'w1',
    name: 'generate',
    nodes: [
      { id: 'still', type: 'test.still', version: 1, position: { x: 0, y: 0 }, params: { bytes: imageBytes } },
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

  it('runs on several ComfyUI servers as one pool when the node names them, only among those the user added', async () => {
    const [a, b] = await Promise.all([fakeComfyui(testVideo()).start(), fakeComfyui(testVideo()).start()]);
    servers.push(a!, b!);
    const run = (server: string, comfyuiServers: string[]) =>
      new Engine({
        registry: new NodeRegistry([still, generateVideo]),
        cache: new MemoryCache(),
        services: memoryServices({ journal: new MemoryJournal(), settings: { providers: { comfyuiServers, timing: FAST_TIMING } } }),
      }).run({ document: graph({ model: 'wan-2.2-i2v', route: 'comfyui', resolution: '480p', aspectRatio: 'auto', server }) });
    const refused = await run(`${a!.url}, ${b!.url}`, [a!.url]);
    expect(refused.nodes.gen!.error).toBe(`the ComfyUI server ${b!.url} is not one of yours: add it in Settings > Providers > ComfyUI (Stillmotion reaches only the servers you added there)`);
    const summary = await run(`${a!.url}, ${b!.url}`, [a!.url, b!.url]);
    expect(summary.nodes.gen!.state).toBe('done');
    expect(a!.accepted + b!.accepted).toBe(1);
    expect(generateVideo.resource!({ ...defaults(), route: 'comfyui', server: `${a!.url}, ${b!.url}` })).toBeUndefined();
  });

  it("asks each ComfyUI server whether it has the workflow's node types and models, for a note under the workflow", async () => {
    const [full, bare] = await Promise.all([fakeComfyui(testVideo()).start(), fakeComfyui(testVideo(), undefined, { models: { diffusion_models: [], text_encoders: [], vae: ['other_vae.safetensors'] } }).start()]);
    servers.push(full!, bare!);
    const settings = { get: async () => ({ comfyuiServers: [full!.url, bare!.url] }) };
    const inspect = (params: Record<string, unknown>) => generateVideo.inspect!({ ...defaults(), model: 'wan-2.2-i2v', route: 'comfyui', resolution: '480p', ...params } as never, { settings, signal: new AbortController().signal });
    expect(await inspect({ server: full!.url })).toEqual({ template: `ComfyUI at ${full!.url} has every node type and model it needs.` });
    expect((await inspect({ server: `${full!.url}, ${bare!.url}, 10.0.0.9:8188` })).template).toBe(
      [
        `ComfyUI at ${full!.url} has every node type and model it needs.`,
        `ComfyUI at ${bare!.url} lacks wan2.2_i2v_high_noise_14B_fp8_scaled.safetensors (models/diffusion_models), wan2.2_i2v_low_noise_14B_fp8_scaled.safetensors (models/diffusion_models), umt5_xxl_fp8_e4m3fn_scaled.safetensors (models/text_encoders), wan_2.1_vae.safetensors (models/vae) (models/diffusion_models is empty; models/text_encoders is empty; models/vae holds other_vae.safetensors).`,
        'the ComfyUI server http://10.0.0.9:8188 is not one of yours: add it in Settings > Providers > ComfyUI (Stillmotion reaches only the servers you added there).',
      ].join(' '),
    );
    const custom = JSON.stringify({ '1': { class_type: 'LoadImage', inputs: { image: '{{image}}' } }, '2': { class_type: 'VHS_VideoCombine', inputs: { images: ['1', 0], format: 'video/h264-mp4', frame_rate: 24 } } });
    expect(await inspect({ server: full!.url, template: custom })).toEqual({ template: `ComfyUI at ${full!.url} lacks the node type VHS_VideoCombine (a custom node not installed).` });
    expect(await inspect({ route: 'fal', model: 'kling-v2.1-master' })).toEqual({});
  });

  it('offers only what the chosen model can do', () => {
    const constraints = generateVideo.constrain!({ ...defaults(), model: 'kling-v2.1-master', route: 'fal' });
    expect(constraints.duration?.options).toEqual(['5', '10']);
    expect(constraints.resolution?.options).toEqual(['1080p']);
    expect(constraints.route?.options).toEqual(['fal', 'replicate']);
    expect(constraints.server?.hidden).toBe(true);
  });

  it('checks a pasted ComfyUI workflow as it is pasted, saying what it fills or why it will not run', () => {
    const comfy = { ...defaults(), model: 'wan-2.2-i2v', route: 'comfyui' };
    expect(generateVideo.constrain!(comfy).template?.note).toBeUndefined();
    const saved = JSON.stringify({ '1': { class_type: 'LoadImage', inputs: { image: '{{image}}' } }, '2': { class_type: 'CreateVideo', inputs: { images: ['1', 0], fps: 24 } }, '3': { class_type: 'SaveVideo', inputs: { video: ['2', 0], filename_prefix: 'x', format: 'mp4' } } });
    expect(generateVideo.constrain!({ ...comfy, template: saved }).template?.note).toBe('Checked: fills {{image}}; saves the video with node 3 at 24 fps');
    expect(generateVideo.constrain!({ ...comfy, template: '{"nodes": [], "links": []}' }).template?.note).toMatch(/^Will not run: the ComfyUI workflow is in the editor format/);
    expect(generateVideo.constrain!({ ...comfy, template: saved.replace('SaveVideo', 'SaveAnimatedWEBP') }).template?.note).toMatch(/^Will not run: the ComfyUI workflow saves no video: SaveAnimatedWEBP \(node 3\) saves an animated WEBP/);
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

describe('Generate video: only what the provider accepts leaves the app', () => {
  it('narrows the durations to what the chosen resolution allows, per combination, and conforms a choice the new resolution rules out', () => {
    const hailuo = { ...defaults(), model: 'hailuo-2.3', route: 'minimax', resolution: '1080p', duration: '10', aspectRatio: 'auto' };
    const constraints = generateVideo.constrain!(hailuo);
    expect(constraints.duration?.options).toEqual(['6']);
    expect(constraints.duration?.note).toBe('At 1080p, Hailuo 2.3 via MiniMax makes 6 s only');
    expect(conformParams(generateVideo.params, constraints, hailuo)).toMatchObject({ duration: '6' });
    expect(generateVideo.constrain!({ ...hailuo, resolution: '768p' }).duration?.options).toEqual(['6', '10']);
    const veo = { ...defaults(), model: 'veo-3.1-fast', route: 'gemini', aspectRatio: '16:9' };
    expect(generateVideo.constrain!({ ...veo, resolution: '720p' }).duration?.options).toEqual(['4', '6', '8']);
    expect(generateVideo.constrain!({ ...veo, resolution: '4k' }).duration?.options).toEqual(['8']);
    // The same model on fal has no such rule in its schema.
    expect(generateVideo.constrain!({ ...veo, route: 'fal', resolution: '4k' }).duration?.options).toEqual(['4', '6', '8']);
  });

  it.each([
    [{ model: 'hailuo-2.3', route: 'minimax', resolution: '1080p', duration: '10', aspectRatio: 'auto' }, 'params.duration: Duration "10" is not offered at 1080p on Hailuo 2.3 via MiniMax; choose 6 s'],
    [{ model: 'veo-3.1', route: 'gemini', resolution: '1080p', duration: '4', aspectRatio: '16:9' }, 'params.duration: Duration "4" is not offered at 1080p on Veo 3.1 via Gemini API; choose 8 s'],
    [{ model: 'pixverse-v5', route: 'fal', resolution: '1080p', duration: '8', aspectRatio: 'auto' }, 'params.duration: Duration "8" is not offered at 1080p on PixVerse v5 via fal; choose 5 s'],
    [{ model: 'kling-v3', route: 'kling', resolution: '4k', duration: '5', aspectRatio: 'auto' }, 'params.resolution: Resolution "4k" is not offered here; choose 720p, 1080p'],
  ])('refuses an illegal combination before sending anything, naming what is allowed: %o', async (params, error) => {
    const server = await fal();
    const journal = new MemoryJournal();
    const summary = await engine(server, journal).run({ document: graph(params) });
    expect(summary.nodes.gen!.error).toBe(error);
    expect(server.log).toHaveLength(0);
    expect(await journal.list()).toEqual([]);
  });

  it('refuses an image over the endpoint\'s limit (Veo on fal: 8 MB) before sending anything', async () => {
    const server = await fal();
    const params = { model: 'veo-3.1-fast', duration: '4', resolution: '720p', aspectRatio: '16:9' };
    const summary = await engine(server).run({ document: graph(params, 9_000_000) });
    expect(summary.nodes.gen!.error).toBe('Veo 3.1 Fast on fal takes images up to 8.0 MB; the first frame is 9.0 MB: use a smaller image (a JPEG, or a smaller size in Image input)');
    expect(server.log).toHaveLength(0);
  });

  it('sends an image under the limit, through fal storage since it is large (a proxy set for fal takes both its APIs)', async () => {
    const server = await fal();
    const summary = await engine(server, undefined, 'k', server.keyedOrigins()[0]).run({ document: graph({ model: 'veo-3.1-fast', duration: '4', resolution: '720p', aspectRatio: '16:9' }, 7_900_000) });
    expect(summary.nodes.gen!.state).toBe('done');
    expect(server.log.some((r) => r.path.startsWith('/storage/upload/initiate'))).toBe(true);
  });

  it('says on the node, before any run, what the chosen model requires or announces', () => {
    expect(generateVideo.constrain!({ ...defaults(), model: 'runway-gen-4.5', route: 'runway' }).prompt?.note).toBe('Required by Runway Gen-4.5 via Runway, up to 1000 characters');
    expect(generateVideo.constrain!({ ...defaults(), model: 'veo-3.1-fast', route: 'fal' }).prompt).toBeUndefined();
    expect(generateVideo.constrain!({ ...defaults(), model: 'kling-v2.1-master', route: 'fal' }).model?.note).toMatch(/^Retired on Kling's own API on 2026-09-15/);
  });

  it('says Runway gen4.5 needs a prompt before anything is sent', async () => {
    const server = await fal();
    const summary = await engine(server).run({ document: graph({ model: 'runway-gen-4.5', route: 'runway', duration: '5', resolution: '720p', aspectRatio: '16:9', prompt: '   ' }) });
    expect(summary.nodes.gen!.error).toBe('Runway Gen-4.5 on Runway needs a prompt and refuses to run without one: write what moves and how the camera moves in Prompt, or wire a prompt in');
    expect(server.log).toHaveLength(0);
  });

  it('sends Kling v3 at 4K to fal\'s 4K endpoint, with the Pro endpoint\'s inputs', async () => {
    const server = await fal();
    const summary = await engine(server).run({ document: graph({ model: 'kling-v3', route: 'fal', duration: '5', resolution: '4k', aspectRatio: 'auto' }) });
    expect(summary.nodes.gen!.state).toBe('done');
    const submit = server.log.find((r) => r.method === 'POST')!;
    expect(submit.path).toBe('/fal-ai/kling-video/v3/4k/image-to-video');
    expect(JSON.parse(submit.body)).toMatchObject({ start_image_url: expect.stringMatching(/^data:image\/png/), duration: '5' });
  });

  it('opens a saved workflow naming a withdrawn model or route, and says why it will not run', async () => {
    const server = await fal();
    const motion = await engine(server).run({ document: graph({ model: 'kling-v2.6-motion-control', route: 'kling', duration: '10', resolution: '1080p' }) });
    expect(motion.nodes.gen!.error).toMatch(/^params\.model: Model "kling-v2\.6-motion-control" is not offered any more \(Kling v2\.6 Motion Control is a different product .* reference video.*\); choose Seedance 2\.0/);
    const master = await engine(server).run({ document: graph({ route: 'kling' }) });
    expect(master.nodes.gen!.error).toMatch(/^params\.route: Route "kling" is not offered for Kling v2\.1 Master any more \(Kling retired v2\.1 Master on its own API on 2026-09-15.*\); choose fal, Replicate$/);
    expect(server.log).toHaveLength(0);
  });

  it('lists each model with its lowest price per second and its speed class', () => {
    const labels = Object.fromEntries((generateVideo.params.model as SelectParam<string>).options.map((o) => [o.value, o.label]));
    expect(labels['veo-3.1-fast']).toBe('Veo 3.1 Fast · from $0.100/s · fast');
    expect(labels['kling-v2.1-master']).toBe('Kling v2.1 Master · from $0.280/s · slow');
    expect(labels['wan-2.2-i2v']).toBe('Wan 2.2 I2V (open weights) · no charge · slow');
    expect(labels['kling-v2.6-motion-control']).toBe('Kling v2.6 Motion Control (Pro) (withdrawn)');
    expect(generateVideo.constrain!({ ...defaults(), model: 'veo-3.1-fast' }).model?.options).not.toContain('kling-v2.6-motion-control');
  });

  it('shows each route\'s price per second for the chosen settings, and which is cheapest', () => {
    const veo = { ...defaults(), model: 'veo-3.1-fast', route: 'fal', resolution: '1080p', audio: true };
    expect(generateVideo.constrain!(veo).route?.labels).toEqual({ gemini: 'Gemini API · $0.120/s · cheapest', fal: 'fal · $0.150/s', replicate: 'Replicate · $0.150/s' });
    expect(generateVideo.constrain!({ ...veo, resolution: '4k' }).route?.labels).toMatchObject({ gemini: 'Gemini API · $0.300/s · cheapest', fal: 'fal · $0.350/s', replicate: 'Replicate · no 4K' });
    const pixverse = { ...defaults(), model: 'pixverse-v6', route: 'pixverse', resolution: '720p', audio: false };
    expect(generateVideo.constrain!(pixverse).route?.labels).toEqual({ pixverse: 'PixVerse · $0.129/s', fal: 'fal · $0.045/s · cheapest' });
  });
});

function defaults(): Record<string, unknown> {
  return Object.fromEntries(Object.entries(generateVideo.params).map(([k, spec]) => [k, spec.default]));
}
