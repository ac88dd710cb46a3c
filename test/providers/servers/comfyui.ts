/**
 * A local ComfyUI server, kept to the real one's habits (ComfyUI 0.3.x: server.py's routes,
 * execution.py's validate_prompt and PromptQueue, comfy_extras' SaveVideo and the other savers):
 * - `POST /prompt` validates each output node's branch on its own: when some fail and others
 *   pass it answers **200** with `node_errors` and runs only the passing ones; 400 only when none
 *   pass (`prompt_outputs_failed_validation`) or there is no output (`prompt_no_outputs`). A
 *   loader naming a model the server lacks fails as `value_not_in_list`, as the real one does.
 * - A given `prompt_id` must be a canonical UUID, and is **not** checked for duplicates: the same
 *   id sent twice runs twice (PromptQueue.put keeps both).
 * - Queue and history live in memory: `restart()` loses both (a prompt queued or running then
 *   never finishes), while the files already written stay and `/view` still serves them.
 * - Savers write `<prefix>_00001_.mp4` (SaveVideo, SaveImage, SaveAnimatedWEBP) or
 *   `<prefix>_00001.mp4` (VHS Video Combine) under the prefix's folder, the counter one past the
 *   highest file already there.
 * - `POST /interrupt` lands between nodes: the running prompt stays in `queue_running` for
 *   one more step, then ends with `execution_interrupted` (or succeeds, if it was on its last node).
 * - `/object_info` lists the installed models in each loader's inputs, `/system_stats` the
 *   version and devices, `/queue` what runs and waits.
 * The queue moves one step per `GET /queue`. Like the real server (server.py,
 * create_origin_only_middleware and create_cors_middleware) it sends no CORS headers and answers
 * 403 when a request's Origin names another host than its Host on a loopback address, unless
 * started with `--enable-cors-header`, which allows the named origin and switches that check off.
 */
import type { IncomingMessage } from 'node:http';
import { FakeProvider, json, type FakeTask } from '../kit';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Inputs ComfyUI types as INT or FLOAT in the nodes our templates use. */
const NUMBERS = new Set(['noise_seed', 'seed', 'steps', 'cfg', 'width', 'height', 'length', 'batch_size', 'fps', 'frame_rate', 'shift', 'start_at_step', 'end_at_step']);
/** Loader inputs and the model folder (folder_paths) each lists. */
const LOADERS: Record<string, { input: string; folder: keyof Models }> = {
  UNETLoader: { input: 'unet_name', folder: 'diffusion_models' },
  CLIPLoader: { input: 'clip_name', folder: 'text_encoders' },
  VAELoader: { input: 'vae_name', folder: 'vae' },
};
const OUTPUT_NODES = new Set(['SaveVideo', 'VHS_VideoCombine', 'SaveAnimatedWEBP', 'SaveImage', 'PreviewImage']);
const CORE_NODES = ['LoadImage', 'CLIPTextEncode', 'WanImageToVideo', 'ModelSamplingSD3', 'KSamplerAdvanced', 'KSampler', 'VAEDecode', 'CreateVideo', 'LTXVImgToVideo', 'LTXVConditioning', 'Note'];

export interface Models {
  diffusion_models: string[];
  text_encoders: string[];
  vae: string[];
}

/** The models the shipped Wan 2.2 template loads. */
export const WAN_MODELS: Models = {
  diffusion_models: ['wan2.2_i2v_high_noise_14B_fp8_scaled.safetensors', 'wan2.2_i2v_low_noise_14B_fp8_scaled.safetensors'],
  text_encoders: ['umt5_xxl_fp8_e4m3fn_scaled.safetensors'],
  vae: ['wan_2.1_vae.safetensors'],
};

type Workflow = Record<string, { class_type?: unknown; inputs?: Record<string, unknown> }>;
type SavedFile = { filename: string; subfolder: string; type: string };

function promptError(type: string, message: string, nodeErrors: Record<string, unknown> = {}, details = ''): unknown {
  return { error: { type, message, details, extra_info: {} }, node_errors: nodeErrors };
}

