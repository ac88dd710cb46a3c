import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { hashBytes, readAsset } from '../../src/engine';
import { IdbAssetStore, openStillmotionDb, type StillmotionDb } from '../../src/storage';

let n = 0;
let db: StillmotionDb;
let assets: IdbAssetStore;

beforeEach(async () => {
  db = await openStillmotionDb(`storage-assets-${n++}`);
  assets = new IdbAssetStore(db, () => 42);
  return () => db.close();
});

const bytes = (...values: number[]) => new Uint8Array(values);

describe('the asset store', () => {
  it('stores identical bytes once, whatever the name', async () => {
    const first = await assets.put(new Blob([bytes(1, 2, 3)], { type: 'image/png' }), 'a.png');
    const second = await assets.put(new Blob([bytes(1, 2, 3)], { type: 'image/png' }), 'b.png');
    expect(first).toEqual({ hash: await hashBytes(bytes(1, 2, 3)), name: 'a.png', mime: 'image/png', size: 3 });
    expect(second).toEqual({ ...first, name: 'b.png' });
    expect(await db.count('assets')).toBe(1);
    expect(await db.get('assets', first.hash)).toMatchObject({ name: 'a.png', addedAt: 42, size: 3 });
  });

  it('reads the same bytes added again under another name and type as that file: its own name and type', async () => {
    const sound = bytes(...Array.from({ length: 64 }, (_, i) => i));
    const first = await assets.put(new Blob([sound], { type: 'audio/wav' }), 'take-1.wav');
    const again = await assets.put(new Blob([sound], { type: 'audio/x-wav' }), 'Take one (copy).wav');
    expect(again).toMatchObject({ hash: first.hash, name: 'Take one (copy).wav', mime: 'audio/x-wav' });
    const read = await readAsset(assets, again);
    expect(read.type).toBe('audio/x-wav');
    expect(new Uint8Array(await read.arrayBuffer())).toEqual(sound);
    expect((await readAsset(assets, first)).type).toBe('audio/wav');
    await assets.delete(first.hash);
    await expect(readAsset(assets, again)).rejects.toThrow('"Take one (copy).wav" is no longer in this browser\'s file store; pick it again');
  });

  it('gives back the same bytes and type', async () => {
    const data = bytes(...Array.from({ length: 1000 }, (_, i) => (i * 7) % 256));
    const ref = await assets.put(new Blob([data], { type: 'image/jpeg' }), 'x.jpg');
    const blob = await assets.get(ref.hash);
    expect(blob?.type).toBe('image/jpeg');
    expect(new Uint8Array(await blob!.arrayBuffer())).toEqual(data);
  });

  it('answers has, and forgets on delete', async () => {
    const ref = await assets.put(new Blob([bytes(9)]), 'n');
    expect(await assets.has(ref.hash)).toBe(true);
    await assets.delete(ref.hash);
    expect(await assets.has(ref.hash)).toBe(false);
    expect(await assets.get(ref.hash)).toBeUndefined();
  });
});
