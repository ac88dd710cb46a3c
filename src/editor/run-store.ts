/**
 * What the last runs said about each node, fed by engine events. Listeners subscribe per node,
 * so a progress tick on one node wakes only that node's view.
 */
import type { FailureCause, NodeState, PortValue, RunEvent, RunStatus } from '../engine';

export interface NodeRunState {
  state: NodeState;
  fraction: number;
  message?: string;
  error?: string;
  cause?: FailureCause;
  outputs?: Readonly<Record<string, PortValue>>;
  ms?: number;
  /** The cache entry holding this node's outputs (to pin them). */
  cacheKey?: string;
  /** Why the node ran ("Prompt changed"), from the engine. */
  reason?: string;
  /** When a result taken from the cache was made. */
  madeAt?: number;
}

export interface RunOverview {
  active: boolean;
  status?: RunStatus;
  total: number;
  settled: number;
  error?: string;
}

export interface LogLine {
  /** Counts up from 1 for the life of the page: what a list of lines is keyed by. */
  seq: number;
  at: number;
  level: 'info' | 'warning' | 'error';
  nodeId?: string;
  text: string;
}

const SETTLED: ReadonlySet<NodeState> = new Set(['cached', 'done', 'bypassed', 'failed', 'cancelled']);
/** Lines the log keeps; older ones go. */
const LOG_LINES = 500;

export class RunStore {
  readonly #nodes = new Map<string, NodeRunState>();
  readonly #nodeListeners = new Map<string, Set<() => void>>();
  readonly #listeners = new Set<() => void>();
  #overview: RunOverview = { active: false, total: 0, settled: 0 };
  #settled = new Set<string>();
  #log: LogLine[] = [];
  #seq = 0;

  /** Forgets every node's state (another workflow was opened). */
  reset(): void {
    const ids = [...this.#nodes.keys()];
    this.#nodes.clear();
    this.#settled = new Set();
    this.#overview = { active: false, total: 0, settled: 0 };
    for (const id of ids) for (const listener of this.#nodeListeners.get(id) ?? []) listener();
    for (const listener of this.#listeners) listener();
  }

  node(id: string): NodeRunState | undefined {
    return this.#nodes.get(id);
  }

  get overview(): RunOverview {
    return this.#overview;
  }

  get log(): readonly LogLine[] {
    return this.#log;
  }

  subscribeNode(id: string, listener: () => void): () => void {
    let set = this.#nodeListeners.get(id);
    if (!set) this.#nodeListeners.set(id, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Run-level changes: overview and log. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  apply(events: readonly RunEvent[], label: (nodeId: string) => string): void {
    const touched = new Set<string>();
    let runChanged = false;
    const lines: LogLine[] = [];
    const log = (level: LogLine['level'], text: string, nodeId?: string) => {
      const seq = ++this.#seq;
      lines.push(nodeId === undefined ? { seq, at: Date.now(), level, text } : { seq, at: Date.now(), level, text, nodeId });
      runChanged = true;
    };
    for (const event of events) {
      if (event.type === 'run-started') {
        this.#overview = { active: true, total: event.nodeIds.length, settled: 0 };
        this.#settled = new Set();
        log('info', `Run started: ${event.nodeIds.length} node${event.nodeIds.length === 1 ? '' : 's'}`);
      } else if (event.type === 'run-finished') {
        this.#overview = { ...this.#overview, active: false, status: event.status, ...(event.error ? { error: event.error } : {}) };
        const { executed, cached, failed, cancelled } = event.counts;
        log(event.status === 'done' ? 'info' : 'error', event.error ?? `Run ${event.status}: ${executed} ran, ${cached} from cache, ${failed} failed, ${cancelled} cancelled`);
      } else if (event.type === 'warning') {
        log('warning', event.nodeId ? `${label(event.nodeId)}: ${event.message}` : event.message, event.nodeId);
      } else {
        const previous = this.#nodes.get(event.nodeId);
        const next = nodeState(event, previous);
        this.#nodes.set(event.nodeId, next);
        touched.add(event.nodeId);
        if (SETTLED.has(event.state)) {
          this.#settled.add(event.nodeId);
          this.#overview = { ...this.#overview, settled: this.#settled.size };
          runChanged = true;
        }
        if (event.state === 'failed' && event.cause !== 'upstream') log('error', `${label(event.nodeId)}: ${event.error}`, event.nodeId);
        if (event.state === 'done') log('info', `${label(event.nodeId)} done in ${formatMs(event.ms)}${event.reason ? `: ran because ${event.reason}` : ''}`, event.nodeId);
        if (event.state === 'bypassed') log('info', `${label(event.nodeId)} bypassed: its input passed on, nothing run`, event.nodeId);
      }
    }
    // One new array per batch of events, not per line: a run of 5,000 nodes logs 5,000 lines.
    if (lines.length > 0) this.#log = [...this.#log, ...lines].slice(-LOG_LINES);
    for (const id of touched) for (const listener of this.#nodeListeners.get(id) ?? []) listener();
    if (runChanged) for (const listener of this.#listeners) listener();
  }
}

function nodeState(event: Extract<RunEvent, { type: 'node' }>, previous: NodeRunState | undefined): NodeRunState {
  switch (event.state) {
    case 'queued':
      // Keep the last outputs visible while the node waits to run again.
      return previous?.outputs ? { state: 'queued', fraction: 0, outputs: previous.outputs } : { state: 'queued', fraction: 0 };
    case 'running': {
      const reason = event.reason ?? previous?.reason;
      return { ...(previous?.outputs ? { outputs: previous.outputs } : {}), state: 'running', fraction: event.fraction, ...(event.message ? { message: event.message } : {}), ...(reason ? { reason } : {}) };
    }
    case 'cached':
    case 'done':
      return {
        state: event.state,
        fraction: 1,
        outputs: event.outputs,
        ms: event.ms,
        cacheKey: event.cacheKey,
        ...(event.reason ? { reason: event.reason } : {}),
        ...(event.madeAt === undefined ? {} : { madeAt: event.madeAt }),
      };
    case 'bypassed':
      return { state: 'bypassed', fraction: 0 };
    case 'failed':
      return { state: 'failed', fraction: 0, error: event.error, cause: event.cause };
    case 'cancelled':
      return { state: 'cancelled', fraction: 0 };
  }
}

/** Why a node shows what it shows: what made it run, or that nothing did since its result was made. */
export function whyText(run: NodeRunState): string | undefined {
  if (run.state === 'cached') return `From the cache: nothing it depends on changed since ${run.madeAt === undefined ? 'its result was made' : `its result was made, ${new Date(run.madeAt).toLocaleString()}`}`;
  return run.reason && (run.state === 'running' || run.state === 'done') ? `Ran because ${run.reason}` : undefined;
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
