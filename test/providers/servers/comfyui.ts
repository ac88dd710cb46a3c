/**
 * A local ComfyUI server (see src/providers/adapters/comfyui.ts and ComfyUI's server.py): image
 * upload, prompt validation with ComfyUI's `{error, node_errors}` answers, a queue that moves one
 * step per `GET /queue`, history entries as ComfyUI writes them, `/view`, interrupt and delete.
 * Like the real server (server.py, create_origin_only_middleware and create_cors_middleware), it
 * sends no CORS headers and answers 403 when a request's Origin names another host than its Host
 * on a loopback address, unless started with `--enable-cors-header`, which allows the named
 * origin and switches that check off.
 */
import type { IncomingMessage } from 'node:http';
import { FakeProvider, json, type FakeTask } from '../kit';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Inputs ComfyUI types as INT or FLOAT in the nodes our templates use. */
const NUMBERS = new Set(['noise_seed', 'seed', 'steps', 'cfg', 'width', 'height', 'length', 'batch_size', 'fps', 'shift', 'start_at_step', 'end_at_step']);
const OUTPUT_NODES = new Set(['SaveVideo', 'VHS_VideoCombine', 'SaveAnimatedWEBP']);

type Workflow = Record<string, { class_type?: unknown; inputs?: Record<string, unknown> }>;

function promptError(type: string, message: string, nodeErrors: Record<string, unknown> = {}, details = ''): unknown {
  return { error: { type, message, details, extra_info: {} }, node_errors: nodeErrors };
}

function nodeError(classType: string, type: string, message: string, details: string): unknown {
  return { errors: [{ type, message, details, extra_info: {} }], dependent_outputs: [], class_type: classType };
}

export interface ComfyuiFlags {
  /** `--enable-cors-header [origin]`: CORS for that origin ("*" when given bare), and no origin check. */
  enableCorsHeader?: string;
}

