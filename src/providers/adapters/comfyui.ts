/**
 * A ComfyUI server (Comfy-Org/ComfyUI server.py; see /work/shared/reference/providers.md §11):
 * the image goes up with `POST upload/image`, the filled workflow with `POST prompt` under our
 * own `prompt_id` (a UUID made from the request's clientRef), progress comes from `GET queue`
 * and `GET history/{id}` (plus the WebSocket where there is one), the video from `GET view`.
 * The real server's habits decide the rest:
 * - it answers 200 with `node_errors` when some output branches fail validation and runs the
 *   others: a refused video branch is reported, named by node, and the rest taken off the queue;
 * - history lives in memory, so the video node saves under `stillmotion/<prompt_id>` and a prompt
 *   the server forgot (a restart) is found by its file, never run again;
 * - it accepts a prompt_id it already has (and runs it twice), so a /prompt whose answer was lost
 *   is looked up by that id before anything else happens;
 * - an interrupt lands between nodes, so cancel waits until the server says the prompt stopped.
 * Cancel is `POST interrupt` for the running prompt and `POST queue {delete}` for a waiting one.
 * No key: a local server has none. Paths are relative, so a server behind a path prefix works too.
 */
import { z } from 'zod';
import { hashBytes, NodeError } from '../../engine';
import { errorText, ProviderError } from '../errors';
import type { AspectRatio, Resolution } from '../catalog/schema';
import { liveState, stopWatching } from '../comfyui/live';
import { videoOutput, viewPath, type ServerFile } from '../comfyui/outputs';
import { MODEL_INPUT_FOLDERS } from '../comfyui/server-info';
import { checkTemplate, fillTemplate, frameTiming, parseTemplate, placeholdersIn, type ApiWorkflow } from '../comfyui/template';
import wan22 from '../comfyui/templates/wan2.2-i2v.json';
import { sleep } from '../polling';
import type { GenerationRequest, ImagePayload, ProviderAdapter, ProviderCall, ProviderInfo, SubmittedTask, TaskState } from '../protocol';

/** The workflows that ship with the app, by catalog endpoint; a user's own comes as `template`. */
const TEMPLATES: Record<string, unknown> = { 'wan2.2-i2v': wan22 };

const uploaded = z.object({ name: z.string().min(1), subfolder: z.string().default(''), type: z.string().optional() });
/** node_errors: `{}` or the refused branches by node; older servers sent `[]`. */
const queued = z.object({ prompt_id: z.string(), number: z.number().optional(), node_errors: z.unknown().optional() });
/** Queue items are arrays: [number, prompt_id, prompt, extra_data, outputs_to_execute]. */
const queueItem = z.array(z.unknown()).min(2);
const queue = z.object({ queue_running: z.array(queueItem), queue_pending: z.array(queueItem) });
const file = z.object({ filename: z.string(), subfolder: z.string().default(''), type: z.string().default('output') });
const historyEntry = z.object({
  outputs: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
  status: z
    .object({
      status_str: z.string().optional(),
      completed: z.boolean().optional(),
      messages: z.array(z.tuple([z.string(), z.unknown()])).default([]),
    })
    .optional(),
});
const history = z.record(z.string(), historyEntry);
type HistoryEntry = z.infer<typeof historyEntry>;