function reason(type: string, message: string, details: string): unknown {
  return { type, message, details, extra_info: {} };
}

export interface ComfyuiFlags {
  /** `--enable-cors-header [origin]`: CORS for that origin ("*" when given bare), and no origin check. */
  enableCorsHeader?: string;
  /** What the model folders hold; the shipped template's models by default. */
  models?: Models;
  /** VideoHelperSuite is installed (VHS_VideoCombine). */
  videoHelperSuite?: boolean;
  /** Behind a proxy that wants `Authorization: Bearer <token>`. */
  token?: string;
}

export interface FakeComfyui extends FakeProvider {
  /** The process restarts: queue and history are gone, files stay. */
  restart(): void;
  /** Files written so far, by `type/subfolder/filename`. */
  readonly disk: Map<string, Buffer>;
  /** The process is not running: connections are dropped. */
  down: boolean;
  /** The most prompts its queue held at once (running and waiting). */
  peakQueue: number;
  /** Prompts that ran to the end and saved their outputs, duplicates included. */
  made(): FakeTask[];
  /** The id of every prompt accepted, in order, duplicates included. */
  promptIds(): string[];
}

/** `outputs`: what a finished prompt lists, by node id, in place of what its savers wrote (a custom node's odd keys). */
export function fakeComfyui(video: Buffer, outputs?: (file: SavedFile) => Record<string, unknown>, flags: ComfyuiFlags = {}): FakeComfyui {
  const comfy = new FakeProvider(video, { cors: flags.enableCorsHeader !== undefined }) as FakeComfyui;
  comfy.down = false;
  comfy.peakQueue = 0;
  comfy.refuse = (req) => {
    if (comfy.down) return 'drop';
    // An authenticating proxy in front (nginx auth_request, Caddy's basicauth...) answers before ComfyUI does.
    if (flags.token !== undefined && req.headers.authorization !== `Bearer ${flags.token}`) return 401;
    return flags.enableCorsHeader === undefined && foreignOrigin(req) ? 403 : undefined;
  };
  const models = flags.models ?? WAN_MODELS;
  const known = new Set([...CORE_NODES, ...Object.keys(LOADERS), ...OUTPUT_NODES].filter((c) => c !== 'VHS_VideoCombine' || flags.videoHelperSuite));
  const disk = new Map<string, Buffer>();
  const history = new Map<string, unknown>();
  /** Every prompt accepted, duplicates included, in the order they were put on the queue. */
  const executions: FakeTask[] = [];
  let number = 0;
  Object.assign(comfy, {
    disk,
    restart: () => {
      history.clear();
      for (const t of executions) if (!t.extra.done) t.extra.lost = true;
    },
    made: () => executions.filter((t) => t.extra.done && !t.cancelled && t.outcome === 'succeed'),
    promptIds: () => executions.map((t) => t.id),
  });

  const live = () => executions.filter((t) => !t.extra.done && !t.extra.lost && !t.extra.deleted).sort((a, b) => Number(a.extra.number) - Number(b.extra.number));
  const running = (t: FakeTask) => t === live()[0] && t.polls >= 2;
  const item = (t: FakeTask) => [t.extra.number, t.id, t.input, { client_id: t.extra.clientId }, t.extra.outputs];

  /** One moment passes: the prompt at the head runs one node further, or stops where it was told to. */
  function step(): void {
    const [head] = live();
    if (!head) return;
    comfy.advance(head);
    const stopping = typeof head.extra.stopAt === 'number' && head.polls >= head.extra.stopAt;
    if (head.polls >= comfy.pollsToFinish) finish(head);
    else if (stopping) {
      head.cancelled = true;
      finish(head);
    }
  }

  function finish(t: FakeTask): void {
    t.extra.done = true;
    const started: [string, unknown] = ['execution_start', { prompt_id: t.id, timestamp: 1 }];
    let entry: Record<string, unknown>;
    if (t.cancelled) {
      entry = { outputs: {}, status: { status_str: 'error', completed: false, messages: [started, ['execution_interrupted', { prompt_id: t.id, node_id: '11', node_type: 'KSamplerAdvanced', executed: [] }]] } };
    } else if (t.outcome !== 'succeed') {
      const error = { prompt_id: t.id, node_id: '11', node_type: 'KSamplerAdvanced', executed: [], exception_message: 'Allocation on device 0 would exceed allowed memory. (out of memory)\n', exception_type: 'torch.OutOfMemoryError', traceback: [], current_inputs: {}, current_outputs: {} };
      entry = { outputs: {}, status: { status_str: 'error', completed: false, messages: [started, ['execution_error', error]] } };
    } else {
      const written = Object.fromEntries((t.extra.outputs as string[]).map((id) => [id, save((t.input as Workflow)[id]!)]));
      const firstVideo = Object.values(written).flatMap((o) => Object.values(o).flat()).find((f): f is SavedFile => typeof f === 'object' && /\.(mp4|webm)$/.test((f as SavedFile).filename));
      entry = { outputs: outputs && firstVideo ? outputs(firstVideo) : written, status: { status_str: 'success', completed: true, messages: [started, ['execution_success', { prompt_id: t.id, timestamp: 2 }]] } };
    }
    history.set(t.id, { prompt: item(t), meta: {}, ...entry });
  }

  /** What one saver node writes to the output (or temp) folder, as its history entry lists it. */
  function save(node: Workflow[string]): Record<string, unknown> {
    const type = String(node.class_type);
    const inputs = node.inputs ?? {};
    const prefix = String(inputs.filename_prefix ?? 'ComfyUI');
    const [subfolder, base] = prefix.includes('/') ? [prefix.slice(0, prefix.lastIndexOf('/')), prefix.slice(prefix.lastIndexOf('/') + 1)] : ['', prefix];
    const write = (folder: 'output' | 'temp', name: (counter: string) => string, bytes: Buffer): SavedFile => {
      const taken = [...disk.keys()].filter((k) => k.startsWith(`${folder}/${subfolder}/${base}_`)).length;
      const file = { filename: name(String(taken + 1).padStart(5, '0')), subfolder, type: folder };
      disk.set(`${folder}/${subfolder}/${file.filename}`, bytes);
      return file;
    };
    const still = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    if (type === 'SaveVideo') {
      const ext = inputs.format === 'webm' ? 'webm' : 'mp4';
      return { images: [write('output', (n) => `${base}_${n}_.${ext}`, comfy.video)], animated: [true] };
    }
    if (type === 'VHS_VideoCombine') {
      const format = String(inputs.format ?? 'image/gif');
      const ext = format.split('/')[1]!.replace('h264-', '');
      return { gifs: [{ ...write('output', (n) => `${base}_${n}.${ext}`, format.startsWith('video/') ? comfy.video : still), format, frame_rate: inputs.frame_rate }] };
    }
    if (type === 'SaveAnimatedWEBP') return { images: [write('output', (n) => `${base}_${n}_.webp`, still)], animated: [true] };
    if (type === 'PreviewImage') return { images: [write('temp', (n) => `ComfyUI_temp_${n}_.png`, still)] };
    return { images: [write('output', (n) => `${base}_${n}_.png`, still)] };
  }

  comfy.route('POST', '/upload/image', 'upload', async (req, res) => {
    const form = await new Response(new Uint8Array(req.body), { headers: { 'content-type': String(req.headers['content-type']) } }).formData().catch(() => undefined);
    const image = form?.get('image');
    if (!(image instanceof File) || image.name === '') return void res.writeHead(400).end();
    const type = form?.get('type') ?? 'input';
    if (type !== 'input' && type !== 'temp' && type !== 'output') return void res.writeHead(400).end();
    disk.set(`${type}//${image.name}`, Buffer.from(await image.arrayBuffer()));
    json(res, 200, { name: image.name, subfolder: '', type });
  });

  comfy.route('POST', '/prompt', 'submit', (req, res) => {
    const body = req.json() as { prompt?: Workflow; client_id?: unknown; prompt_id?: unknown };
    if (!body.prompt || typeof body.prompt !== 'object') return json(res, 400, promptError('no_prompt', 'No prompt provided', {}, 'No prompt provided'));
    if (body.prompt_id != null && (typeof body.prompt_id !== 'string' || !UUID.test(body.prompt_id))) {
      return json(res, 400, promptError('invalid_prompt_id', 'prompt_id must be a valid UUID', {}, 'prompt_id must be a UUID string in canonical lowercase hyphenated form; omit it to let the server generate one'));
    }
    const missing = Object.values(body.prompt).find((node) => !known.has(String(node.class_type)));
    if (missing) return json(res, 400, promptError('missing_node_type', `Node '${String(missing.class_type)}' not found. The custom node may not be installed.`));
    const checked = validate(body.prompt, (name) => disk.has(`input//${name}`), models);
    if (checked === 'no outputs') return json(res, 400, promptError('prompt_no_outputs', 'Prompt has no outputs'));
    if (checked.good.length === 0) return json(res, 400, promptError('prompt_outputs_failed_validation', 'Prompt outputs failed validation', checked.nodeErrors));
    const id = typeof body.prompt_id === 'string' ? body.prompt_id : crypto.randomUUID();
    const t = comfy.newTask(body.prompt, id);
    t.extra = { number: ++number, clientId: body.client_id, outputs: checked.good };
    executions.push(t);
    comfy.peakQueue = Math.max(comfy.peakQueue, live().length);
    json(res, 200, { prompt_id: id, number: t.extra.number, node_errors: checked.nodeErrors });
  });

  // Each look at the queue is a moment passing: the prompt at its head moves one step.
  comfy.route('GET', '/queue', 'poll', (_req, res) => {
    step();
    const now = live();
    json(res, 200, { queue_running: now.filter(running).map(item), queue_pending: now.filter((t) => !running(t)).map(item) });
  });

  comfy.route('GET', '/history/:id', 'result', (req, res) => {
    const entry = history.get(req.params.id!);
    json(res, 200, entry ? { [req.params.id!]: entry } : {});
  });

  // Looking for an input already uploaded is not the download of a result.
  comfy.route('GET', '/view', (url) => (url.searchParams.get('type') === 'input' ? undefined : 'download'), (req, res) => {
    const { filename = '', subfolder = '', type = 'output' } = Object.fromEntries(req.url.searchParams);
    const bytes = disk.get(`${type}/${subfolder}/${filename}`);
    if (!bytes) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': /\.(mp4|webm)$/.test(filename) ? `video/${filename.split('.').pop()}` : 'image/png', 'Content-Length': bytes.length });
    res.end(bytes);
  });

  comfy.route('POST', '/interrupt', 'cancel', (req, res) => {
    const { prompt_id: id } = (req.body.length > 0 ? req.json() : {}) as { prompt_id?: string };
    // The node that runs finishes first: the interrupt lands at the step after next.
    for (const t of live()) if (running(t) && (id === undefined || t.id === id) && t.extra.stopAt === undefined) t.extra.stopAt = t.polls + 2;
    res.writeHead(200).end();
  });

  comfy.route('POST', '/queue', 'cancel', (req, res) => {
    const { delete: ids = [], clear = false } = req.json() as { delete?: string[]; clear?: boolean };
    for (const t of live()) {
      if (!running(t) && (clear || ids.includes(t.id))) {
        t.extra.deleted = true;
        t.cancelled = true;
      }
    }
    res.writeHead(200).end();
  });

  comfy.route('GET', '/object_info', undefined, (_req, res) => {
    json(res, 200, Object.fromEntries([...known].map((name) => [name, nodeInfo(name, models)])));
  });

  comfy.route('GET', '/system_stats', undefined, (_req, res) => {
    const gib = 2 ** 30;
    json(res, 200, {
      system: { os: 'posix', ram_total: 32 * gib, ram_free: 20 * gib, comfyui_version: '0.3.68', required_frontend_version: '1.28.8', python_version: '3.12.3', pytorch_version: '2.8.0+cpu', embedded_python: false, argv: ['main.py', '--cpu'] },
      devices: [{ name: 'cpu', type: 'cpu', index: null, vram_total: 32 * gib, vram_free: 20 * gib, torch_vram_total: 32 * gib, torch_vram_free: 20 * gib }],
    });
  });
  return comfy;
}

