/**
 * Live progress from a ComfyUI server's WebSocket (`/ws?clientId=`), where the runtime has a
 * WebSocket (the browser and its workers). Polling stays the source of truth: this only adds
 * the sampler's step count between polls, and a server or proxy without the socket costs
 * nothing but that.
 */
import type { ProviderHttp } from '../http';

/** What the socket last said about one prompt. */
export interface LiveState {
  fraction?: number;
  message?: string;
}

interface Watch {
  socket: WebSocket;
  states: Map<string, LiveState>;
}

const watches = new Map<string, Watch>();

/** The socket's address for `clientId` on the server (or its relay) that `http` sends to (http -> ws, https -> wss). */
export function socketUrl(http: ProviderHttp, clientId: string): string {
  const url = http.fetchUrl(`ws?clientId=${encodeURIComponent(clientId)}`);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

/**
 * The latest live state of `promptId`, opening the socket on first use; it closes when
 * `signal` aborts or `stopWatching` is called. Undefined until the socket has said something.
 */
export function liveState(http: ProviderHttp, clientId: string, promptId: string, signal: AbortSignal): LiveState | undefined {
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
  return watch.states.get(promptId);
}

export function stopWatching(http: ProviderHttp, clientId: string): void {
  const url = socketUrl(http, clientId);
  watches.get(url)?.socket.close();
  watches.delete(url);
}

function read(text: string, states: Map<string, LiveState>): void {
  let message: { type?: unknown; data?: { prompt_id?: unknown; value?: unknown; max?: unknown; node?: unknown } };
  try {
    message = JSON.parse(text) as typeof message;
  } catch {
    return;
  }
  const { type, data } = message;
  if (!data || typeof data.prompt_id !== 'string') return;
  if (type === 'progress' && typeof data.value === 'number' && typeof data.max === 'number' && data.max > 0) {
    states.set(data.prompt_id, { fraction: Math.min(1, data.value / data.max), message: `node ${String(data.node)}: step ${data.value}/${data.max}` });
  } else if (type === 'executing' && typeof data.node === 'string') {
    states.set(data.prompt_id, { message: `running node ${data.node}` });
  }
}
