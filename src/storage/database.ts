/**
 * The one IndexedDB database the app keeps: workflows, assets, cached outputs, provider tasks,
 * settings and secrets. The schema grows by steps, one per version, like workflow migrations:
 * `UPGRADES[n]` turns a version-n database into version n + 1, so a browser that skipped
 * versions runs every step it missed.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { CacheEntry, WorkflowDocument } from '../engine';

export const DB_NAME = 'stillmotion';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface WorkflowRecord {
  id: string;
  name: string;
  document: WorkflowDocument;
  /** Milliseconds since the epoch, as are all times below. */
  updatedAt: number;
  /** Null until the workflow is first opened. */
  openedAt: number | null;
}

export interface AssetRecord {
  /** SHA-256 of the bytes, lowercase hex. */
  hash: string;
  blob: Blob;
  /** The name the file had when first added. */
  name: string;
  mime: string;
  size: number;
  addedAt: number;
}

export interface OutputRecord extends CacheEntry {
  lastUsedAt: number;
  /** Bytes counted against the cache budget: media blob sizes plus the rest as JSON. */
  size: number;
  /** Pinned entries are never evicted. */
  pinned: boolean;
}

export type TaskStatus = 'submitted' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** A generation submitted to a provider, kept so a reload can resume polling instead of paying twice. */
export interface TaskRecord {
  id: string;
  /** The cache key of the node run that asked for it. */
  nodeKey: string;
  provider: string;
  model: string;
  /** The provider's id for the task; null until the provider has accepted it. */
  providerTaskId: string | null;
  status: TaskStatus;
  submittedAt: number;
  updatedAt: number;
  request: JsonValue;
  result?: JsonValue;
}

export interface SecretRecord {
  provider: string;
  apiKey: string;
  savedAt: number;
}

export interface StillmotionSchema extends DBSchema {
  workflows: { key: string; value: WorkflowRecord };
  assets: { key: string; value: AssetRecord };
  outputs: { key: string; value: OutputRecord; indexes: { lastUsedAt: number } };
  tasks: { key: string; value: TaskRecord };
  settings: { key: string; value: JsonValue };
  /** Its own store, so nothing that exports or copies the other stores can read a key by accident. */
  secrets: { key: string; value: SecretRecord };
}

export type StillmotionDb = IDBPDatabase<StillmotionSchema>;

const UPGRADES: readonly ((db: StillmotionDb) => void)[] = [
  (db) => {
    db.createObjectStore('workflows', { keyPath: 'id' });
    db.createObjectStore('assets', { keyPath: 'hash' });
    db.createObjectStore('outputs', { keyPath: 'key' }).createIndex('lastUsedAt', 'lastUsedAt');
    db.createObjectStore('tasks', { keyPath: 'id' });
    db.createObjectStore('settings');
    db.createObjectStore('secrets', { keyPath: 'provider' });
  },
];

export const DB_VERSION = UPGRADES.length;

export function openStillmotionDb(name = DB_NAME): Promise<StillmotionDb> {
  return openDB<StillmotionSchema>(name, DB_VERSION, {
    upgrade(db, oldVersion) {
      for (let v = oldVersion; v < DB_VERSION; v++) UPGRADES[v]!(db);
    },
  });
}