/** Our prompt_id for a clientRef: a canonical lowercase UUID (ComfyUI refuses others), always the same. */
export async function promptIdOf(clientRef: string): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`stillmotion:${clientRef}`))).slice(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80; // version 8: a custom, name-based UUID
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Width and height, multiples of 16 as Wan needs: the short side from the resolution, the long one from the aspect. */
export function frameSize(resolution: Resolution, aspectRatio: AspectRatio, image: ImagePayload): { width: number; height: number } {
  const short = resolution === '4k' ? 2160 : Number.parseInt(resolution, 10);
  const [w, h] = aspectRatio === 'auto' ? [image.width, image.height] : aspectRatio.split(':').map(Number);
  const ratio = Math.max(w!, h!) / Math.min(w!, h!);
  const long = Math.round((short * ratio) / 16) * 16;
  const side = Math.round(short / 16) * 16;
  return w! >= h! ? { width: long, height: side } : { width: side, height: long };
}

/** The workflow a request runs: its own template, or the one that ships for its endpoint. */
export function workflowFor(request: Pick<GenerationRequest, 'endpoint' | 'template'>): ApiWorkflow {
  // A blank template field means "the shipped one", as an untouched node param is blank.
  if (request.template?.trim()) return parseTemplate(request.template);
  const shipped = TEMPLATES[request.endpoint];
  if (shipped === undefined) throw new NodeError(`no ComfyUI workflow named "${request.endpoint}" ships with the app: paste your own (API format) into the node`);
  return checkTemplate(shipped);
}

/**
 * The image in ComfyUI's input folder, named by its content: a photo already there (an earlier
 * take, another node of the batch) is used as it is, and a new one overwrites nothing else.
 */
async function upload(image: ImagePayload, call: ProviderCall): Promise<string> {
  const { http, signal } = call;
  const extension = image.mime.split('/')[1] ?? 'png';
  const name = `stillmotion-${(await hashBytes(image.blob)).slice(0, 32)}.${extension}`;
  if (await saved({ filename: name, subfolder: '', type: 'input' }, call)) return name;
  const form = new FormData();
  form.append('image', image.blob, name);
  form.append('type', 'input');
  form.append('overwrite', 'true');
  const answer = await http.json('POST', 'upload/image', uploaded, { form, signal }).catch((error: unknown) => {
    // An upload sends no prompt: whatever became of it, nothing runs, so it is a plain failure.
    if (error instanceof ProviderError && (error.kind === 'timeout' || error.kind === 'malformed')) {
      throw new ProviderError('server', `the image upload to ComfyUI got no usable answer (${error.message}); no prompt was sent, so nothing runs on the server: run the node again`, error.details);
    }
    throw error;
  });
  // LoadImage names a file in a subfolder as "subfolder/name".
  return answer.subfolder ? `${answer.subfolder}/${answer.name}` : answer.name;
}

/** ComfyUI's own client id for our socket: one per request, so its messages are ours. */
const clientIdOf = (clientRef: string) => `stillmotion-${clientRef}`;

const dataOf = (t: SubmittedTask) => t.data as unknown as TaskData;

/** A finished prompt's outcome: its video file, its error, or its interruption. */
function outcome(entry: HistoryEntry, ours: ServerFile | undefined): TaskState {
  const messages = entry.status?.messages ?? [];
  const event = (name: string) => messages.find(([type]) => type === name)?.[1] as Record<string, unknown> | undefined;
  if (event('execution_interrupted')) return { state: 'cancelled' };
  const error = event('execution_error');
  if (error || entry.status?.status_str === 'error') {
    const where = error && typeof error.node_type === 'string' ? `${error.node_type} (node ${String(error.node_id)}) failed: ` : '';
    return { state: 'failed', reason: `${where}${typeof error?.exception_message === 'string' ? error.exception_message.trim() : 'the workflow stopped with an error'}` };
  }
  // Video nodes file their results under different keys (SaveVideo "images" with "animated",
  // VHS "gifs"), so any listed file with a video's extension is a candidate; ours (by its
  // unique name) beats another saved one, which beats a preview.
  const videos = Object.values(entry.outputs)
    .flatMap((output) => Object.values(output).flatMap((list) => (Array.isArray(list) ? list : [])))
    .flatMap((item) => {
      const saved = file.safeParse(item);
      return saved.success && /\.(mp4|webm|mov|mkv)$/i.test(saved.data.filename) ? [saved.data] : [];
    });
  const video = videos.find((v) => ours && v.filename === ours.filename && v.subfolder === ours.subfolder) ?? videos.find((v) => v.type === 'output') ?? videos[0];
  if (!video) return { state: 'failed', reason: 'the workflow finished but saved no video: it needs a node that saves one (SaveVideo, or VHS Video Combine)' };
  return { state: 'succeeded', result: { url: viewPath(video) } };
}

/**
 * Where the prompt is now: waiting (and behind how many), running, finished, or unknown to the
 * server. A prompt in neither queue nor history is looked for by its file: the server may have
 * restarted after saving it.
 */
async function find(t: SubmittedTask, call: ProviderCall): Promise<TaskState | undefined> {
  const { http, signal } = call;
  const promptId = t.id;
  const now = await http.json('GET', 'queue', queue, { signal });
  if (now.queue_running.some((item) => item[1] === promptId)) return { state: 'running' };
  const waiting = [...now.queue_pending].sort((a, b) => Number(a[0]) - Number(b[0]));
  const index = waiting.findIndex((item) => item[1] === promptId);
  if (index >= 0) return { state: 'queued', position: now.queue_running.length + index };
  // Not queued: finished. A prompt leaves the queue and enters the history in one step.
  const done = await http.json('GET', `history/${encodeURIComponent(promptId)}`, history, { signal });
  const entry = done[promptId];
  const ours = dataOf(t).file;
  if (entry) return outcome(entry, ours);
  return ours && (await saved(ours, call)) ? { state: 'succeeded', result: { url: viewPath(ours) } } : undefined;
}

/** Whether the server has the file; only its first byte is asked for. */
async function saved(ours: ServerFile, { http, signal }: ProviderCall): Promise<boolean> {
  try {
    const response = await http.send('GET', viewPath(ours), { headers: { Range: 'bytes=0-0' }, signal });
    await response.body?.cancel();
    return true;
  } catch (error) {
    if (error instanceof ProviderError && error.kind === 'not-found') return false;
    throw error;
  }
}

/**
 * Through the Stillmotion server's relay a ComfyUI server needs nothing: the relay does not pass
 * the page's Origin on, so ComfyUI's own origin check stays on. A page served without that
 * server reaches ComfyUI only when ComfyUI allows other origins (--enable-cors-header, which
 * also removes that check), so a refusal or a blocked call says so. The kind is kept where it
 * matters (a network error stays worth retrying while polling).
 */
async function explained<T>(work: Promise<T>, { http }: ProviderCall): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
    const relayed = http.options.relay !== undefined;
    const status = error.details.status;
    // ComfyUI itself answers 403 to a foreign page; a 401, or a 403 through the relay, is a proxy in front of it.
    if (error.kind === 'auth' && (relayed || status === 401)) throw new ProviderError('invalid', `ComfyUI at ${http.options.origin} refused the request (HTTP ${status})${error.details.said ? `: ${error.details.said}` : ''}; if it sits behind a proxy that asks for a login, give its token in Settings > Providers > ComfyUI`, error.details);
    if (error.kind === 'auth') throw new ProviderError('invalid', `ComfyUI refused a request from this page (HTTP ${status}): open Stillmotion through \`npm start\`, whose server relays ComfyUI calls, or start ComfyUI with --enable-cors-header (which also turns off ComfyUI's own origin check)`, error.details);
    if (error.kind === 'invalid') throw new ProviderError('invalid', withModelFolders(error.message), error.details);
    if (error.kind === 'network' && !relayed) throw new ProviderError('network', `${error.message}. Is ComfyUI running? A page served without the Stillmotion server reaches it only when ComfyUI was started with --enable-cors-header; through \`npm start\` it needs no flag`, error.details);
    throw error;
  }
}

