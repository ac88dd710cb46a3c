import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { DB_VERSION, openStillmotionDb } from '../../src/storage';

let n = 0;
const uniqueName = () => `storage-database-${n++}`;

describe('the stillmotion database', () => {
  it('creates every store when opened for the first time', async () => {
    const db = await openStillmotionDb(uniqueName());
    expect(db.version).toBe(DB_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual(['assets', 'outputUse', 'outputs', 'secrets', 'settings', 'tasks', 'workflows']);
    expect([...db.transaction('outputUse').store.indexNames]).toEqual(['lastUsedAt']);
    expect([...db.transaction('outputs').store.indexNames]).toEqual([]);
    db.close();
  });

  it('upgrades a version 1 database, moving each output’s use into its own store', async () => {
    const name = uniqueName();
    const v1 = await openStillmotionDb(name, 1);
    const blob = new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' });
    const old = { key: 'k1', nodeType: 'image.sample', outputs: { image: { kind: 'image', blob, hash: 'h' } }, createdAt: 5, lastUsedAt: 7, size: 3, pinned: true };
    await (v1 as any).put('outputs', old);
    v1.close();
    const db = await openStillmotionDb(name);
    expect(await db.get('outputUse', 'k1')).toEqual({ key: 'k1', lastUsedAt: 7, size: 3, pinned: true });
    const entry = (await db.get('outputs', 'k1'))!;
    expect(Object.keys(entry).sort()).toEqual(['createdAt', 'key', 'nodeType', 'outputs']);
    expect(new Uint8Array(await (entry.outputs.image as any).blob.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
    db.close();
  });

  it('keeps its data when opened again at the same version', async () => {
    const name = uniqueName();
    const first = await openStillmotionDb(name);
    await first.put('settings', { budgetBytes: 1024 }, 'cache');
    await first.put('secrets', { provider: 'fal', apiKey: 'k', savedAt: 1 });
    first.close();
    const second = await openStillmotionDb(name);
    expect(await second.get('settings', 'cache')).toEqual({ budgetBytes: 1024 });
    expect(await second.get('secrets', 'fal')).toEqual({ provider: 'fal', apiKey: 'k', savedAt: 1 });
    second.close();
  });

  it('keeps the generation journal by id and finds it by node key', async () => {
    const db = await openStillmotionDb(uniqueName());
    const task = {
      id: 't1',
      nodeKey: 'abc',
      nodeId: 'n1',
      provider: 'fal',
      model: 'kling',
      providerTaskId: null,
      status: 'submitted' as const,
      submittedAt: 1,
      updatedAt: 1,
      request: { prompt: 'a boat' },
    };
    await db.put('tasks', task);
    expect(await db.get('tasks', 't1')).toEqual(task);
    expect(await db.getAllFromIndex('tasks', 'nodeKey', 'abc')).toEqual([task]);
    db.close();
  });
});
