/** LatestOnly, the queue of a node's preview requests: only the latest counts, one at a time. */
import { describe, expect, it } from 'vitest';
import { LatestOnly } from '../../src/worker/latest-only';

/** A handler whose calls finish when the test says, recording what each one saw. */
function controlled() {
  const calls: { item: number; signal: AbortSignal; finish: () => void }[] = [];
  const handled: { item: number; aborted: boolean }[] = [];
  let called: () => void = () => {};
  const handle = (item: number, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      calls.push({ item, signal, finish: () => (handled.push({ item, aborted: signal.aborted }), resolve()) });
      called();
    });
  const nextCall = () => new Promise<void>((resolve) => (called = resolve));
  return { calls, handled, handle, nextCall };
}

describe('LatestOnly', () => {
  it('handles one at a time, and of those pushed meanwhile only the latest', async () => {
    const h = controlled();
    const queue = new LatestOnly(h.handle);
    queue.push(1);
    expect(queue.busy).toBe(true);
    queue.push(2);
    queue.push(3);
    expect(h.calls.map((c) => c.item)).toEqual([1]);
    const second = h.nextCall();
    h.calls[0]!.finish();
    await second;
    expect(h.calls.map((c) => c.item)).toEqual([1, 3]);
    h.calls[1]!.finish();
    await Promise.resolve();
    expect(h.handled).toEqual([
      { item: 1, aborted: true },
      { item: 3, aborted: false },
    ]);
  });

  it('aborts the one in flight when a newer one arrives, so its result is dropped', () => {
    const h = controlled();
    const queue = new LatestOnly(h.handle);
    queue.push(1);
    expect(h.calls[0]!.signal.aborted).toBe(false);
    queue.push(2);
    expect(h.calls[0]!.signal.aborted).toBe(true);
  });

  it('after close, aborts what runs and handles nothing more', async () => {
    const h = controlled();
    const queue = new LatestOnly(h.handle);
    queue.push(1);
    queue.push(2);
    queue.close();
    expect(h.calls[0]!.signal.aborted).toBe(true);
    h.calls[0]!.finish();
    await new Promise((resolve) => setTimeout(resolve));
    expect(h.calls.map((c) => c.item)).toEqual([1]);
    expect(queue.busy).toBe(false);
  });

  it('pauses between requests while the gap asks it to (a run is active), and not after the last', async () => {
    const h = controlled();
    const queue = new LatestOnly(h.handle, () => 30);
    queue.push(1);
    queue.push(2);
    const second = h.nextCall();
    const finished = performance.now();
    h.calls[0]!.finish();
    await second;
    expect(performance.now() - finished).toBeGreaterThanOrEqual(25);
    h.calls[1]!.finish();
    await new Promise((resolve) => setTimeout(resolve));
    expect(queue.busy).toBe(false);
  });
});