/** What a task carries between polls, and in the journal across reloads. */
type TaskData = {
  clientId: string;
  /** The video's file under our unique prefix; absent in tasks journalled by older versions. */
  file?: ServerFile;
  /** Nodes in the prompt, for progress across them. */
  nodes?: number;
  /** The server it went to, so a pool resumes it there. */
  server?: string;
};

async function submit(request: GenerationRequest, call: ProviderCall): Promise<SubmittedTask> {
  const promptId = await promptIdOf(request.clientRef);
  const { workflow, saver } = videoOutput(workflowFor(request), promptId);
  const used = placeholdersIn(workflow);
  if (used.has('end_image') && !request.endImage) throw new NodeError('the ComfyUI workflow takes an end frame ({{end_image}}): connect an image to End frame, or remove the placeholder');
  const image = await upload(request.image, call);
  const endImage = used.has('end_image') && request.endImage ? await upload(request.endImage, call) : undefined;
  const { width, height } = frameSize(request.resolution, request.aspectRatio, request.image);
  const prompt = fillTemplate(workflow, {
    image,
    ...(endImage ? { end_image: endImage } : {}),
    prompt: request.prompt,
    negative_prompt: request.negativePrompt ?? '',
    seed: request.seed ?? Math.floor(Math.random() * 2 ** 32),
    ...frameTiming(workflow, request.seconds),
    duration: request.seconds,
    width,
    height,
  });
  const clientId = clientIdOf(request.clientRef);
  const t: SubmittedTask = { id: promptId, data: { clientId, file: saver.file, nodes: Object.keys(prompt).length, server: call.http.options.origin } satisfies TaskData };
  const body = { prompt, client_id: clientId, prompt_id: promptId };
  const answer = await call.http.json('POST', 'prompt', queued, { body, signal: call.signal }).catch(async (error: unknown) => {
    // The answer is lost, not necessarily the prompt: ComfyUI would run the same id again, so look first.
    if (error instanceof ProviderError && (error.kind === 'timeout' || error.kind === 'malformed') && (await find(t, call).catch(() => undefined))) return undefined;
    throw error;
  });
  const refused = answer && videoRefused(answer.node_errors, saver.id);
  if (refused) {
    await stop(t, call).catch(() => undefined); // the other branches would run for nothing
    throw call.http.error('invalid', `the branch that saves the video (node ${saver.id}) failed validation: ${refused}`, { said: refused });
  }
  return t;
}

