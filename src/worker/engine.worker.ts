/**
 * The engine's home in the browser: all node work runs here, never on the UI thread.
 * Results and files live in IndexedDB, so they survive a reload; where IndexedDB cannot be
 * opened (a private window, a blocked profile) they live in memory and the page is told why.
 * Events are batched per frame so a run of a thousand nodes does not flood the page.
 */
import * as Comlink from 'comlink';
import { Engine, MemoryCache, memoryServices, type AssetRef, type CacheStore, type JournalStatus, type NodeServices, type RunEvent, type RunPlan, type RunSummary, type WorkflowDocument } from '../engine';
import { createRegistry } from '../nodes';
import { IdbAssetStore, IdbOutputCache, IdbSecrets, IdbSettings, IdbTaskJournal, openStillmotionDb, STORAGE_FULL_MESSAGE } from '../storage';
import { transferablesOf } from './transfer';

const FLUSH_MS = 16;
/** Output cache budget; least recently used results beyond it are evicted, pinned ones never. */
const CACHE_BUDGET_BYTES = 4 * 1024 ** 3;

export interface StorageStatus {
  persistent: boolean;
  /** Why results and files are kept only for this session, when they are. */
  problem?: string;
}

/** Pinned results are never evicted; only a persistent cache can keep that promise. */
interface Pins {
  pin(key: string, pinned: boolean): Promise<boolean>;
  pinned(key: string): Promise<boolean>;
}

interface Backing {
  cache: CacheStore;
  services: NodeServices;
  pins?: Pins;
  status: StorageStatus;
}

/** What storage had to do on its own (make room on a full disk), said in the next run event. */
const notices: string[] = [];

function storageFull({ entries, bytes }: { entries: number; bytes: number }): void {
  const [results, were] = entries === 1 ? ['result', 'was'] : ['results', 'were'];
  notices.push(
    `The browser's storage was full: ${entries} older cached ${results} (${(bytes / 1024 ** 2).toFixed(1)} MB) ${were} ` +
      `removed to keep the newest. Workflows and files were not touched. Pin results you want to keep, or free disk space.`,
  );
}

/**
 * The cache and file stores on IndexedDB, reopening the database when the browser closes the
 * connection under us (Chromium does after a write fails on a full disk).
 */
async function persistentStores(): Promise<{ cache: CacheStore; services: NodeServices; pins: Pins }> {
  const open = async () => {
    const db = await openStillmotionDb(undefined, undefined, () => void (current = open()));
    return {
      cache: new IdbOutputCache(db, { budgetBytes: CACHE_BUDGET_BYTES, onStorageFull: storageFull }),
      assets: new IdbAssetStore(db),
      journal: new IdbTaskJournal(db),
      secrets: new IdbSecrets(db),
      settings: new IdbSettings(db),
    };
  };
  let current = open();
  await current;
  // A reopen that failed (no room even to open) is tried again on the next use, not kept.
  const stores = () => current.catch(() => (current = open()));
  return {
    cache: { get: (key) => stores().then((s) => s.cache.get(key)), peek: (key) => stores().then((s) => s.cache.peek(key)), put: (entry) => stores().then((s) => s.cache.put(entry)).catch(explainSaveFailure) },
    services: {
      assets: { get: (hash) => stores().then((s) => s.assets.get(hash)), put: (blob, name) => stores().then((s) => s.assets.put(blob, name)) },
      journal: {
        forKey: (key) => stores().then((s) => s.journal.forKey(key)),
        put: (entry) => stores().then((s) => s.journal.put(entry)),
        list: () => stores().then((s) => s.journal.list()),
      },
      secrets: { credentials: (provider) => stores().then((s) => s.secrets.credentials(provider)) },
      settings: { get: (name) => stores().then((s) => s.settings.get(name)) },
    },
    pins: {
      pin: (key, pinned) => stores().then((s) => (pinned ? s.cache.pin(key) : s.cache.unpin(key))),
      pinned: (key) => stores().then((s) => s.cache.pinned(key)),
    },
  };
}

/**
 * On a disk with no room at all Chromium fails to even open its store, so a failed save cannot
 * always be told apart from a full disk: say what to try, and that nothing else is at stake.
 */
function explainSaveFailure(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  if (message === STORAGE_FULL_MESSAGE) throw error;
  throw new Error(`${message.replace(/\.$/, '')}. If the disk is full, free some space; workflows and files are never removed to make room.`, { cause: error });
}

