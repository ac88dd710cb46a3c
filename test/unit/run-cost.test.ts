/**
 * Money before a run: the estimate, read off the engine's plan, counts the paid nodes a run would
 * start, not those whose result is in the cache; editing a constrained param conforms the others
 * in one undo step.
 */
import { describe, expect, it } from 'vitest';
import { GraphCommands } from '../../src/editor/commands';
import { DocumentStore } from '../../src/editor/document-store';
import { estimateOf, nodeTitles } from '../../src/editor/run-cost';
import { defineNode, emptyWorkflow, Engine, param } from '../../src/engine';
import { testNodes } from '../support/nodes';

/** A paid node whose model decides its durations, priced per second like a video model. */
const paid = defineNode({
  type: 'test.priced',
  version: 1,
  title: 'Priced',
  category: 'Generate',
  description: 'Costs money per second.',
  inputs: { in: { type: 'list<text>', label: 'In', optional: true } },
  outputs: { out: { type: 'text', label: 'Out' } },
  params: {
    model: param.select({ label: 'Model', default: 'fast', options: [{ value: 'fast', label: 'Fast' }, { value: 'best', label: 'Best' }, { value: 'mystery', label: 'Mystery' }] }),
    seconds: param.select({ label: 'Seconds', default: '5', options: [{ value: '5', label: '5 s' }, { value: '10', label: '10 s' }] }),
    audio: param.boolean({ label: 'Audio', default: false }),
  },
  constrain: (p) => ({ seconds: { options: p.model === 'fast' ? ['5', '10'] : ['10'] }, audio: { hidden: p.model !== 'best' } }),
  cost: (p) => {
    if (p.model === 'mystery') return undefined;
    const perSecond = p.model === 'fast' ? 0.1 : 0.5;
    return { usd: perSecond * Number(p.seconds), basis: `${p.seconds} s x $${perSecond}/s`, ...(p.model === 'best' ? { assumed: true } : {}) };
  },
  async run() {
    return { out: 'video' };
  },
});

function setup() {
  const registry = testNodes().add(paid);
  let clock = 0;
  const documents = new DocumentStore(emptyWorkflow('w', 'test'), () => clock);
  const commands = new GraphCommands(documents, registry);
  const engine = new Engine({ registry });
  const costs = {
    estimate: async (targets?: string[]) => estimateOf(await engine.plan(documents.document, targets), nodeTitles(documents.document, registry)),
    run: () => engine.run({ document: documents.document }),
  };
  return { documents, commands, costs, tick: (ms: number) => (clock += ms) };
}

describe('the run estimate', () => {
  it('sums the paid nodes a run would start, with each one’s basis', async () => {
    const { commands, costs } = setup();
    const a = commands.addNode('test.priced', { x: 0, y: 0 });
    const b = commands.addNode('test.priced', { x: 0, y: 0 }, { seconds: '10' });
    commands.addNode('test.mix', { x: 0, y: 0 });
    const estimate = await costs.estimate();
    expect(estimate.nodes.map((n) => [n.nodeId, n.estimate?.usd, n.estimate?.basis])).toEqual([
      [a, 0.5, '5 s x $0.1/s'],
      [b, 1, '10 s x $0.1/s'],
    ]);
    expect(estimate.usd).toBeCloseTo(1.5);
    expect(estimate.uncertain).toBe(false);
  });

  it('runs of one node count only it and what it needs', async () => {
    const { commands, costs } = setup();
    const up = commands.addNode('test.priced', { x: 0, y: 0 });
    const down = commands.addNode('test.priced', { x: 0, y: 0 });
    const other = commands.addNode('test.priced', { x: 0, y: 0 });
    commands.connect({ source: up, sourcePort: 'out', target: down, targetPort: 'in' });
    expect((await costs.estimate([down])).nodes.map((n) => n.nodeId)).toEqual([up, down]);
    expect((await costs.estimate([other])).nodes.map((n) => n.nodeId)).toEqual([other]);
  });

  it('leaves out a node whose result is in the cache, until it or something upstream changes', async () => {
    const { commands, costs, tick } = setup();
    const up = commands.addNode('test.priced', { x: 0, y: 0 });
    const down = commands.addNode('test.priced', { x: 0, y: 0 });
    commands.connect({ source: up, sourcePort: 'out', target: down, targetPort: 'in' });
    await costs.run();
    expect((await costs.estimate()).nodes).toEqual([]);
    tick(5000);
    commands.setParam(up, 'seconds', '10');
    expect((await costs.estimate()).nodes.map((n) => n.nodeId)).toEqual([up, down]);
    tick(5000);
    commands.setParam(up, 'seconds', '5');
    expect((await costs.estimate()).nodes).toEqual([]);
  });

  it('does not count a node again for a change to a param its model ignores', async () => {
    const { commands, costs } = setup();
    const id = commands.addNode('test.priced', { x: 0, y: 0 });
    await costs.run();
    commands.setParam(id, 'audio', true);
    expect((await costs.estimate()).nodes).toEqual([]);
  });

  it('says when a price is assumed or unknown', async () => {
    const { commands, costs } = setup();
    const best = commands.addNode('test.priced', { x: 0, y: 0 }, { model: 'best' });
    expect((await costs.estimate()).uncertain).toBe(true);
    commands.setParam(best, 'model', 'mystery');
    const estimate = await costs.estimate();
    expect(estimate.nodes[0]!.estimate).toBeUndefined();
    expect(estimate.usd).toBe(0);
    expect(estimate.uncertain).toBe(true);
  });
});

describe('constrained params', () => {
  it('a new node starts within what its model allows', () => {
    const { documents, commands } = setup();
    const id = commands.addNode('test.priced', { x: 0, y: 0 }, { model: 'best' });
    expect(documents.node(id)!.params).toEqual({ model: 'best', seconds: '10', audio: false });
  });

  it('choosing a model conforms the duration in the same undo step', () => {
    const { documents, commands, tick } = setup();
    const id = commands.addNode('test.priced', { x: 0, y: 0 });
    tick(5000);
    expect(documents.node(id)!.params.seconds).toBe('5');
    commands.setParam(id, 'model', 'best');
    expect(documents.node(id)!.params).toMatchObject({ model: 'best', seconds: '10' });
    documents.undo();
    expect(documents.node(id)!.params).toMatchObject({ model: 'fast', seconds: '5' });
    documents.redo();
    expect(documents.node(id)!.params).toMatchObject({ model: 'best', seconds: '10' });
  });

  it('leaves a value the constraint still allows as it is', () => {
    const { documents, commands, tick } = setup();
    const id = commands.addNode('test.priced', { x: 0, y: 0 }, { seconds: '10' });
    tick(5000);
    commands.setParam(id, 'model', 'best');
    commands.setParam(id, 'audio', true);
    tick(5000);
    commands.setParam(id, 'model', 'fast');
    expect(documents.node(id)!.params).toEqual({ model: 'fast', seconds: '10', audio: true });
  });
});
