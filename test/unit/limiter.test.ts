import { describe, expect, it } from 'vitest';
import { Limiter } from '../../src/engine';

describe('Limiter', () => {
  it('lets a waiter with room pass one whose resource is full', async () => {
    const limiter = new Limiter({ global: 3, resources: { gpu: 1 } });
    const first = await limiter.acquire('gpu');
    const order: string[] = [];
    const gpu = limiter.acquire('gpu').then((release) => (order.push('gpu'), release));
    const cpu = limiter.acquire(undefined).then((release) => (order.push('cpu'), release));
    await cpu;
    expect(order).toEqual(['cpu']);
    first();
    await gpu;
    expect(order).toEqual(['cpu', 'gpu']);
  });

  it('rejects a waiter whose signal aborts and frees nothing it never held', async () => {
    const limiter = new Limiter({ global: 1 });
    const held = await limiter.acquire(undefined);
    const controller = new AbortController();
    const waiting = limiter.acquire(undefined, controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    held();
    held();
    expect(limiter.running).toBe(0);
  });
});
