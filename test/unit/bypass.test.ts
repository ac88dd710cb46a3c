/**
 * Bypass, as ComfyUI and Blender have it: a bypassed node passes its input on to its output where
 * the types match, and its run is never called, so it is never paid for. The engine and the plan
 * agree on it, on hand-made graphs and on random ones.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bypassRefusal, bypassRoutes, Engine, workflowIdentity, WORKFLOW_FORMAT, WORKFLOW_VERSION, type WorkflowDocument } from '../../src/engine';
import { mixGraph, testNodes } from '../support/nodes';

const registry = testNodes();

/** Relay nodes, each fed on its text input by `parent` (none for a root), some bypassed. */
function relayForest(nodes: readonly { id: string; k: number; parent?: string; bypassed?: boolean }[]): WorkflowDocument {
  return {
    format: WORKFLOW_FORMAT,
    version: WORKFLOW_VERSION,
    id: 'wf',
    name: 'relays',
    nodes: nodes.map((n, i) => ({ id: n.id, type: 'test.relay', version: 1, position: { x: i * 10, y: 0 }, params: { k: n.k }, ...(n.bypassed ? { bypassed: true } : {}) })),
    edges: nodes.flatMap((n, i) => (n.parent ? [{ id: `e${i}`, source: n.parent, sourcePort: 'out', target: n.id, targetPort: 'in' }] : [])),
  };
}

describe('which nodes can be bypassed', () => {
  it('routes each output from the first input that can feed it', () => {
    expect(bypassRoutes(registry.get('test.relay')!)).toEqual({ out: 'in' });
    expect(bypassRefusal(registry.get('test.relay')!)).toBeUndefined();
  });

  it('refuses a node with no input that carries what it puts out, saying why', () => {
    expect(bypassRefusal(registry.get('test.mix')!)).toBe('no input of Mix carries what it puts out (text)');
    expect(bypassRefusal(registry.get('test.number')!)).toBe('Number has no input to pass on');
  });
});

describe('a bypassed node in a run', () => {
  it('passes its input on, never calls its run, never pays, and keys downstream as if wired around it', async () => {
    const ran: string[] = [];
    const engine = new Engine({ registry: testNodes({ running: 0, peak: 0, onRun: (id) => void ran.push(id) }) });
    const bypassed = relayForest([{ id: 'a', k: 1 }, { id: 'b', k: 2, parent: 'a', bypassed: true }, { id: 'c', k: 3, parent: 'b' }]);
    const plan = await engine.plan(bypassed);
    expect(plan.nodes.b).toEqual({ will: 'bypass' });
    expect(plan.paid).toEqual(['a', 'c']);
    expect(plan.usd).toBeCloseTo(1);
    const summary = await engine.run({ document: bypassed });
    expect(summary.status).toBe('done');
    expect(summary.executed).toEqual(['a', 'c']);
    expect(ran).toEqual(['a', 'c']);
    expect(summary.nodes.b).toEqual({ state: 'bypassed', outputs: { out: summary.nodes.a!.outputs!.out } });

    const around = new Engine({ registry });
    const wiredAround = await around.run({ document: relayForest([{ id: 'a', k: 1 }, { id: 'c', k: 3, parent: 'a' }]) });
    expect(summary.nodes.c!.cacheKey).toBe(wiredAround.nodes.c!.cacheKey);
  });

  it('takes a bypass off by running the node again only if its result is not in the cache', async () => {
    const engine = new Engine({ registry });
    const on = relayForest([{ id: 'a', k: 1 }, { id: 'b', k: 2, parent: 'a', bypassed: true }]);
    await engine.run({ document: on });
    const off = relayForest([{ id: 'a', k: 1 }, { id: 'b', k: 2, parent: 'a' }]);
    expect((await engine.plan(off)).nodes.b).toMatchObject({ will: 'run', paid: true });
    expect((await engine.run({ document: off })).executed).toEqual(['b']);
    expect((await engine.run({ document: on })).executed).toEqual([]);
  });

  it('fails, in the plan and the run alike, when an output read downstream would get nothing', async () => {
    const engine = new Engine({ registry });
    const doc = relayForest([{ id: 'a', k: 1 }, { id: 'b', k: 2, parent: 'a', bypassed: true }, { id: 'c', k: 3 }]);
    doc.nodes.push({ id: 'm', type: 'test.mix', version: 1, position: { x: 0, y: 0 }, params: {} });
    doc.edges.push({ id: 'len', source: 'b', sourcePort: 'length', target: 'm', targetPort: 'in' });
    const reason = 'bypassed, so nothing comes out of "Length" (no input carries a number)';
    const plan = await engine.plan(doc);
    expect(plan.nodes.b).toEqual({ will: 'fail', reason });
    expect(plan.nodes.m).toMatchObject({ will: 'fail', blockedBy: 'b' });
    const summary = await engine.run({ document: doc });
    expect(summary.nodes.b).toEqual({ state: 'failed', cause: 'own', error: reason });
    expect(summary.nodes.m).toMatchObject({ state: 'failed', cause: 'upstream' });
    expect(summary.executed).toEqual(['a', 'c']);
  });

  it('fails with what to wire when its passing input has no wire', async () => {
    const engine = new Engine({ registry });
    const doc = relayForest([{ id: 'b', k: 2, bypassed: true }, { id: 'c', k: 3, parent: 'b' }]);
    const reason = 'bypassed, but nothing is wired into "In" to pass on to "Out"';
    expect((await engine.plan(doc)).nodes.b).toEqual({ will: 'fail', reason });
    expect((await engine.run({ document: doc })).nodes.b).toMatchObject({ state: 'failed', error: reason });
  });

  it('refuses a bypass saved on a node that cannot be bypassed, running nothing of it', async () => {
    const engine = new Engine({ registry });
    const doc = mixGraph([{ id: 'a', k: 1 }], []);
    doc.nodes[0]!.bypassed = true;
    const reason = 'bypassed, but it cannot be: no input of Mix carries what it puts out (text)';
    expect((await engine.plan(doc)).nodes.a).toEqual({ will: 'fail', reason });
    expect(await engine.run({ document: doc })).toMatchObject({ executed: [], nodes: { a: { state: 'failed', error: reason } } });
  });

  it('is no part of the workflow identity unless set, so saved results keep their keys', () => {
    const plain = relayForest([{ id: 'a', k: 1 }]);
    const off = relayForest([{ id: 'a', k: 1 }]);
    off.nodes[0]!.bypassed = undefined;
    expect(workflowIdentity(off)).toBe(workflowIdentity(plain));
    expect(workflowIdentity(relayForest([{ id: 'a', k: 1, bypassed: true }]))).not.toBe(workflowIdentity(plain));
  });
});

