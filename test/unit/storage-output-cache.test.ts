import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { CacheEntry, ImageValue } from '../../src/engine';
import {
  IdbOutputCache,
  openStillmotionDb,
  outputSize,
  STORAGE_FULL_MESSAGE,
  writeOutput,
  type OutputCacheOptions,
  type StillmotionDb,
  type WriteOutput,
} from '../../src/storage';

let n = 0;
let db: StillmotionDb;
let time: number;

beforeEach(async () => {
  db = await openStillmotionDb(`storage-output-cache-${n++}`);
  time = 0;
  return () => db.close();
});

/** Each tick of the clock is one step later, so recency is unambiguous. */
function cache(options: Partial<OutputCacheOptions> = {}): IdbOutputCache {
  return new IdbOutputCache(db, { budgetBytes: 1e9, clock: () => ++time, ...options });
}

function image(key: string, bytes = 1000): ImageValue {
  const blob = new Blob([new Uint8Array(bytes).fill(key.charCodeAt(0))], { type: 'image/png' });
  return { kind: 'image', hash: `h-${key}`, blob, mime: 'image/png', width: 10, height: 10 };
}

function entry(key: string, bytes = 1000): CacheEntry {
  return { key, nodeType: 'test.image', outputs: { image: image(key, bytes), label: key }, createdAt: 7 };
}

const SIZE = outputSize(entry('a').outputs);
const keys = async () => (await db.getAllKeys('outputs')).sort();
const quotaError = () => new DOMException('quota', 'QuotaExceededError');

