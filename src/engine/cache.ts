/**
 * The output cache: node outputs by content key. The engine writes an entry only once a node has
 * produced all its outputs, so a cancelled or failed node never leaves a partial entry.
 * Persistence puts this behind IndexedDB; tests and the CLI use the in-memory store.
 */
import type { PortValue } from './values';

export interface CacheEntry {
  /** hash(node type + version + params + hashes of inputs). */
  key: string;
  nodeType: string;
  outputs: Readonly<Record<string, PortValue>>;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** The run that made it. */
  runId?: string;
}

export interface CacheStore {
  /** The entry under `key`, which counts as a use (eviction goes by least recent use). */
  get(key: string): Promise<CacheEntry | undefined>;
  /** The entry under `key`, looked at without counting as a use: what a plan does. */
  peek(key: string): Promise<CacheEntry | undefined>;
  /** Stores a complete entry; replaces any entry under the same key. */
  put(entry: CacheEntry): Promise<void>;
}

export class MemoryCache implements CacheStore {
  readonly entries = new Map<string, CacheEntry>();

  async get(key: string): Promise<CacheEntry | undefined> {
    return this.entries.get(key);
  }

  async peek(key: string): Promise<CacheEntry | undefined> {
    return this.entries.get(key);
  }

  async put(entry: CacheEntry): Promise<void> {
    this.entries.set(entry.key, entry);
  }
}
