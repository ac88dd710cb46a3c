import { describe, expect, it } from 'vitest';
import { Engine, MemoryCache, WORKFLOW_FORMAT, type RunEvent, type WorkflowDocument } from '../../src/engine';
import { mixGraph, testNodes, type Probe } from '../support/nodes';

const probe = (): Probe => ({ running: 0, peak: 0 });

describe('Engine', () => {
  it('evaluates sources before the nodes that read them and passes their outputs along', async () => {
    const engine = new Engine({ registry: testNodes() });
    const doc = mixGraph([{ id: 'c', k: 3 }, { id: 'a', k: 1 }, { id: 'b', k: 2 }], [['a', 'b'], ['b', 'c']]);
    const summary = await engine.run({ document: doc });
    expect(summary.status).toBe('done');
    expect(summary.executed).toEqual(['a', 'b', 'c']);
    expect(summary.nodes.c!.outputs!.out).toMatch(/^[0-9a-f]{64}$/);
  });

  it('runs nothing the second time when nothing changed', async () => {
    const engine = new Engine({ registry: testNodes() });
    const doc = mixGraph([{ id: 'a' }, { id: 'b' }], [['a', 'b']]);
    await engine.run({ document: doc });
    const again = await engine.run({ document: doc });
    expect(again.executed).toEqual([]);
    expect(again.counts).toMatchObject({ total: 2, cached: 2, executed: 0 });
  });

  it('re-runs exactly the downstream cone of a changed parameter', async () => {
    const engine = new Engine({ registry: testNodes() });
    const doc = mixGraph([{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'd' }], [['a', 'b'], ['b', 'c'], ['a', 'd']]);
    await engine.run({ document: doc });
    doc.nodes[1]!.params.k = 7;
    expect((await engine.run({ document: doc })).executed.sort()).toEqual(['b', 'c']);
  });

  it('refuses a cyclic graph before running anything, naming the nodes in the cycle', async () => {
    const p = probe();
    const engine = new Engine({ registry: testNodes(p) });
    const doc = mixGraph([{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'free' }], [['a', 'b'], ['b', 'c'], ['c', 'a']]);
    const summary = await engine.run({ document: doc });
    expect(summary.status).toBe('failed');
    expect(summary.executed).toEqual([]);
    expect(summary.error).toMatch(/cycle: Mix \(a\) -> Mix \(b\) -> Mix \(c\) -> Mix \(a\)/);
  });

  it('fails a node whose required input is unconnected, naming the port, and keeps going elsewhere', async () => {
    const engine = new Engine({ registry: testNodes() });
    const doc = mixGraph([{ id: 'ok' }], []);
    doc.nodes.push({ id: 'n', type: 'test.needs', version: 2, position: { x: 0, y: 0 }, params: {} });
    const summary = await engine.run({ document: doc });
    expect(summary.nodes.n).toMatchObject({ state: 'failed', cause: 'input', error: 'input "Image" (image, image) is not connected' });
    expect(summary.nodes.ok!.state).toBe('done');
  });

  it('fails what depends on a failed node and finishes independent branches', async () => {
    const engine = new Engine({ registry: testNodes() });
    const doc = mixGraph(
      [{ id: 'bad', fail: true }, { id: 'after' }, { id: 'other' }, { id: 'other2' }],
      [['bad', 'after'], ['other', 'other2']],
    );
    const summary = await engine.run({ document: doc });
    expect(summary.status).toBe('failed');
    expect(summary.nodes.bad).toMatchObject({ state: 'failed', cause: 'own', error: 'asked to fail (bad)' });
    expect(summary.nodes.after).toMatchObject({ state: 'failed', cause: 'upstream', error: 'needs Mix (bad), which failed' });
    expect(summary.nodes.other2!.state).toBe('done');
  });

  it('keeps an unknown node type as a failed node without touching the rest', async () => {
    const engine = new Engine({ registry: testNodes() });
    const doc = mixGraph([{ id: 'a' }], []);
    doc.nodes.push({ id: 'x', type: 'plugin.unknown', version: 1, position: { x: 0, y: 0 }, params: {} });
    const summary = await engine.run({ document: doc });
    expect(summary.nodes.x).toMatchObject({ state: 'failed', cause: 'missing-type' });
    expect(summary.nodes.a!.state).toBe('done');
  });

  it('fails a node whose saved parameter is out of bounds with the parameter path', async () => {
    const engine = new Engine({ registry: testNodes() });
    const doc: WorkflowDocument = {
      format: WORKFLOW_FORMAT,
      version: 1,
      id: 'w',
      name: 'w',
      nodes: [
        { id: 'img', type: 'test.image', version: 1, position: { x: 0, y: 0 }, params: {} },
        { id: 'n', type: 'test.needs', version: 2, position: { x: 0, y: 0 }, params: { duration: 99 } },
      ],
      edges: [{ id: 'e', source: 'img', sourcePort: 'image', target: 'n', targetPort: 'image' }],
    };
    const summary = await engine.run({ document: doc });
    expect(summary.nodes.n).toMatchObject({ state: 'failed', error: 'params.duration: expected 1..20' });
  });

  it('runs one node with only what it needs', async () => {
    const engine = new Engine({ registry: testNodes() });
    const doc = mixGraph([{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'd' }], [['a', 'b'], ['b', 'c'], ['a', 'd']]);
    const summary = await engine.run({ document: doc, targets: ['b'] });
    expect(summary.executed.sort()).toEqual(['a', 'b']);
  });

  it('reports queued, running and done for each node, then the run', async () => {
    const engine = new Engine({ registry: testNodes() });
    const events: RunEvent[] = [];
    await engine.run({ document: mixGraph([{ id: 'a' }], []), onEvent: (e) => events.push(e) });
    expect(events.map((e) => (e.type === 'node' ? `${e.nodeId}:${e.state}` : e.type))).toEqual([
      'run-started',
      'a:queued',
      'a:running',
      'a:done',
      'run-finished',
    ]);
    await engine.run({ document: mixGraph([{ id: 'a' }], []), onEvent: (e) => events.push(e) });
    expect(events.at(-2)).toMatchObject({ type: 'node', nodeId: 'a', state: 'cached' });
  });

  it('throttles progress reports and clamps them to 0..1', async () => {
    const registry = testNodes({
      running: 0,
      peak: 0,
      onRun: () => {},
    });
    const engine = new Engine({ registry });
    const events: RunEvent[] = [];
    const def = registry.get('test.mix')!;
    const run = def.run!;
    def.run = async (ctx) => {
      for (let i = 0; i <= 1000; i++) ctx.progress(i / 500);
      return run(ctx);
    };
    await engine.run({ document: mixGraph([{ id: 'a' }], []), onEvent: (e) => events.push(e) });
    const fractions = events.flatMap((e) => (e.type === 'node' && e.state === 'running' ? [e.fraction] : []));
    expect(fractions.length).toBeLessThan(10);
    expect(Math.max(...fractions)).toBe(1);
  });

  it('shows the last report the throttle held back, so a last word ("stopping") is never lost', async () => {
    const registry = testNodes({ running: 0, peak: 0, onRun: () => {} });
    const engine = new Engine({ registry });
    const def = registry.get('test.mix')!;
    const run = def.run!;
    let shown!: () => void;
    const stopping = new Promise<void>((resolve) => (shown = resolve));
    def.run = async (ctx) => {
      ctx.progress(0.5, 'generating');
      ctx.progress(0.5, 'stopping');
      await stopping;
      return run(ctx);
    };
    const messages: string[] = [];
    await engine.run({
      document: mixGraph([{ id: 'a' }], []),
      onEvent: (e) => {
        if (e.type !== 'node' || e.state !== 'running' || !e.message) return;
        messages.push(e.message);
        if (e.message === 'stopping') shown();
      },
    });
    expect(messages).toEqual(['generating', 'stopping']);
  });

  it('cancels: running nodes see the abort, the rest are cancelled, nothing half-done is cached', async () => {
    const controller = new AbortController();
    let started!: () => void;
    const inside = new Promise<void>((resolve) => (started = resolve));
    const p: Probe = {
      running: 0,
      peak: 0,
      onRun: (id, signal) =>
        id === 'slow'
          ? new Promise<void>((_, reject) => {
              started();
              signal.addEventListener('abort', () => reject(signal.reason));
            })
          : undefined,
    };
    const cache = new MemoryCache();
    const engine = new Engine({ registry: testNodes(p), cache });
    const doc = mixGraph([{ id: 'fast', k: 1 }, { id: 'slow', k: 2 }, { id: 'after', k: 3 }], [['slow', 'after']]);
    const result = engine.run({ document: doc, signal: controller.signal });
    await inside;
    controller.abort();
    const summary = await result;
    expect(summary.status).toBe('cancelled');
    expect(summary.nodes.slow!.state).toBe('cancelled');
    expect(summary.nodes.after!.state).toBe('cancelled');
    expect(summary.nodes.fast!.state).toBe('done');
    expect([...cache.entries.values()].map((e) => e.outputs.out)).toEqual([summary.nodes.fast!.outputs!.out]);
  });

  it('ends a cancelled run even when a node never stops, leaving it behind and saying so', async () => {
    const controller = new AbortController();
    let started!: () => void;
    const inside = new Promise<void>((resolve) => (started = resolve));
    const p: Probe = { running: 0, peak: 0, onRun: (id) => (id === 'stuck' ? new Promise<void>(() => started()) : undefined) };
    const cache = new MemoryCache();
    const engine = new Engine({ registry: testNodes(p), cache, stopGraceMs: 20 });
    const warnings: string[] = [];
    const doc = mixGraph([{ id: 'stuck', k: 1 }, { id: 'after', k: 2 }], [['stuck', 'after']]);
    const result = engine.run({ document: doc, signal: controller.signal, onEvent: (e) => e.type === 'warning' && warnings.push(e.message) });
    await inside;
    controller.abort();
    const summary = await result;
    expect(summary.status).toBe('cancelled');
    expect(summary.nodes.stuck!.state).toBe('cancelled');
    expect(summary.nodes.after!.state).toBe('cancelled');
    expect(warnings).toEqual(['Mix did not stop within 0.02 s of the cancel; the run went on without it']);
    expect(cache.entries.size).toBe(0);
  });

  it('in cached-only mode shows earlier results and runs nothing', async () => {
    const engine = new Engine({ registry: testNodes() });
    const doc = mixGraph([{ id: 'a' }, { id: 'b' }, { id: 'c', k: 5 }], [['a', 'b']]);
    const first = await engine.run({ document: doc, targets: ['b'] });
    const restored = await engine.run({ document: doc, cachedOnly: true });
    expect(restored.executed).toEqual([]);
    expect(restored.nodes.b).toMatchObject({ state: 'cached', outputs: first.nodes.b!.outputs });
    expect(restored.nodes.c!.state).toBe('cancelled');
  });

  it('runs identical work requested by two runs at once only once', async () => {
    let calls = 0;
    const engine = new Engine({
      registry: testNodes({ running: 0, peak: 0, onRun: () => new Promise((r) => { calls++; setTimeout(r, 20); }) }),
    });
    const doc = mixGraph([{ id: 'gen', k: 42 }], []);
    const [first, second] = await Promise.all([engine.run({ document: doc }), engine.run({ document: doc })]);
    expect(calls).toBe(1);
    expect(first.nodes.gen!.outputs).toEqual(second.nodes.gen!.outputs);
  });

  it('never runs more nodes on one resource than its limit, nor more than the global limit', async () => {
    const p: Probe = { running: 0, peak: 0, onRun: () => new Promise((r) => setTimeout(r, 5)) };
    const perResource = new Map<string, number>();
    let peakOnProvider = 0;
    const registry = testNodes(p);
    const def = registry.get('test.mix')!;
    const run = def.run!;
    def.run = async (ctx) => {
      const r = String(ctx.params.resource);
      perResource.set(r, (perResource.get(r) ?? 0) + 1);
      peakOnProvider = Math.max(peakOnProvider, perResource.get('provider:fal') ?? 0);
      try {
        return await run(ctx);
      } finally {
        perResource.set(r, perResource.get(r)! - 1);
      }
    };
    const engine = new Engine({ registry, limits: { global: 4, resources: { 'provider:fal': 2 } } });
    const specs = [
      ...Array.from({ length: 10 }, (_, i) => ({ id: `fal${i}`, k: i, resource: 'provider:fal' })),
      ...Array.from({ length: 4 }, (_, i) => ({ id: `cpu${i}`, k: 100 + i })),
    ];
    await engine.run({ document: mixGraph(specs, []) });
    expect(peakOnProvider).toBe(2);
    expect(p.peak).toBe(4);
  });
});