describe('the IndexedDB output cache', () => {
  it('round-trips an entry with a Blob output', async () => {
    const c = cache();
    await c.put(entry('a'));
    const got = await c.get('a');
    expect(got).toMatchObject({ key: 'a', nodeType: 'test.image', createdAt: 7, outputs: { label: 'a', image: { kind: 'image', hash: 'h-a', width: 10 } } });
    const blob = (got!.outputs.image as ImageValue).blob;
    expect(blob).toBeInstanceOf(Blob);
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(new Uint8Array(1000).fill(97));
    expect(await c.get('missing')).toBeUndefined();
  });

  it('refuses an entry whose stored file cannot be read, as a full disk can leave one, rather than hand it on', async () => {
    const c = cache();
    await c.put(entry('a'));
    const read = vi.spyOn(Blob.prototype, 'arrayBuffer').mockRejectedValue(new DOMException('The requested file could not be read', 'NotReadableError'));
    try {
      await expect(c.get('a')).rejects.toThrow('a stored file of 1000 bytes could not be read (The requested file could not be read)');
    } finally {
      read.mockRestore();
    }
    expect(await c.get('a')).toMatchObject({ key: 'a' });
  });

  it('counts blob bytes plus the rest as JSON', () => {
    const rest = JSON.stringify({ image: { kind: 'image', hash: 'h-a', mime: 'image/png', width: 10, height: 10 }, label: 'a' });
    expect(SIZE).toBe(1000 + rest.length);
  });

  it('evicts least recently used first, down to the budget', async () => {
    const c = cache({ budgetBytes: 3 * SIZE });
    for (const key of ['a', 'b', 'c']) await c.put(entry(key));
    await c.put(entry('d'));
    expect(await keys()).toEqual(['b', 'c', 'd']);
    await c.put(entry('e'));
    expect(await keys()).toEqual(['c', 'd', 'e']);
  });

  it('counts a get as a use', async () => {
    const c = cache({ budgetBytes: 3 * SIZE });
    for (const key of ['a', 'b', 'c']) await c.put(entry(key));
    await c.get('a');
    await c.put(entry('d'));
    expect(await keys()).toEqual(['a', 'c', 'd']);
  });

  it('does not count a peek (a plan looking) as a use', async () => {
    const c = cache({ budgetBytes: 3 * SIZE });
    for (const key of ['a', 'b', 'c']) await c.put(entry(key));
    expect((await c.peek('a'))?.key).toBe('a');
    await c.put(entry('d'));
    expect(await keys()).toEqual(['b', 'c', 'd']);
  });

  it('never evicts pinned entries, and reports usage', async () => {
    const c = cache({ budgetBytes: 2 * SIZE });
    await c.put(entry('a'));
    expect(await c.pin('a')).toBe(true);
    expect(await c.pin('missing')).toBe(false);
    for (const key of ['b', 'c', 'd']) await c.put(entry(key));
    expect(await keys()).toEqual(['a', 'd']);
    expect(await c.usage()).toEqual({ entries: 2, bytes: 2 * SIZE, pinnedBytes: SIZE });
    await c.unpin('a');
    await c.put(entry('e'));
    expect(await keys()).toEqual(['d', 'e']);
    expect(await c.usage()).toEqual({ entries: 2, bytes: 2 * SIZE, pinnedBytes: 0 });
  });

  it('keeps the entry just stored even when it alone is over the budget', async () => {
    const c = cache({ budgetBytes: 2 * SIZE });
    await c.put(entry('a'));
    await c.put(entry('big', 5000));
    expect(await keys()).toEqual(['big']);
  });

  it('says whether an entry is pinned', async () => {
    const c = cache();
    await c.put(entry('a'));
    expect(await c.pinned('a')).toBe(false);
    await c.pin('a');
    expect(await c.pinned('a')).toBe(true);
    expect(await c.pinned('missing')).toBe(false);
  });

  it('keeps the pin of an entry it replaces', async () => {
    const c = cache();
    await c.put(entry('a'));
    await c.pin('a');
    await c.put(entry('a', 10));
    expect(await c.usage()).toMatchObject({ entries: 1, pinnedBytes: outputSize(entry('a', 10).outputs) });
  });

  it('writes puts that arrive while a write is under way together, in one transaction, within the budget', async () => {
    const batches: string[][] = [];
    const write: WriteOutput = async (d, records) => {
      batches.push(records.map((r) => r.key));
      return writeOutput(d, records);
    };
    const named = Array.from({ length: 30 }, (_, i) => entry(`k${String(i).padStart(2, '0')}`));
    const size = outputSize(named[0]!.outputs);
    const c = cache({ write, budgetBytes: 20 * size });
    await Promise.all(named.map((e) => c.put(e)));
    expect(batches.flat()).toHaveLength(30);
    expect(batches.length).toBeLessThanOrEqual(3);
    // The oldest ten went, as they would have one by one.
    expect(await keys()).toEqual(named.slice(10).map((e) => e.key));
  });

  it('on a full disk, evicts the oldest unpinned entries and retries once', async () => {
    let failures = 1;
    const write: WriteOutput = async (d, records) => {
      if (failures-- > 0) throw quotaError();
      return writeOutput(d, records);
    };
    const reports: { entries: number; bytes: number }[] = [];
    const c = cache({ write, onStorageFull: (evicted) => reports.push(evicted) });
    failures = 0;
    for (const key of ['a', 'b', 'c']) await c.put(entry(key));
    await c.pin('a');
    failures = 1;
    await c.put(entry('d', 1500));
    // 'a' is pinned; 'b' alone frees less than 'd' needs, so 'c' goes too.
    expect(await keys()).toEqual(['a', 'd']);
    expect(reports).toEqual([{ entries: 2, bytes: outputSize(entry('b').outputs) + outputSize(entry('c').outputs) }]);
  });

  it('on a disk still full after eviction, says what the user can do', async () => {
    const c = cache({ write: async () => Promise.reject(quotaError()) });
    const error = await c.put(entry('a')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(STORAGE_FULL_MESSAGE);
    expect((error as Error).cause).toMatchObject({ name: 'QuotaExceededError' });
  });

  it('passes other write errors on without evicting', async () => {
    const c = cache();
    await c.put(entry('a'));
    const failing = cache({ write: async () => Promise.reject(new Error('disk on fire')) });
    await expect(failing.put(entry('b'))).rejects.toThrow('disk on fire');
    expect(await keys()).toEqual(['a']);
  });
});