/** `outputs`: what a finished prompt lists, by node id; by default SaveVideo's one mp4. */
export function fakeComfyui(video: Buffer, outputs?: (file: { filename: string; subfolder: string; type: string }) => Record<string, unknown>, flags: ComfyuiFlags = {}): FakeProvider {
  const comfy = new FakeProvider(video, { cors: flags.enableCorsHeader !== undefined });
  if (flags.enableCorsHeader === undefined) comfy.refuse = (req) => (foreignOrigin(req) ? 403 : undefined);
  const uploads = new Set<string>();
  let number = 0;
  const finished = (t: FakeTask) => t.cancelled || t.polls >= comfy.pollsToFinish;
  /** Prompts not yet done, oldest first: the first one runs (one GPU), the others wait. */
  const live = () => [...comfy.tasks.values()].filter((t) => !t.extra.deleted && !finished(t)).sort((a, b) => Number(a.extra.number) - Number(b.extra.number));
  const running = (t: FakeTask) => t === live()[0] && t.polls >= 2;
  const item = (t: FakeTask) => [t.extra.number, t.id, t.input, { client_id: t.extra.clientId }, ['15']];
  const videoName = (t: FakeTask) => `stillmotion_${t.id.slice(0, 8)}_00001_.mp4`;

  comfy.route('POST', '/upload/image', 'upload', async (req, res) => {
    const form = await new Response(new Uint8Array(req.body), { headers: { 'content-type': String(req.headers['content-type']) } }).formData().catch(() => undefined);
    const image = form?.get('image');
    if (!(image instanceof File) || image.name === '') return void res.writeHead(400).end();
    const type = form?.get('type') ?? 'input';
    if (type !== 'input' && type !== 'temp' && type !== 'output') return void res.writeHead(400).end();
    uploads.add(image.name);
    json(res, 200, { name: image.name, subfolder: '', type });
  });

  comfy.route('POST', '/prompt', 'submit', (req, res) => {
    const body = req.json() as { prompt?: Workflow; client_id?: unknown; prompt_id?: unknown };
    if (!body.prompt || typeof body.prompt !== 'object') return json(res, 400, promptError('no_prompt', 'No prompt provided', {}, 'No prompt provided'));
    if (body.prompt_id != null && (typeof body.prompt_id !== 'string' || !UUID.test(body.prompt_id))) {
      return json(res, 400, promptError('invalid_prompt_id', 'prompt_id must be a valid UUID', {}, 'prompt_id must be a UUID string in canonical lowercase hyphenated form; omit it to let the server generate one'));
    }
    const errors = validate(body.prompt, uploads);
    if (errors === 'no outputs') return json(res, 400, promptError('prompt_no_outputs', 'Prompt has no outputs'));
    if (errors) return json(res, 400, promptError('prompt_outputs_failed_validation', 'Prompt outputs failed validation', errors));
    const id = typeof body.prompt_id === 'string' ? body.prompt_id : crypto.randomUUID();
    const t = comfy.newTask(body.prompt, id);
    t.extra = { number: ++number, clientId: body.client_id };
    json(res, 200, { prompt_id: id, number: t.extra.number, node_errors: {} });
  });

  // Each look at the queue is a moment passing: the prompt at its head moves one step.
  comfy.route('GET', '/queue', 'poll', (_req, res) => {
    const [head] = live();
    if (head) comfy.advance(head);
    const now = live();
    json(res, 200, { queue_running: now.filter(running).map(item), queue_pending: now.filter((t) => !running(t)).map(item) });
  });

  comfy.route('GET', '/history/:id', 'result', (req, res) => {
    const t = comfy.tasks.get(req.params.id!);
    if (!t || t.extra.deleted || !finished(t)) return json(res, 200, {});
    const started: [string, unknown] = ['execution_start', { prompt_id: t.id, timestamp: 1 }];
    let entry: unknown;
    if (t.cancelled) {
      entry = { outputs: {}, status: { status_str: 'error', completed: false, messages: [started, ['execution_interrupted', { prompt_id: t.id, node_id: '11', node_type: 'KSamplerAdvanced', executed: [] }]] } };
    } else if (t.outcome !== 'succeed') {
      const error = { prompt_id: t.id, node_id: '11', node_type: 'KSamplerAdvanced', executed: [], exception_message: 'Allocation on device 0 would exceed allowed memory. (out of memory)\n', exception_type: 'torch.OutOfMemoryError', traceback: [], current_inputs: {}, current_outputs: {} };
      entry = { outputs: {}, status: { status_str: 'error', completed: false, messages: [started, ['execution_error', error]] } };
    } else {
      const saved = { filename: videoName(t), subfolder: 'video', type: 'output' };
      entry = { outputs: outputs?.(saved) ?? { '15': { images: [saved], animated: [true] } }, status: { status_str: 'success', completed: true, messages: [started, ['execution_success', { prompt_id: t.id, timestamp: 2 }]] } };
    }
    json(res, 200, { [t.id]: { prompt: item(t), outputs: {}, meta: {}, ...(entry as object) } });
  });

  comfy.route('GET', '/view', 'download', (req, res) => {
    const { filename, subfolder, type } = Object.fromEntries(req.url.searchParams);
    const t = [...comfy.tasks.values()].find((x) => videoName(x) === filename);
    if (!t || subfolder !== 'video' || type !== 'output' || !finished(t)) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': 'video/mp4', 'Content-Length': comfy.video.length });
    res.end(comfy.video);
  });

  comfy.route('POST', '/interrupt', 'cancel', (req, res) => {
    const { prompt_id: id } = (req.body.length > 0 ? req.json() : {}) as { prompt_id?: string };
    for (const t of live()) if (running(t) && (id === undefined || t.id === id)) t.cancelled = true;
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
  return comfy;
}

/** ComfyUI's validation, in the parts a wrong template shows: unknown images, text where a number goes, no output. */
function validate(workflow: Workflow, uploads: Set<string>): Record<string, unknown> | 'no outputs' | undefined {
  const nodes = Object.entries(workflow);
  if (!nodes.some(([, node]) => OUTPUT_NODES.has(String(node.class_type)))) return 'no outputs';
  const errors: Record<string, unknown> = {};
  for (const [id, node] of nodes) {
    const type = String(node.class_type);
    for (const [name, value] of Object.entries(node.inputs ?? {})) {
      if (NUMBERS.has(name) && typeof value !== 'number') {
        errors[id] = nodeError(type, 'invalid_input_type', 'Failed to convert an input value to a INT value', `${name}, ${String(value)}, invalid literal`);
      }
    }
    if (type === 'LoadImage' && !uploads.has(String(node.inputs?.image))) {
      errors[id] = nodeError(type, 'custom_validation_failed', 'Custom validation failed for node', `image - Invalid image file: ${String(node.inputs?.image)}`);
    }
  }
  return Object.keys(errors).length > 0 ? errors : undefined;
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