/** The node errors that refuse the video node's branch, in words; undefined when that branch runs. */
function videoRefused(nodeErrors: unknown, saverId: string): string | undefined {
  const entries = Object.entries(nodeErrors && typeof nodeErrors === 'object' ? (nodeErrors as Record<string, { dependent_outputs?: unknown }>) : {});
  const hit = entries.filter(([id, e]) => id === saverId || (Array.isArray(e.dependent_outputs) && e.dependent_outputs.includes(saverId)));
  return hit.length > 0 ? (errorText({ node_errors: Object.fromEntries(hit) }) ?? 'no reason given') : undefined;
}

/** A "not in list" for a model names the folder it belongs in. */
function withModelFolders(text: string): string {
  return text.replace(/(\w+): '([^']+)' not in \[[^\]]*\]/g, (all, input: string, name: string) => (MODEL_INPUT_FOLDERS[input] ? `${input}: the server has no ${name}; put it in ComfyUI's models/${MODEL_INPUT_FOLDERS[input]} folder` : all));
}

async function poll(t: SubmittedTask, call: ProviderCall): Promise<TaskState> {
  const state = await find(t, call);
  const { clientId, nodes } = dataOf(t);
  if (!state) {
    stopWatching(call.http, clientId);
    return { state: 'failed', gone: true, reason: 'the server no longer has this prompt and saved no video for it: it was deleted from the queue, or the server restarted before it finished; running the node again sends it again' };
  }
  if (state.state !== 'running' && state.state !== 'queued') stopWatching(call.http, clientId);
  if (state.state !== 'running') return state;
  return { state: 'running', ...liveState(call.http, clientId, t.id, nodes, call.signal) };
}

async function recover(clientRef: string, call: ProviderCall): Promise<SubmittedTask | undefined> {
  const promptId = await promptIdOf(clientRef);
  // The file's name depends on the workflow, which a recovery does not have: queue and history only.
  const t = { id: promptId, data: { clientId: clientIdOf(clientRef) } };
  return (await find(t, call)) ? t : undefined;
}

/** Takes a prompt off the server: interrupted when it runs, deleted from the queue when it waits. */
async function stop(t: SubmittedTask, call: ProviderCall): Promise<TaskState | undefined> {
  const state = await find(t, call);
  const { http, signal } = call;
  // Interrupt only our own running prompt: an older server ignores prompt_id and stops whatever runs.
  if (state?.state === 'running') await http.send('POST', 'interrupt', { body: { prompt_id: t.id }, signal });
  else if (state?.state === 'queued') await http.send('POST', 'queue', { body: { delete: [t.id] }, signal });
  return state;
}

/** How often a cancel asks whether the interrupt has landed. */
const STOP_CHECK_MS = 250;

const adapter: ProviderAdapter = {
  submit: (request, call) => explained(submit(request, call), call),
  poll: (t, call) => explained(poll(t, call), call),
  recover: (clientRef, call) => explained(recover(clientRef, call), call),

  async cancel(t, call) {
    stopWatching(call.http, dataOf(t).clientId);
    let state = await stop(t, call);
    // An interrupt lands between nodes: the prompt is stopped once the server no longer runs it.
    while (state?.state === 'running') {
      await sleep(STOP_CHECK_MS, call.signal);
      state = await find(t, call);
    }
  },
};

export const comfyui: ProviderInfo = {
  id: 'comfyui',
  name: 'ComfyUI',
  origin: 'http://127.0.0.1:8188',
  keysUrl: 'https://docs.comfy.org/',
  keyLabel: 'none (a ComfyUI server needs no key)',
  keyless: true,
  // No key; a token only for a server behind a proxy that asks for one (Settings > Providers > ComfyUI).
  authorize: (credentials): Record<string, string> => (credentials.apiKey ? { Authorization: `Bearer ${credentials.apiKey}` } : {}),
  adapter,
};
