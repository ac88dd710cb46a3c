/** A ComfyUI server: the provider contract, plus its workflow templates, prompt ids, queue and live progress. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { hashBytes, MemoryAssets, MemoryJournal, NodeError } from '../../src/engine';
import { comfyui, frameSize, promptIdOf } from '../../src/providers/adapters/comfyui';
import { checkTemplate, fillTemplate, frameTiming, parseTemplate, PLACEHOLDERS } from '../../src/providers/comfyui/template';
import wan22 from '../../src/providers/comfyui/templates/wan2.2-i2v.json';
import { runGeneration, type GenerationJob } from '../../src/providers/generation';
import { serverTokenId } from '../../src/providers/settings';
import { ProviderHttp } from '../../src/providers/http';
import { FAST_TIMING, PNG_IMAGE, providerContract, reach } from '../providers/contract';
import { testVideo } from '../providers/fixtures';
import type { FakeProvider } from '../providers/kit';
import { fakeComfyui, WAN_MODELS, type FakeComfyui } from '../providers/servers/comfyui';
import { describeServer, missingModels, modelsOf, serverHttp, serverInfo } from '../../src/providers/comfyui/server-info';

const request: GenerationJob['request'] = {
  endpoint: 'wan2.2-i2v',
  image: PNG_IMAGE,
  prompt: 'a slow push in on a lighthouse',
  negativePrompt: 'blur',
  seed: 42,
  seconds: 5,
  resolution: '480p',
  aspectRatio: '16:9',
  audio: false,
};

providerContract({
  info: comfyui,
  credentials: { apiKey: '' },
  server: (video) => fakeComfyui(video),
  request,
  invalid: {
    fault: {
      type: 'status',
      status: 400,
      body: {
        error: { type: 'prompt_outputs_failed_validation', message: 'Prompt outputs failed validation', details: '', extra_info: {} },
        node_errors: { '11': { errors: [{ type: 'value_not_in_list', message: 'Value not in list', details: "sampler_name: 'eulr' not in ['euler', 'dpmpp_2m']", extra_info: {} }], dependent_outputs: ['15'], class_type: 'KSamplerAdvanced' } },
      },
    },
    says: /ComfyUI refused the request \(HTTP 400\): node 11 \(KSamplerAdvanced\): Value not in list \(sampler_name: 'eulr' not in/,
  },
  has: { cancel: true, moderation: false, recover: true, lostAnswerFoundAtOnce: true },
});

describe('ComfyUI: its own ways', () => {
  let server: FakeProvider;
  let journal: MemoryJournal;
  beforeEach(async () => {
    server = await fakeComfyui(testVideo()).start();
    journal = new MemoryJournal();
  });
  afterEach(() => server.close());

  const generate = (overrides: Partial<GenerationJob['request']> = {}) =>
    runGeneration(
      { key: 'k1', nodeId: 'n', signal: new AbortController().signal, progress: () => {}, journal, assets: new MemoryAssets(), secrets: { credentials: async () => undefined } },
      { provider: comfyui, origin: server.url, model: 'wan-2.2', timing: FAST_TIMING, request: { ...request, ...overrides } },
    );
  const sent = (path: string) => server.log.find((r) => r.method === 'POST' && r.path === path)!;

  it('uploads the image, then queues the filled Wan 2.2 workflow under a prompt id made from the journal entry', async () => {
    await generate();
    const upload = sent('/upload/image');
    expect(upload.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const [entry] = await journal.list();
    const name = `stillmotion-${(await hashBytes(PNG_IMAGE.blob)).slice(0, 32)}.png`;
    expect(upload.body).toContain(`filename="${name}"`);
    // What the server accepted: the prompt under our id, from our client id.
    const [accepted] = server.tasks.values();
    const prompt = accepted!.input as Record<string, { inputs: Record<string, unknown> }>;
    expect(accepted!.id).toBe(await promptIdOf(entry!.id));
    expect(entry!.providerTaskId).toBe(accepted!.id);
    expect(accepted!.extra.clientId).toBe(`stillmotion-${entry!.id}`);
    expect(prompt['5']!.inputs.image).toBe(name);
    expect(prompt['6']!.inputs.text).toBe(request.prompt);
    expect(prompt['7']!.inputs.text).toBe('blur');
    expect(prompt['8']!.inputs).toMatchObject({ width: 848, height: 480, length: 81 });
    expect(prompt['11']!.inputs.noise_seed).toBe(42);
    expect(prompt['14']!.inputs.fps).toBe(16);
    // The video node saves under the prompt's own id, so the file is found by name alone.
    expect(prompt['15']!.inputs.filename_prefix).toBe(`stillmotion/${accepted!.id}`);
    const download = server.log.find((r) => r.path.startsWith('/view') && r.path.endsWith('type=output'))!;
    expect(download.path).toBe(`/view?filename=${accepted!.id}_00001_.mp4&subfolder=stillmotion&type=output`);
  });

  it('uploads a photo once, and uses the copy on the server for every later take of it', async () => {
    await generate();
    journal = new MemoryJournal();
    await generate({ seed: 7 });
    expect(server.log.filter((r) => r.path === '/upload/image')).toHaveLength(1);
    expect(server.accepted).toBe(2);
  });

  it("runs the user's own template when the request carries one", async () => {
    const own = structuredClone(wan22) as Record<string, { inputs: Record<string, unknown> }>;
    own['11']!.inputs.steps = 8;
    await generate({ template: JSON.stringify(own) });
    journal = new MemoryJournal(); // a new run, not the finished one again
    await generate({ template: '  ' }); // blank: the shipped workflow
    const [accepted, shipped] = server.tasks.values();
    expect((accepted!.input as typeof own)['11']!.inputs.steps).toBe(8);
    expect((shipped!.input as typeof own)['11']!.inputs.steps).toBe(20);
  });

  it('makes prompt ids canonical lowercase UUIDs, the same for the same reference', async () => {
    const id = await promptIdOf('entry-1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(await promptIdOf('entry-1')).toBe(id);
    expect(await promptIdOf('entry-2')).not.toBe(id);
  });

  it('sizes frames in multiples of 16 from the resolution and the aspect (or the image, on auto)', () => {
    expect(frameSize('720p', '16:9', PNG_IMAGE)).toEqual({ width: 1280, height: 720 });
    expect(frameSize('480p', '9:16', PNG_IMAGE)).toEqual({ width: 480, height: 848 });
    expect(frameSize('720p', '1:1', PNG_IMAGE)).toEqual({ width: 720, height: 720 });
    expect(frameSize('480p', 'auto', { ...PNG_IMAGE, width: 600, height: 800 })).toEqual({ width: 480, height: 640 });
  });

  it('reports its place in the queue, then the run', async () => {
    server.pollsToFinish = 4;
    const states: string[] = [];
    await runGeneration(
      { key: 'k2', nodeId: 'n', signal: new AbortController().signal, progress: (_f, m) => m && states.push(m), journal, assets: new MemoryAssets(), secrets: { credentials: async () => undefined } },
      { provider: comfyui, origin: server.url, model: 'wan-2.2', timing: FAST_TIMING, request },
    );
    expect(states).toContain('queued (0 ahead)');
    expect(states).toContain('generating');
  });

  it('downloads the saved video, not a preview or a still, whatever key its node files it under', async () => {
    await server.close();
    server = await fakeComfyui(testVideo(), (saved) => ({
      '5': { images: [{ filename: 'start.png', subfolder: '', type: 'input' }] },
      '16': { gifs: [{ ...saved, filename: 'preview_00001.mp4', type: 'temp', format: 'video/h264-mp4' }] },
      '17': { gifs: [{ ...saved, format: 'video/h264-mp4' }] },
    })).start();
    await generate();
    expect(server.log.find((r) => r.path.startsWith('/view') && r.path.endsWith('type=output'))!.path).toMatch(/filename=[0-9a-f-]{36}_00001_\.mp4&subfolder=stillmotion&type=output$/);
  });

  it('says so when the workflow saved no video', async () => {
    await server.close();
    server = await fakeComfyui(testVideo(), () => ({ '9': { images: [{ filename: 'frame.png', subfolder: '', type: 'output' }] } })).start();
    await expect(generate()).rejects.toThrow('ComfyUI could not make the video: the workflow finished but saved no video: it needs a node that saves one (SaveVideo, or VHS Video Combine)');
  });

  it('tells a page served without the Stillmotion server how to reach a server that refuses it', async () => {
    server.fail('upload', { type: 'status', status: 403, body: '' });
    await expect(generate()).rejects.toThrow('ComfyUI refused a request from this page (HTTP 403): open Stillmotion through `npm start`, whose server relays ComfyUI calls, or start ComfyUI with --enable-cors-header');
  });

  it('says which node failed and why', async () => {
    server.nextOutcome = 'fail';
    await expect(generate()).rejects.toThrow('ComfyUI could not make the video: KSamplerAdvanced (node 11) failed: Allocation on device 0 would exceed allowed memory. (out of memory)');
  });

  it('says so when the server has lost the prompt', async () => {
    server.pollsToFinish = 50;
    const run = generate();
    await vi.waitFor(() => expect(server.tasks.size).toBe(1));
    for (const t of server.tasks.values()) t.extra.deleted = true;
    await expect(run).rejects.toThrow(/the server no longer has this prompt/);
  });

  it('interrupts a running prompt when cancelled', async () => {
    server.pollsToFinish = 50;
    const controller = new AbortController();
    const run = runGeneration(
      { key: 'k3', nodeId: 'n', signal: controller.signal, progress: (_f, m) => m === 'generating' && controller.abort(new DOMException('cancelled', 'AbortError')), journal, assets: new MemoryAssets(), secrets: { credentials: async () => undefined } },
      { provider: comfyui, origin: server.url, model: 'wan-2.2', timing: FAST_TIMING, request },
    );
    await expect(run).rejects.toThrow('cancelled');
    const [t] = server.tasks.values();
    expect(t!.cancelled).toBe(true);
    expect(JSON.parse(sent('/interrupt').body)).toEqual({ prompt_id: t!.id });
  });

  it('takes a waiting prompt out of the queue when cancelled, leaving the running one alone', async () => {
    server.pollsToFinish = 50;
    const first = new AbortController();
    const running = runGeneration(
      { key: 'k4', nodeId: 'n', signal: first.signal, progress: () => {}, journal, assets: new MemoryAssets(), secrets: { credentials: async () => undefined } },
      { provider: comfyui, origin: server.url, model: 'wan-2.2', timing: FAST_TIMING, request },
    ).catch((e: unknown) => e);
    await vi.waitFor(() => expect(server.tasks.size).toBe(1));
    const second = new AbortController();
    const waiting = runGeneration(
      { key: 'k5', nodeId: 'n', signal: second.signal, progress: (_f, m) => m?.startsWith('queued') && second.abort(new DOMException('cancelled', 'AbortError')), journal, assets: new MemoryAssets(), secrets: { credentials: async () => undefined } },
      { provider: comfyui, origin: server.url, model: 'wan-2.2', timing: FAST_TIMING, request },
    );
    await expect(waiting).rejects.toThrow('cancelled');
    const [head, behind] = server.tasks.values();
    expect(behind!.extra.deleted).toBe(true);
    expect(head!.cancelled).toBe(false);
    expect(server.log.some((r) => r.path === '/interrupt')).toBe(false);
    first.abort(new DOMException('cancelled', 'AbortError'));
    await running;
  });

  it('adds the sampler steps from the WebSocket where there is one', async () => {
    const sockets: FakeSocket[] = [];
    class FakeSocket extends EventTarget {
      constructor(readonly url: string) {
        super();
        sockets.push(this);
      }
      close() {}
      say(message: unknown) {
        this.dispatchEvent(new MessageEvent('message', { data: JSON.stringify(message) }));
      }
    }
    vi.stubGlobal('WebSocket', FakeSocket);
    try {
      server.pollsToFinish = 50;
      const http = new ProviderHttp({ name: 'ComfyUI', origin: server.url, authorize: async () => ({}), timeoutMs: 1000 });
      const call = { http, signal: new AbortController().signal };
      const task = await comfyui.adapter.submit({ ...request, clientRef: 'ref-1' }, call);
      if ('done' in task) throw new Error('ComfyUI answers with a task');
      await comfyui.adapter.poll(task, call); // queued
      expect(await comfyui.adapter.poll(task, call)).toEqual({ state: 'running' });
      expect(sockets.map((s) => s.url)).toEqual([`${server.url.replace('http:', 'ws:')}/ws?clientId=stillmotion-ref-1`]);
      const say = (type: string, data: object) => sockets[0]!.say({ type, data: { prompt_id: task.id, ...data } });
      // 15 nodes: 10 cached, the first sampler a quarter through.
      say('execution_cached', { nodes: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'] });
      say('executing', { node: '11' });
      say('progress', { value: 5, max: 20, node: '11' });
      sockets[0]!.say({ type: 'progress', data: { value: 9, max: 20, prompt_id: 'someone-else', node: '11' } });
      expect(await comfyui.adapter.poll(task, call)).toEqual({ state: 'running', fraction: 10.25 / 15, message: 'node 11: step 5/20' });
      // The second sampler starts at step 0: the bar goes on from where the first one left it.
      say('executing', { node: '12' });
      say('progress', { value: 0, max: 20, node: '12' });
      expect(await comfyui.adapter.poll(task, call)).toEqual({ state: 'running', fraction: 11 / 15, message: 'node 12: step 0/20' });
      // A node without steps (the decoder) still moves it.
      say('executing', { node: '13' });
      expect(await comfyui.adapter.poll(task, call)).toEqual({ state: 'running', fraction: 12 / 15, message: 'running node 13' });
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('ComfyUI: the real server\'s habits', () => {
  let server: FakeComfyui;
  let journal: MemoryJournal;
  let messages: string[];
  beforeEach(async () => {
    server = await fakeComfyui(testVideo()).start();
    journal = new MemoryJournal();
    messages = [];
  });
  afterEach(() => server.close());

  const context = (signal = new AbortController().signal, onProgress: (message: string) => void = () => {}) => ({
    key: 'k1',
    nodeId: 'n',
    signal,
    progress: (_f: number, m?: string) => {
      if (!m) return;
      messages.push(m);
      onProgress(m);
    },
    journal,
    assets: new MemoryAssets(),
    secrets: { credentials: async () => undefined },
  });
  const job = (overrides: Partial<GenerationJob['request']> = {}): GenerationJob => ({ provider: comfyui, origin: server.url, model: 'wan-2.2', timing: FAST_TIMING, request: { ...request, ...overrides } });
  const posted = (path: string) => server.log.filter((r) => r.method === 'POST' && r.path === path);
  const failure = (run: Promise<unknown>) => run.then(() => expect.unreachable('it should fail') as never, (e: unknown) => e as Error);
  const withPreview = () => JSON.stringify({ ...wan22, '20': { class_type: 'PreviewImage', inputs: { images: ['5', 0] } } });

  it('names the refused video branch node by node, with the model folder, when ComfyUI runs only the other branches', async () => {
    await server.close();
    server = await fakeComfyui(testVideo(), undefined, { models: { diffusion_models: [], text_encoders: [], vae: [] } }).start();
    // The Preview Image branch passes, so ComfyUI answers 200 and runs it; the video branch was refused.
    const error = await failure(runGeneration(context(), job({ template: withPreview() })));
    expect(error).toBeInstanceOf(NodeError);
    expect(error.message).toMatch(/^ComfyUI refused the request: the branch that saves the video \(node 15\) failed validation: /);
    expect(error.message).toContain("node 1 (UNETLoader): Value not in list (unet_name: the server has no wan2.2_i2v_high_noise_14B_fp8_scaled.safetensors; put it in ComfyUI's models/diffusion_models folder)");
    expect(error.message).toContain("node 4 (VAELoader): Value not in list (vae_name: the server has no wan_2.1_vae.safetensors; put it in ComfyUI's models/vae folder)");
    expect(error.message).not.toContain('saved no video');
    // What ComfyUI would have run for nothing is taken off its queue.
    expect(posted('/queue').map((r) => JSON.parse(r.body))).toEqual([{ delete: [[...server.tasks.keys()][0]] }]);
    expect((await journal.list())[0]!.status).toBe('failed');
  });

  it('goes on when only another branch was refused', async () => {
    const own = JSON.parse(withPreview()) as Record<string, { class_type: string; inputs: Record<string, unknown> }>;
    own['20'] = { class_type: 'SaveImage', inputs: { images: ['21', 0], filename_prefix: 'still' } };
    own['21'] = { class_type: 'LoadImage', inputs: { image: 'not-uploaded.png' } };
    const blob = await runGeneration(context(), job({ template: JSON.stringify(own) }));
    expect(blob.size).toBe(testVideo().length);
  });

  it('finds a finished video by its file after the server restarted and forgot it, and never runs it again', async () => {
    server.pollsToFinish = 4;
    const crash = new Error('the tab was closed');
    await expect(runGeneration(context(undefined, (m) => { if (m.startsWith('queued')) throw crash; }), job())).rejects.toBe(crash);
    // The prompt finishes while the tab is closed, then ComfyUI restarts: its history is gone.
    for (let i = 0; i < 4; i++) await fetch(`${server.url}/queue`);
    server.restart();
    const [id] = server.tasks.keys();
    expect(await (await fetch(`${server.url}/history/${id}`)).json()).toEqual({});
    const blob = await runGeneration(context(), job());
    expect(blob.size).toBe(testVideo().length);
    expect(server.accepted).toBe(1);
    expect((await journal.list())[0]!.status).toBe('succeeded');
  });

  it('says so when the server restarted before the prompt finished, and that running again sends it again', async () => {
    server.pollsToFinish = 50;
    const crash = new Error('the tab was closed');
    await expect(runGeneration(context(undefined, (m) => { if (m.startsWith('queued')) throw crash; }), job())).rejects.toBe(crash);
    server.restart();
    await expect(runGeneration(context(), job())).rejects.toThrow('ComfyUI could not make the video: the server no longer has this prompt and saved no video for it: it was deleted from the queue, or the server restarted before it finished; running the node again sends it again');
    expect(server.accepted).toBe(1);
  });

  it('runs a prompt id it already has again, which is why a lost answer is looked up first', async () => {
    const body = JSON.stringify({ prompt: { '1': { class_type: 'SaveImage', inputs: { images: ['2', 0] } }, '2': { class_type: 'VAEDecode', inputs: {} } }, prompt_id: '0b7e1f4c-2a55-4c8e-9d43-6f1a2b3c4d5e' });
    for (let i = 0; i < 2; i++) expect((await fetch(`${server.url}/prompt`, { method: 'POST', body })).status).toBe(200);
    expect(server.accepted).toBe(2);
    server.fail('submit', { type: 'hang', accept: true });
    await runGeneration(context(), job());
    expect(posted('/prompt')).toHaveLength(3); // the hung one, not resent
  });

  it('calls an upload that got no answer a failure with nothing sent, not a possible charge', async () => {
    server.fail('upload', { type: 'hang' });
    const error = await failure(runGeneration(context(), job()));
    expect(error.message).toMatch(/the image upload to ComfyUI got no usable answer .*; no prompt was sent, so nothing runs on the server: run the node again/);
    expect(error.message).not.toMatch(/may or may not|charged/);
    expect((await journal.list())[0]!.status).toBe('failed');
    expect(posted('/prompt')).toHaveLength(0);
  });

  it('says "stopping" until the server confirms the interrupt, which lands between nodes', async () => {
    server.pollsToFinish = 50;
    const controller = new AbortController();
    const run = runGeneration(context(controller.signal, (m) => m === 'generating' && controller.abort(new DOMException('cancelled', 'AbortError'))), job());
    await expect(run).rejects.toThrow('cancelled');
    const [t] = server.tasks.values();
    expect(messages.at(-1)).toBe('stopping');
    // The run ended only once ComfyUI had stopped the prompt: it had already written it as interrupted.
    expect(t!.cancelled).toBe(true);
    const history = (await (await fetch(`${server.url}/history/${t!.id}`)).json()) as Record<string, { status: { messages: [string][] } }>;
    expect(history[t!.id]!.status.messages.map(([type]) => type)).toContain('execution_interrupted');
    expect(posted('/interrupt')).toHaveLength(1);
    expect((await journal.list())[0]!.status).toBe('cancelled');
  });

  it('refuses a workflow that saves no video before sending anything', async () => {
    const webp = structuredClone(wan22) as Record<string, { class_type: string; inputs: Record<string, unknown> }>;
    webp['15'] = { class_type: 'SaveAnimatedWEBP', inputs: { images: ['13', 0], filename_prefix: 'anim', fps: 16, lossless: false, quality: 90, method: 'default' } };
    webp['16'] = { class_type: 'PreviewImage', inputs: { images: ['13', 0] } };
    delete webp['14'];
    await expect(runGeneration(context(), job({ template: JSON.stringify(webp) }))).rejects.toThrow(
      "the ComfyUI workflow saves no video: SaveAnimatedWEBP (node 15) saves an animated WEBP; PreviewImage (node 16) saves preview images. Save the frames with a SaveVideo node (after Create Video, format mp4), or set VHS Video Combine's format to video/h264-mp4",
    );
    expect(server.log).toHaveLength(0);
  });

  it('fills the frame rate and count from the template and the node\'s duration', async () => {
    const fixed = structuredClone(wan22) as Record<string, { inputs: Record<string, unknown> }>;
    fixed['14']!.inputs.fps = 24;
    await runGeneration(context(), job({ template: JSON.stringify(fixed), seconds: 4 }));
    const [accepted] = server.tasks.values();
    const prompt = accepted!.input as typeof fixed;
    expect(prompt['8']!.inputs.length).toBe(97);
    expect(prompt['14']!.inputs.fps).toBe(24);
  });
});

describe('ComfyUI behind a proxy that asks for a token', () => {
  for (const via of ['direct', 'relay'] as const) {
    it(`sends the token saved for that server, and says where to give one when it is missing (${via})`, async () => {
      const server = await fakeComfyui(testVideo(), undefined, { token: 't0ken' }).start();
      const { connection, app } = await reach(via, comfyui, server);
      try {
        const run = (tokens: Record<string, string>) =>
          runGeneration(
            { key: `k-${Object.keys(tokens).length}`, nodeId: 'n', signal: new AbortController().signal, progress: () => {}, journal: new MemoryJournal(), assets: new MemoryAssets(), secrets: { credentials: async (id) => (tokens[id] ? { apiKey: tokens[id] } : undefined) } },
            { provider: comfyui, ...connection, model: 'wan-2.2', timing: FAST_TIMING, request },
          );
        await expect(run({})).rejects.toThrow(`ComfyUI at ${server.url} refused the request (HTTP 401)`);
        await expect(run({})).rejects.toThrow('give its token in Settings > Providers > ComfyUI');
        const blob = await run({ [serverTokenId('comfyui', server.url)]: 't0ken' });
        expect(blob.size).toBe(testVideo().length);
        expect(server.log.at(-1)!.headers.authorization).toBe('Bearer t0ken');
      } finally {
        await app?.close();
        await server.close();
      }
    });
  }
});

describe('ComfyUI: what a server says about itself', () => {
  it('gives its version, devices, queue and installed models for "Test"', async () => {
    const server = await fakeComfyui(testVideo()).start();
    try {
      const http = serverHttp({ origin: server.url }, 1000);
      const info = await serverInfo(http, new AbortController().signal);
      expect(info.models).toEqual(WAN_MODELS);
      expect(describeServer(info)).toBe('ComfyUI 0.3.68 · cpu, 20.0 of 32.0 GiB free · 0 running, 0 waiting · 2 diffusion models, 1 text encoder, 1 VAE');
    } finally {
      await server.close();
    }
  });

  it("names the models a workflow needs that a server lacks, with each one's folder", () => {
    const wanted = modelsOf(checkTemplate(wan22));
    expect(missingModels(wanted, WAN_MODELS)).toEqual([]);
    expect(missingModels(wanted, { ...WAN_MODELS, vae: [] })).toEqual(['wan_2.1_vae.safetensors (models/vae)']);
  });
});

describe('ComfyUI workflow templates', () => {
  const values = { image: 'in.png', prompt: 'waves', negative_prompt: '', seed: 7, frames: 81, width: 832, height: 480, fps: 16, duration: 5 };

  it('ships a Wan 2.2 image-to-video workflow using the start image, prompt, seed, size, frame count and rate', () => {
    const workflow = checkTemplate(wan22);
    const text = JSON.stringify(workflow);
    for (const name of PLACEHOLDERS.filter((n) => n !== 'end_image' && n !== 'duration')) expect(text).toContain(`{{${name}}}`);
    expect(JSON.stringify(fillTemplate(workflow, values))).not.toContain('{{');
  });

  it('fills whole-value placeholders with typed values and inner ones as text, leaving the template as it was', () => {
    const template = checkTemplate({ ...wan22, '99': { class_type: 'Note', inputs: { text: 'seed {{seed}} at {{ fps }} fps' } } });
    const filled = fillTemplate(template, values);
    expect(filled['11']!.inputs.noise_seed).toBe(7);
    expect(filled['8']!.inputs).toMatchObject({ width: 832, height: 480, length: 81, start_image: ['5', 0] });
    expect(filled['99']!.inputs.text).toBe('seed 7 at 16 fps');
    expect(template['11']!.inputs.noise_seed).toBe('{{seed}}');
  });

  it('needs only {{image}}: every other placeholder is optional', () => {
    const fixed = structuredClone(wan22) as Record<string, { inputs: Record<string, unknown> }>;
    fixed['11']!.inputs.noise_seed = 1;
    fixed['14']!.inputs.fps = 24;
    fixed['6']!.inputs.text = 'a fixed prompt';
    expect(() => parseTemplate(JSON.stringify(fixed))).not.toThrow();
    fixed['5']!.inputs.image = 'photo.png';
    expect(() => parseTemplate(JSON.stringify(fixed))).toThrow(new NodeError(`the ComfyUI workflow lacks {{image}}: put it where the start image goes (LoadImage's "image": "{{image}}"); the other placeholders are optional`));
  });

  it('takes the frame rate the workflow fixes, else its model family\'s, and counts frames in the family\'s steps', () => {
    const wan = checkTemplate(wan22);
    expect(frameTiming(wan, 5)).toEqual({ fps: 16, frames: 81 });
    const fixed = structuredClone(wan) as typeof wan;
    fixed['14']!.inputs.fps = 24;
    expect(frameTiming(fixed, 5)).toEqual({ fps: 24, frames: 121 });
    const ltx = { '1': { class_type: 'LTXVImgToVideo', inputs: { length: '{{frames}}' } }, '2': { class_type: 'CreateVideo', inputs: { fps: '{{fps}}' } } };
    expect(frameTiming(ltx, 5)).toEqual({ fps: 24, frames: 121 });
    expect(frameTiming(ltx, 4)).toEqual({ fps: 24, frames: 97 });
  });

  it('refuses what is not an API-format workflow, saying what it is instead', () => {
    expect(() => parseTemplate('{"nodes": [], "links": []}')).toThrow(/editor format .*: in ComfyUI choose Workflow > Export \(API\) \(older versions: turn on "Enable Dev mode Options" in Settings, then "Save \(API Format\)"\)/);
    expect(() => parseTemplate('{"3": {"inputs": {}}}')).toThrow(/not in the API format .*3\.class_type/);
    expect(() => parseTemplate('{')).toThrow(/the ComfyUI workflow is not JSON/);
    expect(() => parseTemplate('{}')).toThrow('the ComfyUI workflow has no nodes');
    expect(() => parseTemplate(JSON.stringify({ ...wan22, '99': { class_type: 'Note', inputs: { text: '{{steps}}' } } }))).toThrow(/unknown placeholders \{\{steps\}\}/);
  });
});
