/**
 * The plan says, before anything runs, what a run would do: per node, cache or run, why, and at
 * what cost. It must agree with the engine: what it says would run is what then runs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineNode, Engine, MemoryCache, MemoryJournal, param, type JournalStatus, type RunEvent, type WorkflowDocument } from '../../src/engine';
import { dagLinks, mixGraph, testNodes } from '../support/nodes';

/** a -> b -> c, plus d on its own; each titled after its id. */
function chain(): WorkflowDocument {
  const doc = mixGraph([{ id: 'a', k: 1 }, { id: 'b', k: 2 }, { id: 'c', k: 3 }, { id: 'd', k: 4 }], [['a', 'b'], ['b', 'c']]);
  for (const node of doc.nodes) node.title = node.id.toUpperCase();
  return doc;
}

const paramsOf = (doc: WorkflowDocument, id: string) => doc.nodes.find((n) => n.id === id)!.params;
const willRun = (plan: { nodes: Record<string, { will: string }> }) => Object.keys(plan.nodes).filter((id) => plan.nodes[id]!.will === 'run');

describe('the plan of a run', () => {
  it('runs nothing and writes nothing to the cache', async () => {
    const cache = new MemoryCache();
    const engine = new Engine({ registry: testNodes(), cache });
    const plan = await engine.plan(chain());
    expect(plan.order).toEqual(['a', 'd', 'b', 'c']);
    expect(cache.entries.size).toBe(0);
    expect(plan.nodes.a).toMatchObject({ will: 'run', reason: 'no result for these settings yet', paid: false });
    expect(plan.nodes.b).toMatchObject({ will: 'run', reason: 'no result for these settings yet' });
  });

  it('counts identical work once, as the engine does it once', async () => {
    const engine = new Engine({ registry: testNodes() });
    const doc = mixGraph([{ id: 'a', k: 7 }, { id: 'b', k: 7 }], []);
    const plan = await engine.plan(doc);
    expect(plan.nodes.b).toEqual({ will: 'share', with: 'a' });
    expect((await engine.run({ document: doc })).executed).toEqual(['a']);
  });

  it('after a run, says every result would come from the cache, and when it was made', async () => {
    const engine = new Engine({ registry: testNodes() });
    const doc = chain();
    const before = Date.now();
    await engine.run({ document: doc });
    const plan = await engine.plan(doc);
    for (const id of ['a', 'b', 'c', 'd']) expect(plan.nodes[id]).toMatchObject({ will: 'cache', madeAt: expect.any(Number) });
    expect((plan.nodes.a as { madeAt: number }).madeAt).toBeGreaterThanOrEqual(before);
  });

  it('names the changed setting, and says downstream which change reaches it', async () => {
    const engine = new Engine({ registry: testNodes() });
    const doc = chain();
    await engine.run({ document: doc });
    paramsOf(doc, 'a').k = 10;
    const plan = await engine.plan(doc);
    expect(plan.nodes.a).toMatchObject({ will: 'run', reason: 'K changed' });
    expect(plan.nodes.b).toMatchObject({ will: 'run', reason: `input "In" changes because A's K changed` });
    expect(plan.nodes.c).toMatchObject({ will: 'run', reason: `input "In" changes because A's K changed` });
    expect(plan.nodes.d).toMatchObject({ will: 'cache' });
  });

  it('gives the same reasons on the nodes as they run', async () => {
    const engine = new Engine({ registry: testNodes() });
    const doc = chain();
    await engine.run({ document: doc });
    paramsOf(doc, 'a').k = 10;
    const reasons: Record<string, string> = {};
    const onEvent = (e: RunEvent) => e.type === 'node' && e.state === 'done' && e.reason && (reasons[e.nodeId] = e.reason);
    await engine.run({ document: doc, onEvent });
    expect(reasons).toEqual({ a: 'K changed', b: `input "In" changed because A's K changed`, c: `input "In" changed because A's K changed` });
  });

  it('covers only what targets need', async () => {
    const plan = await new Engine({ registry: testNodes() }).plan(chain(), ['b']);
    expect(plan.order).toEqual(['a', 'b']);
  });

  it('says what cannot run and why, and what waits on it', async () => {
    const engine = new Engine({ registry: testNodes() });
    const doc = chain();
    doc.nodes.push({ id: 'n', type: 'test.needs', version: 2, position: { x: 0, y: 0 }, params: {} });
    doc.nodes.push({ id: 'x', type: 'test.unknown', version: 1, position: { x: 0, y: 0 }, params: {} });
    doc.edges.push({ id: 'e9', source: 'n', sourcePort: 'out', target: 'd', targetPort: 'in' });
    paramsOf(doc, 'c').k = 'not a number';
    const plan = await engine.plan(doc);
    expect(plan.nodes.n).toEqual({ will: 'fail', reason: 'input "Image" (image, image) is not connected' });
    expect(plan.nodes.d).toEqual({ will: 'fail', reason: 'needs Needs, which cannot run', blockedBy: 'n' });
    expect(plan.nodes.c).toMatchObject({ will: 'fail', reason: expect.stringContaining('params.k') });
    expect(plan.nodes.x).toMatchObject({ will: 'fail', reason: expect.stringContaining('"test.unknown" is not a node type') });
  });

  it('says what a node would refuse from its params and wires, before anything runs', async () => {
    const picky = defineNode({
      type: 'test.picky',
      version: 1,
      title: 'Picky',
      category: 'Utility',
      description: 'Refuses to run without a note.',
      inputs: { note: { type: 'text', label: 'Note', optional: true } },
      outputs: { out: { type: 'text', label: 'Out' } },
      params: { note: param.text({ label: 'Note', default: '' }) },
      refusal: (p, wired) => (p.note === '' && !wired.has('note') ? 'needs a note: type one, or wire text into Note' : undefined),
      async run() {
        return { out: 'ok' };
      },
    });
    const engine = new Engine({ registry: testNodes().add(picky) });
    const doc = mixGraph([], []);
    doc.nodes.push({ id: 'p', type: 'test.picky', version: 1, position: { x: 0, y: 0 }, params: {} });
    expect((await engine.plan(doc)).nodes.p).toEqual({ will: 'fail', reason: 'needs a note: type one, or wire text into Note' });
    doc.nodes[0]!.params.note = 'hello';
    expect((await engine.plan(doc)).nodes.p).toMatchObject({ will: 'run' });
  });

  it('counts the money of the paid nodes that would run, and none for cached ones', async () => {
    const engine = new Engine({ registry: testNodes() });
    const doc = chain();
    doc.nodes.push({ id: 'p', type: 'test.paid', version: 1, position: { x: 0, y: 0 }, params: { seconds: 8 } });
    doc.nodes.push({ id: 'q', type: 'test.paid', version: 1, position: { x: 0, y: 0 }, params: { seconds: 2 } });
    doc.edges.push({ id: 'e9', source: 'a', sourcePort: 'out', target: 'p', targetPort: 'in' });
    const first = await engine.plan(doc);
    expect(first.paid).toEqual(['q', 'p']);
    expect(first.usd).toBeCloseTo(1.0);
    expect(first.nodes.p).toMatchObject({ will: 'run', paid: true, cost: { usd: 0.8, basis: '8 s x $0.10/s' } });
    await engine.run({ document: doc });
    paramsOf(doc, 'a').k = 99;
    const second = await engine.plan(doc);
    expect(second.paid).toEqual(['p']);
    expect(second.usd).toBeCloseTo(0.8);
  });

  it('counts no money for a generation an earlier run sent, which a run resumes or downloads', async () => {
    const journal = new MemoryJournal();
    const engine = new Engine({ registry: testNodes(), services: { journal } });
    const doc = mixGraph([], []);
    for (const [id, seconds] of [['p', 8], ['q', 2], ['r', 4]] as const) doc.nodes.push({ id, type: 'test.paid', version: 1, position: { x: 0, y: 0 }, params: { seconds } });
    const keys = Object.fromEntries(Object.entries((await engine.plan(doc)).nodes).map(([id, v]) => [id, (v as { cacheKey: string }).cacheKey]));
    const sent = (nodeKey: string, status: JournalStatus, assetHash?: string) =>
      journal.put({ id: nodeKey, nodeKey, nodeId: '', provider: 'fal', model: 'm', providerTaskId: 't', status, submittedAt: 0, updatedAt: 0, request: null, ...(assetHash ? { assetHash } : {}) });
    await sent(keys.p!, 'running');
    await sent(keys.q!, 'succeeded', 'abc');
    await sent(keys.r!, 'failed');
    const plan = await engine.plan(doc);
    expect(plan.nodes.p).toMatchObject({ will: 'run', resumes: true, reason: 'resumes the fal generation sent earlier: not paid again' });
    expect(plan.nodes.q).toMatchObject({ will: 'run', resumes: true });
    expect(plan.nodes.r).toMatchObject({ will: 'run', reason: 'no result for these settings yet' });
    expect(plan.paid).toEqual(['r']);
    expect(plan.usd).toBeCloseTo(0.4);
  });
});

