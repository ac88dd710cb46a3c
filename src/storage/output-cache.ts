/**
 * The engine's output cache, kept in IndexedDB under a byte budget. Least recently used entries
 * go first; pinned ones never do. Only cache entries are ever evicted: workflows and assets are
 * the user's work, outputs can be made again.
 */
import type { CacheEntry, CacheStore, PortValue } from '../engine';
import type { OutputRecord, OutputUse, StillmotionDb } from './database';

/** Writes complete records in one transaction: a crash leaves the old entries or the new ones. */
export type WriteOutput = (db: StillmotionDb, records: readonly OutputRecord[]) => Promise<void>;

export interface OutputCacheOptions {
  budgetBytes: number;
  /** Milliseconds since the epoch; tests pass their own. */
  clock?: () => number;
  /** The write a put makes; tests wrap it to fail as a full disk would. */
  write?: WriteOutput;
  /** Told when a full disk made room for a new result by evicting older ones, so the user can be. */
  onStorageFull?: (evicted: { entries: number; bytes: number }) => void;
}

export interface CacheUsage {
  entries: number;
  bytes: number;
  pinnedBytes: number;
}

export const STORAGE_FULL_MESSAGE =
  "The output cache could not store this result because the browser's storage is full. " +
  'Free some space (delete workflows or outputs you no longer need, or clear other sites’ data), ' +
  'raise the cache budget, or pin fewer outputs.';

/** How long the running total of bytes is trusted before it is counted again (another tab may have added). */
const RECOUNT_MS = 60_000;

export class IdbOutputCache implements CacheStore {
  /** Read on every put, so raising it takes effect at once. */
  budgetBytes: number;
  readonly #db: StillmotionDb;
  readonly #clock: () => number;
  readonly #write: WriteOutput;
  readonly #onStorageFull: OutputCacheOptions['onStorageFull'];
  /**
   * Bytes stored, at least: counted from storage now and then, and raised by each put, so a put
   * reads every use record only when the budget may be passed, not each time (a run of 5,000
   * small nodes read 5,000 x 5,000 records).
   */
  #bytes: { total: number; countedAt: number } | undefined;
  /** Gets not yet written as uses: one transaction for a burst of hits, written before any eviction. */
  readonly #touched = new Map<string, number>();
  #touching: Promise<void> | undefined;
  readonly #queue: { record: OutputRecord; resolve: () => void; reject: (error: unknown) => void }[] = [];
  #writing = false;

  constructor(db: StillmotionDb, options: OutputCacheOptions) {
    this.#db = db;
    this.budgetBytes = options.budgetBytes;
    this.#clock = options.clock ?? Date.now;
    this.#write = options.write ?? writeOutput;
    this.#onStorageFull = options.onStorageFull;
  }

  /**
   * The entry under `key`, which becomes the most recently used. Rejects when a file it holds
   * cannot be read (a full disk can leave the record readable and its file not), so the engine
   * makes the result again rather than handing on a file no node can open.
   */
  async get(key: string): Promise<CacheEntry | undefined> {
    const entry = await this.#db.get('outputs', key);
    if (entry) {
      await assertReadable(entry.outputs);
      this.#touched.set(key, this.#clock());
      this.#touching ??= Promise.resolve().then(() => this.#writeTouches());
    }
    return entry;
  }

  /** The entry under `key`, leaving its place in the eviction order as it was. */
  async peek(key: string): Promise<CacheEntry | undefined> {
    return this.#db.get('outputs', key);
  }