async function openBacking(): Promise<Backing> {
  try {
    return { ...(await persistentStores()), status: { persistent: true } };
  } catch (error) {
    const problem = `results and files are kept for this session only: the browser's storage (IndexedDB) could not be opened (${error instanceof Error ? error.message : String(error)})`;
    return { cache: new MemoryCache(), services: memoryServices(), status: { persistent: false, problem } };
  }
}

const ready = openBacking().then((backing) => ({ ...backing, engine: new Engine({ registry: createRegistry(), cache: backing.cache, services: backing.services }) }));
const runs = new Map<string, AbortController>();
/** Journal states of a generation that a reload interrupted and a run can pick up again. */
const IN_FLIGHT: ReadonlySet<JournalStatus> = new Set(['submitting', 'submitted', 'running']);

export interface RunOptions {
  runId: string;
  targets?: string[];
}

/** Collects events and hands them over at most once per frame. */
function batcher(onEvents: (events: RunEvent[]) => void) {
  let pending: RunEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    onEvents(Comlink.transfer(batch, transferablesOf(batch)));
  };
  const push = (event: RunEvent) => {
    pending.push(event);
    timer ??= setTimeout(flush, FLUSH_MS);
  };
  return { push, flush };
}

/** Nodes a cached-only run stopped at whose paid generation the journal has in flight. */
function inFlightNodes(summary: RunSummary, journal: readonly { status: JournalStatus; nodeKey: string }[]): string[] {
  const inFlight = new Set(journal.filter((e) => IN_FLIGHT.has(e.status)).map((e) => e.nodeKey));
  return Object.entries(summary.nodes)
    .filter(([, result]) => result.state === 'cancelled' && result.cacheKey !== undefined && inFlight.has(result.cacheKey))
    .map(([id]) => id);
}

const api = {
  async run(document: WorkflowDocument, options: RunOptions, onEvents: (events: RunEvent[]) => void): Promise<RunSummary> {
    const { engine } = await ready;
    const controller = new AbortController();
    runs.set(options.runId, controller);
    const events = batcher(onEvents);
    try {
      const summary = await engine.run({
        document,
        runId: options.runId,
        ...(options.targets ? { targets: options.targets } : {}),
        signal: controller.signal,
        onEvent: (event) => {
          for (const message of notices.splice(0)) events.push({ type: 'warning', runId: options.runId, message });
          events.push(event);
        },
      });
      events.flush();
      return Comlink.transfer(summary, transferablesOf(summary));
    } finally {
      runs.delete(options.runId);
    }
  },

  /**
   * Shows what earlier runs produced for `document`, running nothing: only cached nodes report.
   * Returns the nodes whose paid generation is still in flight (a reload or crash interrupted
   * it), so the page can resume them: the same work has the same key, and its journal entry.
   */
  async restore(document: WorkflowDocument, onEvents: (events: RunEvent[]) => void): Promise<string[]> {
    const { engine, services } = await ready;
    const events = batcher(onEvents);
    const summary = await engine.run({ document, cachedOnly: true, onEvent: (e) => e.type === 'node' && e.state === 'cached' && events.push(e) });
    events.flush();
    return inFlightNodes(summary, await services.journal.list().catch(() => []));
  },

  /** What a run of `targets` would do, running nothing: cache or run, why, and at what cost. */
  async plan(document: WorkflowDocument, targets?: string[]): Promise<RunPlan> {
    return (await ready).engine.plan(document, targets);
  },

  /** Keeps a file the user picked or dropped; the Blob crosses by reference, not by copy. */
  async putAsset(blob: Blob, name: string): Promise<AssetRef> {
    return (await ready).services.assets.put(blob, name);
  },

  /** Pins (or unpins) a cached result so eviction never takes it; false when there is none to pin. */
  async pin(key: string, pinned: boolean): Promise<boolean> {
    return (await ready).pins?.pin(key, pinned) ?? false;
  },

  async pinned(key: string): Promise<boolean> {
    return (await ready).pins?.pinned(key) ?? false;
  },

  async storage(): Promise<StorageStatus> {
    return (await ready).status;
  },

  cancel(runId: string): void {
    runs.get(runId)?.abort(new DOMException('cancelled by the user', 'AbortError'));
  },

  /** Proves where the work happens: the worker's global scope, not the page's. */
  scope(): string {
    return self.constructor.name;
  },
};

export type EngineWorkerApi = typeof api;

Comlink.expose(api);
