import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { WORKFLOW_FORMAT, WORKFLOW_VERSION, type WorkflowDocument } from '../../src/engine';
import { openStillmotionDb, WorkflowStore, type StillmotionDb } from '../../src/storage';
import { testNodes } from '../support/nodes';

let n = 0;
let db: StillmotionDb;
let store: WorkflowStore;
let time: number;

beforeEach(async () => {
  db = await openStillmotionDb(`storage-workflows-${n++}`);
  time = 1000;
  let ids = 0;
  store = new WorkflowStore(db, testNodes(), { clock: () => time, newId: () => `new-${ids++}` });
  return () => db.close();
});

function doc(id: string, name: string, nodes: WorkflowDocument['nodes'] = []): WorkflowDocument {
  return { format: WORKFLOW_FORMAT, version: WORKFLOW_VERSION, id, name, nodes, edges: [] };
}

const mix = { id: 'a', type: 'test.mix', version: 1, position: { x: 0, y: 0 }, params: { k: 2 } };

describe('the workflow store', () => {
  it('round-trips a document through loadWorkflow, defaults filled', async () => {
    await store.save(doc('w1', 'First', [mix]));
    const loaded = await store.get('w1');
    expect(loaded).toMatchObject({ ok: true, warnings: [] });
    if (loaded?.ok) expect(loaded.document.nodes[0]!.params).toEqual({ k: 2, fail: false, resource: '' });
    expect(await store.get('missing')).toBeUndefined();
  });

  it('lists newest first, with when each was opened', async () => {
    await store.save(doc('old', 'Old'));
    time = 2000;
    await store.save(doc('new', 'New'));
    time = 3000;
    await store.markOpened('old');
    expect(await store.list()).toEqual([
      { id: 'new', name: 'New', updatedAt: 2000, openedAt: null, nodes: 0 },
      { id: 'old', name: 'Old', updatedAt: 1000, openedAt: 3000, nodes: 0 },
    ]);
    time = 4000;
    await store.save(doc('old', 'Old'));
    expect((await store.list()).map((w) => [w.id, w.openedAt])).toEqual([['old', 3000], ['new', null]]);
  });

  it('renames the record and the document inside it', async () => {
    await store.save(doc('w1', 'First'));
    time = 2000;
    expect(await store.rename('w1', 'Renamed')).toEqual({ id: 'w1', name: 'Renamed', updatedAt: 2000, openedAt: null, nodes: 0 });
    const loaded = await store.get('w1');
    expect(loaded?.ok && loaded.document.name).toBe('Renamed');
    expect(await store.rename('missing', 'x')).toBeUndefined();
  });

  it('duplicates under a new id and a "copy" name', async () => {
    await store.save(doc('w1', 'Scene', [mix]));
    const copy = await store.duplicate('w1');
    expect(copy).toMatchObject({ id: 'new-0', name: 'Scene copy' });
    const loaded = await store.get('new-0');
    expect(loaded?.ok && loaded.document).toMatchObject({ id: 'new-0', name: 'Scene copy', nodes: [{ id: 'a' }] });
    expect((await store.list()).length).toBe(2);
  });

  it('returns the deleted record, and putting it back restores it exactly', async () => {
    await store.save(doc('w1', 'Keep me', [mix]));
    await store.markOpened('w1');
    const before = await db.get('workflows', 'w1');
    const deleted = await store.delete('w1');
    expect(deleted).toEqual(before);
    expect(await store.list()).toEqual([]);
    await store.restore(deleted!);
    expect(await db.get('workflows', 'w1')).toEqual(before);
    expect(await store.delete('missing')).toBeUndefined();
  });

  it('keeps a node of an unknown type, with a warning by path', async () => {
    const gone = { id: 'g', type: 'plugin.gone', version: 3, position: { x: 0, y: 0 }, params: { any: 1 } };
    await store.save(doc('w1', 'Has a missing node', [mix, gone]));
    expect(await store.get('w1')).toMatchObject({
      ok: true,
      document: { nodes: [{ id: 'a' }, gone] },
      warnings: [{ path: 'nodes[1].type', message: expect.stringMatching(/unknown node type "plugin.gone"/) }],
    });
  });

  it('refuses a stored document from a newer format with the path error', async () => {
    await store.save({ ...doc('w1', 'From the future'), version: WORKFLOW_VERSION + 1 });
    expect(await store.get('w1')).toEqual({
      ok: false,
      errors: [{ path: 'version', message: expect.stringMatching(/newer Stillmotion/) }],
    });
  });

  it('saves over a revision only if it is still the stored one, checked inside the save', async () => {
    const first = await store.save(doc('w1', 'Shared', [mix]));
    // Two tabs read revision 1; both save at once, as within one millisecond.
    const [a, b] = await Promise.all([store.saveOver(doc('w1', 'Tab A'), first.revision), store.saveOver(doc('w1', 'Tab B'), first.revision)]);
    expect([a.ok, b.ok].sort()).toEqual([false, true]);
    const winner = a.ok ? 'Tab A' : 'Tab B';
    expect((await store.get('w1'))?.ok && (await db.get('workflows', 'w1'))?.name).toBe(winner);
    expect(a.ok ? b : a).toEqual({ ok: false, conflict: 'changed' });
    // The winner saves on over its own new revision.
    const next = (a.ok ? a : b) as { revision: number };
    expect(await store.saveOver(doc('w1', `${winner} again`), next.revision)).toMatchObject({ ok: true, revision: next.revision + 1 });
  });

  it('does not make again a workflow deleted since it was read', async () => {
    const first = await store.save(doc('w1', 'Gone soon'));
    await store.delete('w1');
    expect(await store.saveOver(doc('w1', 'Gone soon, edited'), first.revision)).toEqual({ ok: false, conflict: 'deleted' });
    expect(await db.get('workflows', 'w1')).toBeUndefined();
  });

  it('saves the view without touching the graph or its revision', async () => {
    const first = await store.save(doc('w1', 'Viewed', [mix]));
    await store.saveView('w1', { x: 5, y: 6, zoom: 0.5 });
    const stored = await store.read('w1');
    expect(stored).toMatchObject({ revision: first.revision, loaded: { ok: true, document: { viewport: { x: 5, y: 6, zoom: 0.5 }, nodes: [{ id: 'a' }] } } });
  });

  it('opens a stored workflow whatever one field holds, repairing it with a warning, and keeps it as stored', async () => {
    const broken = { ...doc('w1', 'Typed in an older version', [{ ...mix, title: 'T'.repeat(300), params: { k: 'two' } }]), id: 'some other id' };
    await db.put('workflows', { id: 'w1', name: broken.name, document: broken as never, updatedAt: 1, openedAt: null });
    const stored = await store.read('w1');
    expect(stored).toMatchObject({
      revision: 0,
      raw: broken,
      loaded: { ok: true, document: { id: 'w1', nodes: [{ title: 'T'.repeat(200), params: { k: 0 } }] }, warnings: [{ path: 'nodes[0].title' }, { path: 'nodes[0].params.k' }] },
    });
  });
});

