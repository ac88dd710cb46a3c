import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { DB_VERSION, openStillmotionDb } from '../../src/storage';

let n = 0;
const uniqueName = () => `storage-database-${n++}`;

describe('the stillmotion database', () => {
  it('creates every store when opened for the first time', async () => {
    const db = await openStillmotionDb(uniqueName());
    expect(db.version).toBe(DB_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual(['assets', 'outputs', 'secrets', 'settings', 'tasks', 'workflows']);
    expect([...db.transaction('outputs').store.indexNames]).toEqual(['lastUsedAt']);
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

  it('keys tasks by id', async () => {
    const db = await openStillmotionDb(uniqueName());
    const task = {
      id: 't1',
      nodeKey: 'abc',
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
    db.close();
  });
});