/** server.py's node_info, in the parts a client reads: inputs (a loader's list of installed models), output_node. */
function nodeInfo(name: string, models: Models): unknown {
  const loader = LOADERS[name];
  const required = loader ? { [loader.input]: [models[loader.folder]] } : {};
  return { input: { required }, input_order: { required: Object.keys(required) }, output: [], output_is_list: [], output_name: [], name, display_name: name, description: '', python_module: 'nodes', category: 'stillmotion-fake', output_node: OUTPUT_NODES.has(name) };
}

/**
 * execution.py's validate_prompt, in the parts a wrong template shows: unknown images, text where a
 * number goes, a model not installed. Each output node is judged by its own branch; the good ones run.
 */
function validate(workflow: Workflow, uploaded: (name: string) => boolean, models: Models): { good: string[]; nodeErrors: Record<string, { errors: unknown[]; dependent_outputs: string[]; class_type: string }> } | 'no outputs' {
  const outputs = Object.keys(workflow).filter((id) => OUTPUT_NODES.has(String(workflow[id]!.class_type)));
  if (outputs.length === 0) return 'no outputs';
  const reasons = new Map<string, unknown[]>();
  for (const [id, node] of Object.entries(workflow)) {
    const type = String(node.class_type);
    const found: unknown[] = [];
    for (const [name, value] of Object.entries(node.inputs ?? {})) {
      if (NUMBERS.has(name) && typeof value !== 'number') found.push(reason('invalid_input_type', 'Failed to convert an input value to a INT value', `${name}, ${String(value)}, invalid literal`));
    }
    const loader = LOADERS[type];
    const list = loader ? models[loader.folder] : [];
    if (loader && !list.includes(String(node.inputs?.[loader.input]))) {
      found.push(reason('value_not_in_list', 'Value not in list', `${loader.input}: '${String(node.inputs?.[loader.input])}' not in ${JSON.stringify(list)}`));
    }
    if (type === 'LoadImage' && !uploaded(String(node.inputs?.image))) found.push(reason('custom_validation_failed', 'Custom validation failed for node', `image - Invalid image file: ${String(node.inputs?.image)}`));
    if (found.length > 0) reasons.set(id, found);
  }
  const nodeErrors: Record<string, { errors: unknown[]; dependent_outputs: string[]; class_type: string }> = {};
  const good: string[] = [];
  for (const output of outputs) {
    const bad = upstream(workflow, output).filter((id) => reasons.has(id));
    if (bad.length === 0) good.push(output);
    for (const id of bad) (nodeErrors[id] ??= { errors: reasons.get(id)!, dependent_outputs: [], class_type: String(workflow[id]!.class_type) }).dependent_outputs.push(output);
  }
  return { good, nodeErrors };
}

/** A node and every node it takes an input from, by the `[node_id, output_index]` links of the API format. */
function upstream(workflow: Workflow, id: string, seen = new Set<string>()): string[] {
  if (seen.has(id) || !workflow[id]) return [...seen];
  seen.add(id);
  for (const value of Object.values(workflow[id].inputs ?? {})) if (Array.isArray(value) && typeof value[0] === 'string') upstream(workflow, value[0], seen);
  return [...seen];
}

/** server.py's origin check: on a loopback Host, an Origin for another host is a web page calling in. */
function foreignOrigin(req: IncomingMessage): boolean {
  const { host, origin } = req.headers;
  if (!host || !origin) return false;
  let from: URL;
  try {
    from = new URL(origin);
  } catch {
    return false;
  }
  const to = new URL(`http://${host}`);
  if (!['localhost', '127.0.0.1', '[::1]'].includes(to.hostname)) return false;
  // Ports are compared only when both name one, as server.py does for "weird browsers".
  const hostSide = from.port === '' ? to.hostname : to.host;
  const originSide = to.port === '' ? from.hostname : from.host;
  return hostSide !== originSide;
}
