/**
 * Properties of the engine on random DAGs: ordering, incremental re-runs, cancellation and
 * failure isolation hold for every graph, not just the ones we thought of.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineNode, downstream, Engine, hashString, MemoryCache, stableStringify, type RunEvent, type WorkflowDocument } from '../../src/engine';
import { dagLinks, mixGraph, testNodes, type Probe, type Spec } from '../support/nodes';

interface Dag {
  specs: Spec[];
  links: [string, string][];
}

/**
 * Nodes n0..n(size-1), each fed by a random subset of earlier nodes, listed in shuffled order.
 * Every node has its own k, so no two nodes do identical work (identical work is shared, which
 * the properties below would otherwise have to allow for).
 */
const dagArb = fc
  .integer({ min: 1, max: 24 })
  .chain((size) =>
    fc.record({
      ks: fc.uniqueArray(fc.integer({ min: -1000, max: 1000 }), { minLength: size, maxLength: size }),
      links: dagLinks(size),
      order: fc.shuffledSubarray(Array.from({ length: size }, (_, i) => i), { minLength: size, maxLength: size }),
    }),
  )
  .map(({ ks, links, order }): Dag => ({
    specs: order.map((i) => ({ id: `n${i}`, k: ks[i]! })),
    links,
  }));

const yieldRandomly = (delays: number[]) => {
  let i = 0;
  return () => new Promise<void>((resolve) => setTimeout(resolve, delays[i++ % delays.length]));
};

describe('engine properties on random DAGs', () => {
  it('starts every node only after all of its sources finished', async () => {
    await fc.assert(
      fc.asyncProperty(dagArb, fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 8 }), async (dag, delays) => {
        const wait = yieldRandomly(delays);
        const engine = new Engine({ registry: testNodes({ running: 0, peak: 0, onRun: wait }), limits: { global: 3 } });
        const log: string[] = [];
        const onEvent = (e: RunEvent) => e.type === 'node' && ((e.state === 'running' && e.fraction === 0) || e.state === 'done') && log.push(`${e.state}:${e.nodeId}`);
        const summary = await engine.run({ document: mixGraph(dag.specs, dag.links), onEvent });
        expect(summary.status).toBe('done');
        for (const [source, target] of dag.links) {
          expect(log.indexOf(`done:${source}`)).toBeLessThan(log.indexOf(`running:${target}`));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('after a change to one parameter, re-runs exactly that node downstream cone', async () => {
    await fc.assert(
      fc.asyncProperty(dagArb, fc.nat(), fc.integer({ min: 1001, max: 2000 }), async (dag, pick, newK) => {
        const engine = new Engine({ registry: testNodes() });
        const doc = mixGraph(dag.specs, dag.links);
        await engine.run({ document: doc });
        expect((await engine.run({ document: doc })).executed).toEqual([]);

        const changed = doc.nodes[pick % doc.nodes.length]!;
        changed.params.k = newK;
        const rerun = await engine.run({ document: doc });
        expect(new Set(rerun.executed)).toEqual(downstream([changed.id], doc.edges));
        expect(rerun.executed.length).toBe(new Set(rerun.executed).size);
      }),
      { numRuns: 100 },
    );
  });

  it('cancelled at any point, leaves only complete, correct cache entries', async () => {
    await fc.assert(
      fc.asyncProperty(dagArb, fc.nat({ max: 60 }), fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 8 }), async (dag, cancelAfter, delays) => {
        const doc = mixGraph(dag.specs, dag.links);
        const reference = new MemoryCache();
        await new Engine({ registry: testNodes(), cache: reference }).run({ document: doc });

        const cache = new MemoryCache();
        const controller = new AbortController();
        let seen = 0;
        const probe: Probe = { running: 0, peak: 0, onRun: yieldRandomly(delays) };
        const engine = new Engine({ registry: testNodes(probe), cache, limits: { global: 2 } });
        const summary = await engine.run({
          document: doc,
          signal: controller.signal,
          onEvent: () => ++seen === cancelAfter && controller.abort(),
        });

        for (const [key, entry] of cache.entries) {
          expect(reference.entries.get(key)?.outputs).toEqual(entry.outputs);
        }
        const executedKeys = new Set(Object.values(summary.nodes).flatMap((n) => (n.state === 'done' ? [n.cacheKey] : [])));
        expect(new Set(cache.entries.keys())).toEqual(executedKeys);
        expect(probe.running).toBe(0);
      }),
      { numRuns: 100 },
    );
  });

  it('a failure fails only its downstream cone; every independent node finishes', async () => {
    await fc.assert(
      fc.asyncProperty(dagArb, fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), async (dag, picks) => {
        const failing = new Set(picks.map((p) => dag.specs[p % dag.specs.length]!.id));
        const specs = dag.specs.map((s) => ({ ...s, fail: failing.has(s.id) }));
        const doc = mixGraph(specs, dag.links);
        const summary = await new Engine({ registry: testNodes() }).run({ document: doc });
        const doomed = downstream(failing, doc.edges);
        for (const node of doc.nodes) {
          expect(summary.nodes[node.id]!.state).toBe(doomed.has(node.id) ? 'failed' : 'done');
        }
      }),
      { numRuns: 100 },
    );
  });

  it('canvas layout is no part of any cache key: moving nodes and panning or zooming re-run nothing, not even a node that embeds the workflow', async () => {
    // Export's kind: its result holds the workflow, so its key covers the graph, but not where nodes sit.
    const embed = defineNode({
      type: 'test.embed',
      version: 1,
      title: 'Embed',
      category: 'Output',
      description: 'Hashes the workflow it runs in.',
      readsWorkflow: () => true,
      inputs: { in: { type: 'list<text>', label: 'In', optional: true } },
      outputs: { out: { type: 'text', label: 'Out' } },
      params: {},
      async run({ inputs, workflow }) {
        return { out: hashString(`${inputs.in.join(',')}|${stableStringify(workflow.edges)}`) };
      },
    });
    const coordinate = fc.double({ min: -1e6, max: 1e6, noNaN: true });
    const layoutArb = fc.record({
      positions: fc.array(fc.record({ x: coordinate, y: coordinate }), { minLength: 25, maxLength: 25 }),
      viewport: fc.record({ x: coordinate, y: coordinate, zoom: fc.double({ min: 0.05, max: 4, noNaN: true }) }),
    });
    await fc.assert(
      fc.asyncProperty(dagArb, fc.nat(), layoutArb, async (dag, pick, layout) => {
        const doc: WorkflowDocument = mixGraph(dag.specs, dag.links);
        const fed = doc.nodes[pick % doc.nodes.length]!.id;
        doc.nodes.push({ id: 'embed', type: 'test.embed', version: 1, position: { x: 0, y: 0 }, params: {} });
        doc.edges.push({ id: 'e-embed', source: fed, sourcePort: 'out', target: 'embed', targetPort: 'in' });
        const registry = testNodes().add(embed);
        const engine = new Engine({ registry });
        const first = await engine.run({ document: doc });
        expect(first.status).toBe('done');

        const moved: WorkflowDocument = { ...doc, viewport: layout.viewport, nodes: doc.nodes.map((n, i) => ({ ...n, position: layout.positions[i]! })) };
        const again = await engine.run({ document: moved });
        expect(again.executed).toEqual([]);
        for (const node of doc.nodes) expect(again.nodes[node.id]).toMatchObject({ state: 'cached', cacheKey: first.nodes[node.id]!.cacheKey });
      }),
      { numRuns: 100 },
    );
  });
});
