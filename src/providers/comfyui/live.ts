/**
 * Live progress from a ComfyUI server's WebSocket (`/ws?clientId=`), where the runtime has a
 * WebSocket (the browser and its workers). Polling stays the source of truth: this only adds
 * which node runs and its sampler steps between polls, and a server or proxy without the
 * socket costs nothing but that. The fraction counts nodes done (executed or cached) plus the
 * running one's steps, over the prompt's nodes, and never falls back: a second sampler starting
 * at step 0 does not move the bar back, and nodes with no steps still move it.
 */
import type { ProviderHttp } from '../http';

/** What the socket last said about one prompt. */
export interface LiveState {
  fraction?: number;
  message?: string;
}

/** What the socket has said about one prompt so far. */
interface Seen {
  done: Set<string>;
  running?: string;
  /** The running node's steps, 0..1. */
  steps: number;
  message: string;
  /** The highest fraction handed out, so it never falls back. */
  high: number;
}

interface Watch {
  socket: WebSocket;
  states: Map<string, Seen>;
}

const watches = new Map<string, Watch>();

/** The socket's address for `clientId` on the server (or its relay) that `http` sends to (http -> ws, https -> wss). */
export function socketUrl(http: ProviderHttp, clientId: string): string {
  const url = http.fetchUrl(`ws?clientId=${encodeURIComponent(clientId)}`);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

/**
 * The latest live state of `promptId` (a prompt of `nodes` nodes; unknown for a task journalled
 * by an older version, whose bar then follows the running node's steps), opening the socket on
 * first use; it closes when `signal` aborts or `stopWatching` is called. Undefined until the
 * socket has said something.
 */
export function liveState(http: ProviderHttp, clientId: string, promptId: string, nodes: number | undefined, signal: AbortSignal): LiveState | undefined {
  if (typeof WebSocket !== 'function') return undefined;
  const url = socketUrl(http, clientId);
  let watch = watches.get(url);
  if (!watch) {
    watch = { socket: new WebSocket(url), states: new Map() };
    const { states } = watch;
    watch.socket.addEventListener('message', (event: MessageEvent) => {
      if (typeof event.data === 'string') read(event.data, states); // binary frames are previews
    });
    // A socket that fails stays in the map (closed), so it is not reopened at every poll.
    watches.set(url, watch);
    signal.addEventListener('abort', () => stopWatching(http, clientId), { once: true });
  }
  const seen = watch.states.get(promptId);
  if (!seen) return undefined;
  seen.high = Math.max(seen.high, nodes === undefined ? seen.steps : Math.min(1, (seen.done.size + seen.steps) / Math.max(1, nodes)));
  return { fraction: seen.high, message: seen.message };
}

export function stopWatching(http: ProviderHttp, clientId: string): void {
  const url = socketUrl(http, clientId);
  watches.get(url)?.socket.close();
  watches.delete(url);
}

function read(text: string, states: Map<string, Seen>): void {
  let message: { type?: unknown; data?: { prompt_id?: unknown; value?: unknown; max?: unknown; node?: unknown; nodes?: unknown } };
  try {
    message = JSON.parse(text) as typeof message;
  } catch {
    return;
  }
  const { type, data } = message;
  if (!data || typeof data.prompt_id !== 'string') return;
  const seen = states.get(data.prompt_id) ?? { done: new Set<string>(), steps: 0, message: 'generating', high: 0 };
  states.set(data.prompt_id, seen);
  if (type === 'progress' && typeof data.value === 'number' && typeof data.max === 'number' && data.max > 0) {
    seen.steps = Math.min(1, data.value / data.max);
    seen.message = `node ${String(data.node)}: step ${data.value}/${data.max}`;
  } else if (type === 'execution_cached' && Array.isArray(data.nodes)) {
    for (const node of data.nodes) seen.done.add(String(node));
  } else if (type === 'executing') {
    // A node starting means the one before it finished; node null means the prompt did.
    if (seen.running !== undefined) seen.done.add(seen.running);
    seen.steps = 0;
    if (typeof data.node === 'string') {
      seen.running = data.node;
      seen.message = `running node ${data.node}`;
    } else seen.running = undefined;
  }
}
