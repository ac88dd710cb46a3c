/** What a batch has left to pay, read off the engine's plan of each item. */
import { describe, expect, it } from 'vitest';
import { batchCost } from '../../src/batch/batch';
import type { NodeVerdict, RunPlan } from '../../src/engine';

const price = (usd: number) => ({ usd, basis: `$${usd}` });
const planOf = (nodes: Record<string, NodeVerdict>): RunPlan => ({ nodes, order: Object.keys(nodes), paid: [], usd: 0, uncertain: false });
const title = (id: string) => id.toUpperCase();

describe('the cost of a batch', () => {
  it('pays once for work every photo shares, and per photo for the rest', () => {
    const item = (key: string): RunPlan =>
      planOf({
        shared: { will: 'run', reason: 'new', paid: true, cost: price(2), cacheKey: 'same-for-all' },
        take: { will: 'run', reason: 'new', paid: true, cost: price(0.5), cacheKey: key },
        after: { will: 'run', reason: 'input changes', paid: true, cost: price(0.25) },
      });
    const cost = batchCost([item('k1'), item('k2'), item('k3')], new Set(['shared', 'take', 'after']), title);
    expect(cost.perItem).toEqual([2.75, 0.75, 0.75]);
    expect(cost.usd).toBeCloseTo(4.25);
    expect(cost.lines.map((l) => [l.title, l.usd, l.times])).toEqual([
      ['SHARED', 2, 1],
      ['TAKE', 0.5, 3],
      ['AFTER', 0.25, 3],
    ]);
  });

  it('charges nothing for a take in the cache or a generation already sent, and counts them', () => {
    const plans = [
      planOf({ take: { will: 'cache', cacheKey: 'a', madeAt: 1 } }),
      planOf({ take: { will: 'run', reason: 'resumes', paid: true, cost: price(1), cacheKey: 'b', resumes: true } }),
      planOf({ take: { will: 'run', reason: 'new', paid: true, cost: price(1), cacheKey: 'c' } }),
    ];
    const cost = batchCost(plans, new Set(['take']), title);
    expect(cost.perItem).toEqual([0, 0, 1]);
    expect(cost.settled).toBe(2);
  });

  it('says when a price is unknown or assumed, and counts no money for nodes that cannot run', () => {
    const plans = [planOf({ a: { will: 'run', reason: 'new', paid: true }, b: { will: 'fail', reason: 'no key' }, c: { will: 'run', reason: 'new', paid: true, cost: { ...price(1), assumed: true } } })];
    const cost = batchCost(plans, new Set(['a', 'b', 'c']), title);
    expect(cost).toMatchObject({ usd: 1, uncertain: true });
    expect(cost.lines.find((l) => l.nodeId === 'a')).toMatchObject({ basis: 'no known price', assumed: true });
  });
});
