/**
 * The one IndexedDB database the app keeps: workflows, assets, cached outputs, provider tasks,
 * settings and secrets. The schema grows by steps, one per version, like workflow migrations:
 * `UPGRADES[n]` turns a version-n database into version n + 1, so a browser that skipped
 * versions runs every step it missed.
 */
import { openDB, type DBSchema, type IDBPDatabase, type IDBPObjectStore, type IDBPTransaction, type StoreNames } from 'idb';
import type { CacheEntry, JournalEntry, JsonValue, WorkflowDocument } from '../engine';

export const DB_NAME = 'stillmotion';

export interface WorkflowRecord {
  id: string;
  name: string;
  document: WorkflowDocument;
  /** Milliseconds since the epoch, as are all times below. */
  updatedAt: number;
  /** Null until the workflow is first opened. */
  openedAt: number | null;
  /**
   * Counts the saves of the graph (absent, 0, in records from before it was kept): a tab saves
   * only over the revision it last read, checked inside the save's own transaction.
   */
  revision?: number;
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

/**
 * How an output is used, kept apart from the output itself, so marking a hit or a pin rewrites a
 * few numbers, never the (possibly huge) media Blobs.
 */
export interface OutputUse {
  key: string;
  lastUsedAt: number;
  /** Bytes counted against the cache budget: media blob sizes plus the rest as JSON. */
  size: number;
  /** Pinned entries are never evicted. */
  pinned: boolean;
}

/** An output with its use, as written together. */
export type OutputRecord = CacheEntry & OutputUse;

export interface SecretRecord {
  provider: string;
  apiKey: string;
  /** Only for providers that sign requests with a second key (Kling's access and secret keys). */
  secretKey?: string;
  savedAt: number;
}

export interface StillmotionSchema extends DBSchema {
  workflows: { key: string; value: WorkflowRecord };
  assets: { key: string; value: AssetRecord };
  outputs: { key: string; value: CacheEntry };
  outputUse: { key: string; value: OutputUse; indexes: { lastUsedAt: number } };
  /** The journal of paid generations (see JournalEntry), found again by the node run's key. */
  tasks: { key: string; value: JournalEntry; indexes: { nodeKey: string } };
  settings: { key: string; value: JsonValue };
  /** Its own store, so nothing that exports or copies the other stores can read a key by accident. */
  secrets: { key: string; value: SecretRecord };
}

export type StillmotionDb = IDBPDatabase<StillmotionSchema>;

type Upgrade = (db: StillmotionDb, tx: IDBPTransaction<StillmotionSchema, ArrayLike<StoreNames<StillmotionSchema>>, 'versionchange'>) => Promise<void>;

/** `UPGRADES[n]` takes a version-n database to version n + 1, data included. */
const UPGRADES: readonly Upgrade[] = [
  async (db) => {
    db.createObjectStore('workflows', { keyPath: 'id' });
    db.createObjectStore('assets', { keyPath: 'hash' });
    // Version 1 kept use (lastUsedAt, size, pinned) inside each output; version 2 moves it out.
    (db as unknown as IDBPDatabase).createObjectStore('outputs', { keyPath: 'key' }).createIndex('lastUsedAt', 'lastUsedAt');
    db.createObjectStore('tasks', { keyPath: 'id' });
    db.createObjectStore('settings');
    db.createObjectStore('secrets', { keyPath: 'provider' });
  },
  async (db, tx) => {
    db.createObjectStore('outputUse', { keyPath: 'key' }).createIndex('lastUsedAt', 'lastUsedAt');
    const outputs = tx.objectStore('outputs');
    for (let cursor = await outputs.openCursor(); cursor; cursor = await cursor.continue()) {
      const { lastUsedAt, size, pinned, ...entry } = cursor.value as OutputRecord;
      await tx.objectStore('outputUse').put({ key: entry.key, lastUsedAt, size, pinned });
      await cursor.update(entry);
    }
    (outputs as unknown as IDBPObjectStore).deleteIndex('lastUsedAt');
  },
  async (_db, tx) => {
    // Nothing wrote tasks before version 3, so the store is empty and only gains its index.
    tx.objectStore('tasks').createIndex('nodeKey', 'nodeKey');
  },
];

export const DB_VERSION = UPGRADES.length;

/**
 * Opens (creating or upgrading) the database; tests pass an older `version` to make old fixtures.
 * `onTerminated` hears when the browser closes the connection itself (it does on a full disk).
 */
export function openStillmotionDb(name = DB_NAME, version = DB_VERSION, onTerminated?: () => void): Promise<StillmotionDb> {
  return openDB<StillmotionSchema>(name, version, {
    async upgrade(db, oldVersion, _newVersion, tx) {
      for (let v = oldVersion; v < version; v++) await UPGRADES[v]!(db, tx);
    },
    ...(onTerminated ? { terminated: onTerminated } : {}),
  });
}

/** IDBPDatabase's members that are synchronous: they cannot wait for a reopened connection. */
const SYNC_MEMBERS = new Set<PropertyKey>(['transaction', 'close', 'createObjectStore', 'deleteObjectStore', 'addEventListener', 'removeEventListener', 'dispatchEvent']);

/**
 * The database as one lasting handle, for the page, whose session, stores and settings each keep
 * it: when the browser closes the connection under it (Chromium does after a write fails on a
 * full disk), it opens a new one, where every object holding the old connection would fail from
 * then on, saves included. A call made while it reopens waits for the new connection, except
 * `transaction()`, which is synchronous: it fails as the closed connection does, and the next one
 * gets the new connection. A reopen that fails (no room even to open) is tried again on next use.
 */
export async function openLastingDb(name = DB_NAME): Promise<StillmotionDb> {
  let current = await openStillmotionDb(name, DB_VERSION, () => void reopen().catch(() => undefined));
  let down = false;
  let reopening: Promise<StillmotionDb> | undefined;
  function reopen(): Promise<StillmotionDb> {
    down = true;
    reopening ??= openStillmotionDb(name, DB_VERSION, () => void reopen().catch(() => undefined)).then(
      (db) => {
        [current, down, reopening] = [db, false, undefined];
        return db;
      },
      (error: unknown) => {
        reopening = undefined;
        throw error;
      },
    );
    return reopening;
  }
  const connection = () => (down ? reopen() : Promise.resolve(current));
  return new Proxy(current, {
    get(_, member) {
      const value: unknown = Reflect.get(current, member, current);
      if (typeof value !== 'function') return value;
      if (!SYNC_MEMBERS.has(member)) return (...args: unknown[]) => connection().then((db) => (Reflect.get(db, member, db) as (...a: unknown[]) => unknown).apply(db, args));
      if (down) void reopen().catch(() => undefined);
      return (value as (...a: unknown[]) => unknown).bind(current);
    },
  });
}
