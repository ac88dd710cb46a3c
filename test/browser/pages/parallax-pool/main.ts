/**
 * The page test/browser/parallax-pool.test.ts drives: depth-move frames drawn by ParallaxPool's
 * workers against the same frames on this thread (parallaxCpu). Bytes are compared here, so only
 * small answers cross to the test.
 */
import { estimateDepth } from '../../../../src/media/depth/estimate-depth';
import { depthLimit, framePose, parallaxCpu, type MotionSpec } from '../../../../src/media/motion/parallax';
import { ParallaxPool } from '../../../../src/media/motion/parallax-pool';
import { renderSampleScene } from '../../../../src/media/sample-scene';

export interface PoolOutcome {
  /** Per frame drawn: how many bytes differ from the one-thread frame. */
  differing: number[];
  /** What a frame asked of the pool after close() gave: its error's message. */
  afterClose: string;
}

async function drawOnPool(threads: number, width: number, height: number, specs: MotionSpec[]): Promise<PoolOutcome> {
  const source = { data: renderSampleScene(width + 64, height + 36, 7), width: width + 64, height: height + 36 };
  const depth = estimateDepth(source);
  const pool = new ParallaxPool(source, depth, width, height, threads);
  const single = parallaxCpu(source, depth, width, height);
  const [pooled, alone] = [new Uint8ClampedArray(width * height * 4), new Uint8ClampedArray(width * height * 4)];
  const differing: number[] = [];
  for (const spec of specs) {
    for (const t of [0, 0.4, 1]) {
      const pose = framePose(spec, t, depthLimit(spec, depth.maxGradient));
      await pool.render(pose, pooled);
      single(pose, 0, height, alone);
      differing.push(pooled.reduce((count, value, i) => count + (value === alone[i] ? 0 : 1), 0));
    }
  }
  pool.close();
  const afterClose = await pool.render(framePose(specs[0]!, 0.5, 1), pooled).then(
    () => 'drawn',
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
  return { differing, afterClose };
}

Object.assign(globalThis, { drawOnPool });
