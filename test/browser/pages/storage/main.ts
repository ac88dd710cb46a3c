/**
 * The page test/browser/storage.test.ts drives: src/storage against Chromium's own IndexedDB.
 * Bytes are made, hashed and compared here, so only small answers cross to the test.
 */
import { hashBytes, type CacheEntry, type ImageValue } from '../../../../src/engine';
import {
  IdbAssetStore,
  IdbOutputCache,
  openLastingDb,
  openStillmotionDb,
  storageEstimate,
  writeOutput,
  type CacheUsage,
  type StillmotionDb,
  type StorageEstimate,
  type WriteOutput,
} from '../../../../src/storage';

export interface Stored {
  hash: string;
  size: number;
  type: string;
}

export interface FillResult {
  written: number;
  /** The name of the error that stopped the loop, if one did. */
  stoppedBy: string | null;
  before: StorageEstimate | undefined;
  after: StorageEstimate | undefined;
}

export interface PutOutcome {
  /** The message a failed put threw; null when it stored the entry. */
  error: string | null;
  /** The cache's keys afterwards. */
  keys: string[];
}

export interface StorageTest {
  /** Stores `size` random bytes as an asset; returns the ref and what reading it back gives. */
  putAsset(size: number): Promise<{ ref: Stored; readBack: Stored | null }>;
  readAsset(hash: string): Promise<Stored | null>;
  /** Stores one entry with a random image blob of `size` bytes under a cache with `budget`. */
  cachePut(key: string, size: number, budget: number): Promise<Stored>;
  cacheGet(key: string): Promise<Stored | null>;
  cacheKeys(): Promise<string[]>;
  cacheUsage(): Promise<CacheUsage>;
  /** Writes `chunk`-byte random blobs into a database of their own until `total` or an error. */
  fill(total: number, chunk: number): Promise<FillResult>;
  /** Puts with a write that fails with a QuotaExceededError `failures` times. */
  cachePutFailing(key: string, size: number, failures: number): Promise<PutOutcome>;
  /**
   * Saves `value` as a setting through a lasting handle and through a plain connection, both
   * opened once per page, and reads each back: what each gives, or the message it failed with.
   */
  saveSetting(value: string): Promise<{ lasting: string; plain: string }>;
}

const DB = 'storage-test';
const SETTINGS_DB = 'storage-test-settings';
let lasting: Promise<StillmotionDb> | undefined;
let plain: Promise<StillmotionDb> | undefined;
let db: Promise<StillmotionDb> | undefined;
const open = () => (db ??= openStillmotionDb(DB));

function randomBlob(size: number, type = 'application/octet-stream'): Blob {
  const bytes = new Uint8Array(size);
  // getRandomValues fills at most 64 KiB per call.
  for (let at = 0; at < size; at += 65536) crypto.getRandomValues(bytes.subarray(at, at + 65536));
  return new Blob([bytes], { type });
}

async function describe(blob: Blob | undefined): Promise<Stored | null> {
  return blob ? { hash: await hashBytes(blob), size: blob.size, type: blob.type } : null;
}

async function entry(key: string, size: number): Promise<CacheEntry> {
  const blob = randomBlob(size, 'image/png');
  const image: ImageValue = { kind: 'image', hash: await hashBytes(blob), blob, mime: 'image/png', width: 1, height: 1 };
  return { key, nodeType: 'test.image', outputs: { image }, createdAt: Date.now() };
}

async function tryPut(key: string, size: number, write: WriteOutput): Promise<PutOutcome> {
  const handle = await open();
  const error = await new IdbOutputCache(handle, { budgetBytes: Infinity, write })
    .put(await entry(key, size))
    .then(() => null, (e: unknown) => (e instanceof Error ? e.message : String(e)));
  return { error, keys: (await handle.getAllKeys('outputs')).sort() };
}

const imageOf = (e: CacheEntry | undefined) => (e?.outputs.image as ImageValue | undefined)?.blob;

const storageTest: StorageTest = {
  async putAsset(size) {
    const assets = new IdbAssetStore(await open());
    const blob = randomBlob(size, 'image/png');
    const ref = await assets.put(blob, 'random.png');
    return { ref: { hash: ref.hash, size: ref.size, type: ref.mime }, readBack: await describe(await assets.get(ref.hash)) };
  },

  async readAsset(hash) {
    return describe(await new IdbAssetStore(await open()).get(hash));
  },

  async cachePut(key, size, budget) {
    const e = await entry(key, size);
    await new IdbOutputCache(await open(), { budgetBytes: budget }).put(e);
    return (await describe(imageOf(e)))!;
  },

  async cacheGet(key) {
    return describe(imageOf(await new IdbOutputCache(await open(), { budgetBytes: Infinity }).get(key)));
  },

  async cacheKeys() {
    return (await (await open()).getAllKeys('outputs')).sort();
  },

  async cacheUsage() {
    return new IdbOutputCache(await open(), { budgetBytes: Infinity }).usage();
  },

  async fill(total, chunk) {
    const probe = new IdbAssetStore(await openStillmotionDb('storage-test-fill'));
    const before = await storageEstimate();
    let written = 0;
    let stoppedBy: string | null = null;
    try {
      for (let i = 0; written < total; i++) {
        await probe.put(randomBlob(chunk), `fill-${i}`);
        written += chunk;
      }
    } catch (error) {
      stoppedBy = error instanceof Error ? error.name : String(error);
    }
    return { written, stoppedBy, before, after: await storageEstimate() };
  },

  async cachePutFailing(key, size, failures) {
    let left = failures;
    return tryPut(key, size, async (d, records) => {
      if (left-- > 0) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return writeOutput(d, records);
    });
  },

  async saveSetting(value) {
    const save = async (db: StillmotionDb) => {
      await db.put('settings', value, 'probe');
      return String(await db.get('settings', 'probe'));
    };
    const failure = (error: unknown) => (error instanceof Error ? error.message : String(error));
    lasting ??= openLastingDb(SETTINGS_DB);
    plain ??= openStillmotionDb(SETTINGS_DB);
    return { lasting: await save(await lasting).catch(failure), plain: await save(await plain).catch(failure) };
  },
};

Object.assign(globalThis, { storageTest });