  /**
   * Stores `entry`, then evicts down to the budget; the entry just stored is kept even if alone it
   * is over. Puts that arrive while a write is under way are written together, in one transaction.
   */
  put(entry: CacheEntry): Promise<void> {
    const record: OutputRecord = { ...toEntry(entry), lastUsedAt: this.#clock(), size: outputSize(entry.outputs), pinned: false };
    return new Promise((resolve, reject) => {
      this.#queue.push({ record, resolve, reject });
      if (!this.#writing) void this.#drain();
    });
  }

  /** Writes queued puts, a batch at a time, until none are left. */
  async #drain(): Promise<void> {
    this.#writing = true;
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0);
      try {
        await this.#storeWithinBudget(batch.map((p) => p.record));
        for (const put of batch) put.resolve();
      } catch (error) {
        for (const put of batch) put.reject(error);
      }
    }
    this.#writing = false;
  }

  async #storeWithinBudget(records: readonly OutputRecord[]): Promise<void> {
    await this.#store(records);
    const size = sum(records);
    const counted = this.#bytes;
    if (counted && counted.total + size <= this.budgetBytes && this.#clock() - counted.countedAt < RECOUNT_MS) {
      counted.total += size;
      return;
    }
    // As when stored one by one: the newest is kept even if alone it is over, the rest by recency.
    await this.#evictUntil((bytes) => bytes <= this.budgetBytes, new Set([records.at(-1)!.key]));
  }

  /** Whether there was an entry to pin. */
  pin(key: string): Promise<boolean> {
    return this.#setPinned(key, true);
  }

  unpin(key: string): Promise<boolean> {
    return this.#setPinned(key, false);
  }

  /** Whether the entry under `key` is pinned (false when there is none). */
  async pinned(key: string): Promise<boolean> {
    return (await this.#db.get('outputUse', key))?.pinned ?? false;
  }

  async usage(): Promise<CacheUsage> {
    const records = await this.#db.getAll('outputUse');
    return {
      entries: records.length,
      bytes: sum(records),
      pinnedBytes: sum(records.filter((r) => r.pinned)),
    };
  }

  /** A full disk gets one retry, after evicting at least as many bytes as the entries need. */
  async #store(records: readonly OutputRecord[]): Promise<void> {
    try {
      return await this.#write(this.#db, records);
    } catch (error) {
      if (!isQuotaError(error)) throw error;
    }
    const evicted = await this.#evictUntil((_, freed) => freed >= sum(records), keysOf(records));
    try {
      await this.#write(this.#db, records);
    } catch (error) {
      throw isQuotaError(error) ? new Error(STORAGE_FULL_MESSAGE, { cause: error }) : error;
    }
    this.#onStorageFull?.(evicted);
  }

  /** Writes the uses that gets recorded since the last write, in one transaction. */
  async #writeTouches(): Promise<void> {
    const touched = [...this.#touched];
    this.#touched.clear();
    try {
      const tx = this.#db.transaction('outputUse', 'readwrite');
      await Promise.all(
        touched.map(async ([key, at]) => {
          const use = await tx.store.get(key);
          if (use && use.lastUsedAt < at) await tx.store.put({ ...use, lastUsedAt: at });
        }),
      );
      await tx.done;
    } catch {
      // A use not written only makes that entry look older to eviction; the result itself is intact.
    } finally {
      this.#touching = undefined;
    }
  }

  /** Deletes unpinned entries other than those in `keep`, least recently used first, until `done`. */
  async #evictUntil(done: (bytes: number, freed: number) => boolean, keep: ReadonlySet<string>): Promise<{ entries: number; bytes: number }> {
    await this.#touching;
    const tx = this.#db.transaction(['outputs', 'outputUse'], 'readwrite');
    const uses = await tx.objectStore('outputUse').index('lastUsedAt').getAll();
    let bytes = sum(uses);
    let freed = 0;
    let entries = 0;
    for (const use of uses) {
      if (done(bytes, freed)) break;
      if (use.pinned || keep.has(use.key)) continue;
      await Promise.all([tx.objectStore('outputs').delete(use.key), tx.objectStore('outputUse').delete(use.key)]);
      bytes -= use.size;
      freed += use.size;
      entries++;
    }
    await tx.done;
    this.#bytes = { total: bytes, countedAt: this.#clock() };
    return { entries, bytes: freed };
  }

  async #setPinned(key: string, pinned: boolean): Promise<boolean> {
    const tx = this.#db.transaction('outputUse', 'readwrite');
    const use = await tx.store.get(key);
    if (use) await tx.store.put({ ...use, pinned });
    await tx.done;
    return use !== undefined;
  }
}

/** The default write: each entry and its use in one transaction, keeping the pin of an entry it replaces. */
export async function writeOutput(db: StillmotionDb, records: readonly OutputRecord[]): Promise<void> {
  const tx = db.transaction(['outputs', 'outputUse'], 'readwrite');
  const write = async ({ lastUsedAt, size, pinned, ...entry }: OutputRecord) => {
    const existing = await tx.objectStore('outputUse').get(entry.key);
    await Promise.all([tx.objectStore('outputs').put(entry), tx.objectStore('outputUse').put({ key: entry.key, lastUsedAt, size, pinned: existing?.pinned ?? pinned })]);
  };
  // Awaiting all, so a commit that fails (as a full disk does) rejects here, not unhandled.
  await Promise.all([...records.map(write), tx.done]);
}

/** Bytes an entry costs: its media blobs, plus everything else as JSON text. */
export function outputSize(outputs: Readonly<Record<string, PortValue>>): number {
  const { blobs, json } = split(outputs);
  return blobs.reduce((total, blob) => total + blob.size, json.length);
}

/** The blobs in `outputs`, wherever they sit, and the rest as JSON text. */
function split(outputs: Readonly<Record<string, PortValue>>): { blobs: Blob[]; json: string } {
  const blobs: Blob[] = [];
  const json = JSON.stringify(outputs, (_, value: unknown) => {
    if (!(value instanceof Blob)) return value;
    blobs.push(value);
    return undefined;
  });
  return { blobs, json };
}

/** Reads the first byte of each stored file: enough for the browser to open it, or say it cannot. */
async function assertReadable(outputs: Readonly<Record<string, PortValue>>): Promise<void> {
  for (const blob of split(outputs).blobs) {
    try {
      await blob.slice(0, 1).arrayBuffer();
    } catch (error) {
      throw new Error(`a stored file of ${blob.size} bytes could not be read (${error instanceof Error ? error.message : String(error)})`);
    }
  }
}

function toEntry({ key, nodeType, outputs, createdAt, runId }: CacheEntry): CacheEntry {
  return { key, nodeType, outputs, createdAt, ...(runId === undefined ? {} : { runId }) };
}

const keysOf = (records: readonly OutputRecord[]) => new Set(records.map((r) => r.key));

function sum(records: readonly OutputUse[]): number {
  return records.reduce((total, r) => total + r.size, 0);
}

/**
 * A full disk. Chromium says QuotaExceededError when it is over quota, but when the disk itself
 * fills it says "Failed to write blobs (IOError)" (seen in the quota test).
 */
function isQuotaError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, message } = error as { name?: unknown; message?: unknown };
  return name === 'QuotaExceededError' || /failed to write blobs/i.test(String(message));
}
