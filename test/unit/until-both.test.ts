import { describe, expect, it, vi } from 'vitest';
import { untilBoth } from '../../src/media/video/encode-video';

const never = new Promise<never>(() => undefined);

describe('untilBoth: two jobs feeding one output', () => {
  it('resolves when both finish', async () => {
    const stop = vi.fn(async () => undefined);
    await expect(untilBoth(Promise.resolve(1), Promise.resolve(2), stop)).resolves.toBeUndefined();
    expect(stop).not.toHaveBeenCalled();
  });

  it('stops the other on the first failure and reports that one, not its echo', async () => {
    let echo!: (error: Error) => void;
    const other = new Promise((_, reject) => (echo = reject));
    const stop = vi.fn(async () => echo(new Error('stopped')));
    await expect(untilBoth(Promise.reject(new Error('aborted')), other, stop)).rejects.toThrow('aborted');
    expect(stop).toHaveBeenCalledTimes(1);
  });

  it('ends once stopped, even when the other job never settles (a closed encoder it waits on)', async () => {
    const stop = vi.fn(async () => undefined);
    await expect(untilBoth(never, Promise.reject(new Error('aborted')), stop)).rejects.toThrow('aborted');
    expect(stop).toHaveBeenCalledTimes(1);
  });

  it('reports the first failure when stopping fails too', async () => {
    await expect(untilBoth(Promise.reject(new Error('first')), never, async () => Promise.reject(new Error('torn down')))).rejects.toThrow('first');
  });
});
