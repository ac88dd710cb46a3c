/** The Lanczos pool's failures read as what happened, and a failed pool never leaves work waiting. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LanczosPool } from '../../src/media/resample/lanczos-pool';

/** A worker whose script never loads: the browser fires a bare Event (no message) at it. */
class UnloadableWorker {
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  onmessageerror: ((event: MessageEvent) => void) | null = null;
  postMessage(): void {
    setTimeout(() => this.onerror?.(new Event('error')));
  }
  terminate(): void {}
}

/** A worker whose script throws: the browser fires an ErrorEvent carrying the message. */
class ThrowingWorker extends UnloadableWorker {
  override postMessage(): void {
    setTimeout(() => this.onerror?.(Object.assign(new Event('error'), { message: 'Uncaught RangeError: out of memory' })));
  }
}

const image = { data: new Uint8ClampedArray(4 * 4 * 4), width: 4, height: 4 };

afterEach(() => vi.unstubAllGlobals());

describe('LanczosPool', () => {
  it('says a worker script did not load, naming it, rather than "undefined"', async () => {
    vi.stubGlobal('Worker', UnloadableWorker);
    const pool = new LanczosPool(2);
    await expect(pool.resample(image, 8, 8)).rejects.toThrow('a Lanczos worker failed: its script (lanczos.worker) did not load');
  });

  it('passes on the message of an error thrown in a worker', async () => {
    vi.stubGlobal('Worker', ThrowingWorker);
    await expect(new LanczosPool(1).resample(image, 8, 8)).rejects.toThrow('a Lanczos worker failed: Uncaught RangeError: out of memory');
  });

  it('fails later requests at once once a worker has failed, instead of leaving them waiting', async () => {
    vi.stubGlobal('Worker', UnloadableWorker);
    const pool = new LanczosPool(1);
    await expect(pool.resample(image, 8, 8)).rejects.toThrow(/did not load/);
    await expect(pool.resample(image, 8, 8)).rejects.toThrow(/did not load/);
    pool.close();
  });
});
