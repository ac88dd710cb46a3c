/**
 * The page suite `metrics` and the GPU/CPU agreement test drive in headless Chromium: SSIM of
 * I420 frame pairs on both paths, timed planes in to scores out (GPU upload and readback
 * included), with performance.now(). Frames are made here, outside the timed region.
 */
import type { FrameSsim } from '../../../src/metrics/ssim';
import { ssimFrame } from '../../../src/metrics/ssim';
import { ssimFrameGpu } from '../../../src/metrics/ssim-gpu';
import { gpuDevice } from '../../../src/media/resample/lanczos-gpu';
import { framePair } from './frames';

export type Backend = 'gpu' | 'cpu';

export interface MetricsBench {
  adapter(): Promise<string | null>;
  /** Milliseconds for each of `runs` SSIMs of distinct pairs, after `warmups` discarded ones. */
  time(backend: Backend, width: number, height: number, runs: number, warmups: number): Promise<number[]>;
  /** Both paths' SSIM of pair `seed`. */
  both(width: number, height: number, seed: number): Promise<{ gpu: FrameSsim; cpu: FrameSsim }>;
}

async function ssim(backend: Backend, pair: ReturnType<typeof framePair>): Promise<FrameSsim> {
  if (backend === 'cpu') return ssimFrame(...pair);
  const device = await gpuDevice();
  if (!device) throw new Error('no WebGPU device');
  return ssimFrameGpu(device, ...pair);
}

const bench: MetricsBench = {
  async adapter() {
    const device = await gpuDevice();
    if (!device) return null;
    const info = device.adapterInfo;
    return [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ');
  },

  async time(backend, width, height, runs, warmups) {
    const pairs = Array.from({ length: 3 }, (_, i) => framePair(width, height, i + 1));
    const times: number[] = [];
    for (let i = 0; i < warmups + runs; i++) {
      const started = performance.now();
      await ssim(backend, pairs[i % pairs.length]!);
      if (i >= warmups) times.push(performance.now() - started);
    }
    return times;
  },

  async both(width, height, seed) {
    const pair = framePair(width, height, seed);
    return { gpu: await ssim('gpu', pair), cpu: await ssim('cpu', pair) };
  },
};

(globalThis as unknown as { metricsBench: MetricsBench }).metricsBench = bench;
