/**
 * Depth moves on several threads (ParallaxPool) in Chromium's workers, through a small page built
 * from test/browser/pages/parallax-pool: a run on a machine with more cores than this one's two
 * draws its frames this way, so the pool is held here to the one-thread renderer's bytes.
 */
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MotionSpec } from '../../src/media/motion/parallax';
import type { PoolOutcome } from './pages/parallax-pool/main';
import { openTestPage } from './serve-page';

let page: Page;
let errors: string[];
let close: () => Promise<void>;

beforeAll(async () => {
  ({ page, errors, close } = await openTestPage(fileURLToPath(new URL('./pages/parallax-pool/', import.meta.url)), 'drawOnPool'));
});

afterAll(async () => {
  await close?.();
});

const SPECS: MotionSpec[] = [
  { move: 'orbit-left', intensity: 1, easing: 'linear', parallax: 1, ambient: 'none', seed: 3, duration: 4, handheld: 1 },
  { move: 'push-in', intensity: 0.7, easing: 'ease-in-out', parallax: 1, ambient: 'shimmer', seed: 5, duration: 4 },
  { move: 'pan-left', intensity: 1, easing: 'linear', parallax: 0.5, ambient: 'sway', seed: 9, duration: 4 },
];

const drawOnPool = (threads: number, width: number, height: number) =>
  page.evaluate(({ threads, width, height, specs }) => (globalThis as unknown as { drawOnPool: (...a: unknown[]) => Promise<PoolOutcome> }).drawOnPool(threads, width, height, specs), { threads, width, height, specs: SPECS });

describe('depth moves on a worker pool', () => {
  it('draws every frame with the bytes of one thread, in bands of unequal height, ambient motion included', async () => {
    // 3 threads over 181 rows: bands of 60, 61 and 60; an odd width leaves each band's rows a spare column.
    const { differing } = await drawOnPool(3, 321, 181);
    expect(differing).toEqual(new Array(SPECS.length * 3).fill(0));
  });

  it('fails a frame asked for after close(), naming the pool, rather than waiting for it', async () => {
    const { afterClose } = await drawOnPool(2, 64, 36);
    expect(afterClose).toBe('the depth-move pool was closed');
  });

  it('raised no page errors', () => {
    expect(errors).toEqual([]);
  });
});
