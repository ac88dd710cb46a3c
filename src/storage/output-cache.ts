/**
 * The engine's output cache, kept in IndexedDB under a byte budget. Least recently used entries
 * go first; pinned ones never do. Only cache entries are ever evicted: workflows and assets are
 * the user's work, outputs can be made again.
 */
import type { CacheEntry, CacheStore, PortValue } from '../engine';
import type { OutputRecord, OutputUse, StillmotionDb } from './database';

/** Writes one complete record in one transaction: a crash leaves the old entry or the new one. */
export type WriteOutput = (db: StillmotionDb, record: OutputRecord) => Promise<void>;

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

export class IdbOutputCache implements CacheStore {
  /** Read on every put, so raising it takes effect at once. */
  budgetBytes: number;
  readonly #db: StillmotionDb;
  readonly #clock: () => number;
  readonly #write: WriteOutput;
  readonly #onStorageFull: OutputCacheOptions['onStorageFull'];

  constructor(db: StillmotionDb, options: OutputCacheOptions) {
    this.#db = db;
    this.budgetBytes = options.budgetBytes;
    this.#clock = options.clock ?? Date.now;
    this.#write = options.write ?? writeOutput;
    this.#onStorageFull = options.onStorageFull;
  }

  /** The entry under `key`, which becomes the most recently used. */
  async get(key: string): Promise<CacheEntry | undefined> {
    const tx = this.#db.transaction(['outputs', 'outputUse'], 'readwrite');
    const [entry, use] = await Promise.all([tx.objectStore('outputs').get(key), tx.objectStore('outputUse').get(key)]);
    if (use) await tx.objectStore('outputUse').put({ ...use, lastUsedAt: this.#clock() });
    await tx.done;
    return entry;
  }

  /** Stores `entry`, then evicts down to the budget; the entry just stored is kept even if alone it is over. */
  async put(entry: CacheEntry): Promise<void> {
    const record: OutputRecord = { ...toEntry(entry), lastUsedAt: this.#clock(), size: outputSize(entry.outputs), pinned: false };
    await this.#store(record);
    await this.#evictUntil((bytes) => bytes <= this.budgetBytes, record.key);
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

  /** A full disk gets one retry, after evicting at least as many bytes as the entry needs. */
  async #store(record: OutputRecord): Promise<void> {
    try {
      return await this.#write(this.#db, record);
    } catch (error) {
      if (!isQuotaError(error)) throw error;
    }
    const evicted = await this.#evictUntil((_, freed) => freed >= record.size, record.key);
    try {
      await this.#write(this.#db, record);
    } catch (error) {
      throw isQuotaError(error) ? new Error(STORAGE_FULL_MESSAGE, { cause: error }) : error;
    }
    this.#onStorageFull?.(evicted);
  }

  /** Deletes unpinned entries other than `keep`, least recently used first, until `done`. */
  async #evictUntil(done: (bytes: number, freed: number) => boolean, keep: string): Promise<{ entries: number; bytes: number }> {
    const tx = this.#db.transaction(['outputs', 'outputUse'], 'readwrite');
    const uses = await tx.objectStore('outputUse').index('lastUsedAt').getAll();
    let bytes = sum(uses);
    let freed = 0;
    let entries = 0;
    for (const use of uses) {
      if (done(bytes, freed)) break;
      if (use.pinned || use.key === keep) continue;
      await Promise.all([tx.objectStore('outputs').delete(use.key), tx.objectStore('outputUse').delete(use.key)]);
      bytes -= use.size;
      freed += use.size;
      entries++;
    }
    await tx.done;
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

/** The default write: the entry and its use in one transaction, keeping the pin of an entry it replaces. */
export async function writeOutput(db: StillmotionDb, record: OutputRecord): Promise<void> {
  const tx = db.transaction(['outputs', 'outputUse'], 'readwrite');
  const existing = await tx.objectStore('outputUse').get(record.key);
  const { lastUsedAt, size, pinned, ...entry } = record;
  // Awaiting all, so a commit that fails (as a full disk does) rejects here, not unhandled.
  await Promise.all([
    tx.objectStore('outputs').put(entry),
    tx.objectStore('outputUse').put({ key: record.key, lastUsedAt, size, pinned: existing?.pinned ?? pinned }),
    tx.done,
  ]);
}

/** Bytes an entry costs: its media blobs, plus everything else as JSON text. */
export function outputSize(outputs: Readonly<Record<string, PortValue>>): number {
  let blobs = 0;
  const json = JSON.stringify(outputs, (_, value: unknown) => {
    if (!(value instanceof Blob)) return value;
    blobs += value.size;
    return undefined;
  });
  return blobs + json.length;
}

function toEntry({ key, nodeType, outputs, createdAt }: CacheEntry): CacheEntry {
  return { key, nodeType, outputs, createdAt };
}

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