/**
 * Random forests of paid relays, each fed by one earlier node or none; any node with a parent may
 * be bypassed (a root has nothing to pass on). Every node has its own k, so no two do the same work.
 */
const forestArb = fc
  .integer({ min: 1, max: 14 })
  .chain((size) =>
    fc.record({
      ks: fc.uniqueArray(fc.integer({ min: -1000, max: 1000 }), { minLength: size, maxLength: size }),
      parents: fc.tuple(...Array.from({ length: size }, (_, i) => fc.integer({ min: -1, max: i - 1 }))),
      bypassed: fc.array(fc.boolean(), { minLength: size, maxLength: size }),
    }),
  )
  .map(({ ks, parents, bypassed }) => ks.map((k, i) => ({ id: `n${i}`, k, ...(parents[i]! >= 0 ? { parent: `n${parents[i]}`, bypassed: bypassed[i]! } : {}) })));

describe('bypass on random graphs', () => {
  it('never runs or prices a bypassed node, the plan agrees with the run, and results equal the graph wired around them', async () => {
    await fc.assert(
      fc.asyncProperty(forestArb, async (nodes) => {
        const doc = relayForest(nodes);
        const engine = new Engine({ registry });
        const plan = await engine.plan(doc);
        const summary = await engine.run({ document: doc });
        const bypassed = nodes.filter((n) => n.bypassed).map((n) => n.id);
        const kept = nodes.filter((n) => !n.bypassed).map((n) => n.id);

        expect(summary.status).toBe('done');
        for (const id of bypassed) {
          expect(plan.nodes[id]).toEqual({ will: 'bypass' });
          expect(summary.nodes[id]!.state).toBe('bypassed');
        }
        expect(new Set(summary.executed)).toEqual(new Set(kept));
        expect(new Set(plan.paid)).toEqual(new Set(kept));
        expect(plan.usd).toBeCloseTo(0.5 * kept.length);

        // The same graph with each bypassed node taken out and its wires joined around it.
        const byId = new Map(nodes.map((n) => [n.id, n]));
        const feeder = (id: string | undefined): string | undefined => (id && byId.get(id)!.bypassed ? feeder(byId.get(id)!.parent) : id);
        const around = relayForest(nodes.filter((n) => !n.bypassed).map(({ id, k, parent }) => ({ id, k, ...(feeder(parent) ? { parent: feeder(parent)! } : {}) })));
        const reference = await new Engine({ registry }).run({ document: around });
        for (const id of kept) expect(summary.nodes[id]!.cacheKey).toBe(reference.nodes[id]!.cacheKey);

        // Run again: everything kept comes from the cache, and the bypassed still pass through.
        const again = await engine.plan(doc);
        for (const id of kept) expect(again.nodes[id]!.will).toBe('cache');
        expect(again.paid).toEqual([]);
      }),
      { numRuns: 80 },
    );
  });
});
