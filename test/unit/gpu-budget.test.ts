/** The GPU service's memory budget: work shares it first come, first served, and never past it. */
import { describe, expect, it } from 'vitest';
import { GPU_BUDGET_BYTES, reserveGpuMemory } from '../../src/media/gpu';

const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the GPU memory budget', () => {
  it('lets work in at once while it fits, and holds the next until enough is released', async () => {
    const half = GPU_BUDGET_BYTES / 2;
    const first = await reserveGpuMemory(half);
    const second = await reserveGpuMemory(half);
    let third: (() => void) | undefined;
    const waiting = reserveGpuMemory(half).then((release) => (third = release));
    await settled();
    expect(third).toBeUndefined();
    first();
    await waiting;
    expect(third).toBeDefined();
    second();
    third!();
  });

  it('serves waiting work in order: a small request does not overtake a big one', async () => {
    const held = await reserveGpuMemory(GPU_BUDGET_BYTES * 0.75);
    const order: string[] = [];
    const big = reserveGpuMemory(GPU_BUDGET_BYTES * 0.5).then((release) => (order.push('big'), release));
    const small = reserveGpuMemory(1).then((release) => (order.push('small'), release));
    await settled();
    expect(order).toEqual([]);
    held();
    const releases = await Promise.all([big, small]);
    expect(order).toEqual(['big', 'small']);
    for (const release of releases) release();
  });

  it('runs a request bigger than the whole budget alone rather than never', async () => {
    const release = await reserveGpuMemory(GPU_BUDGET_BYTES * 2);
    let next: (() => void) | undefined;
    const after = reserveGpuMemory(1).then((r) => (next = r));
    await settled();
    expect(next).toBeUndefined();
    release();
    release(); // a second release changes nothing
    await after;
    next!();
  });
});