/**
 * Random DAGs of mix nodes, as in the engine's properties, some of them paid; no two nodes do
 * identical work (the engine would share it), before or after the edits.
 */
const dagArb = fc
  .integer({ min: 1, max: 16 })
  .chain((size) =>
    fc.record({
      ks: fc.uniqueArray(fc.integer({ min: -1000, max: 1000 }), { minLength: size, maxLength: size }),
      links: dagLinks(size),
      paid: fc.subarray(Array.from({ length: size }, (_, i) => i)),
    }),
  )
  .map(({ ks, links, paid }) => {
    const doc = mixGraph(
      ks.map((k, i) => ({ id: `n${i}`, k })),
      links,
    );
    for (const i of paid) Object.assign(doc.nodes[i]!, { type: 'test.paid', params: { seconds: 1 + (i % 10), tag: `n${i}` } });
    return doc;
  });

describe('the plan on random graphs and edits', () => {
  it('would run exactly what the engine then runs, names the edit, and prices what runs', async () => {
    await fc.assert(
      fc.asyncProperty(dagArb, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 10 })), { maxLength: 3 }), async (doc, edits) => {
        const engine = new Engine({ registry: testNodes() });
        await engine.run({ document: doc });
        for (const [pick, value] of edits) {
          const index = pick % doc.nodes.length;
          const node = doc.nodes[index]!;
          if (node.type === 'test.paid') node.params.seconds = value;
          else node.params.k = 5000 + 20 * index + value;
        }
        const plan = await engine.plan(doc);
        const ran = await engine.run({ document: doc });
        expect(new Set(willRun(plan))).toEqual(new Set(ran.executed));
        for (const id of willRun(plan)) {
          const reason = (plan.nodes[id] as { reason: string }).reason;
          expect(reason === 'K changed' || reason === 'Seconds changed' || reason.startsWith('input "In" changes because')).toBe(true);
        }
        const billed = ran.executed.filter((id) => doc.nodes.find((n) => n.id === id)!.type === 'test.paid');
        const expected = billed.reduce((sum, id) => sum + 0.1 * (doc.nodes.find((n) => n.id === id)!.params.seconds as number), 0);
        expect(plan.usd).toBeCloseTo(expected);
      }),
      { numRuns: 100 },
    );
  });
});