describe('cache keys', () => {
  it('depend on content, not on the order keys were written in', async () => {
    const registry = testNodes();
    const def = registry.get('test.mix')!;
    const { cacheKeyOf } = await import('../../src/engine');
    const a = cacheKeyOf(def, { k: 1, fail: false, resource: '' }, { in: ['x'] });
    const b = cacheKeyOf(def, { resource: '', fail: false, k: 1 }, { in: ['x'] });
    expect(a).toBe(b);
    expect(cacheKeyOf(def, { k: 2, fail: false, resource: '' }, { in: ['x'] })).not.toBe(a);
    expect(cacheKeyOf(def, { k: 1, fail: false, resource: '' }, { in: ['y'] })).not.toBe(a);
  });
});

describe('nodes whose result depends on the workflow itself', () => {
  it('redo their work when the graph changes, but not when a node is only moved', async () => {
    const registry = testNodes();
    const mix = registry.get('test.mix')!;
    mix.readsWorkflow = () => true;
    const engine = new Engine({ registry });
    const doc = mixGraph([{ id: 'a' }, { id: 'b', k: 1 }], []);
    await engine.run({ document: doc });
    const moved = { ...doc, nodes: doc.nodes.map((n) => ({ ...n, position: { x: n.position.x + 50, y: 9 } })) };
    expect((await engine.run({ document: moved })).executed).toEqual([]);
    expect((await engine.run({ document: { ...moved, name: 'renamed' } })).executed.sort()).toEqual(['a', 'b']);
  });
});
