/**
 * The page suite `upscale` drives in headless Chromium: it times both resampling paths where
 * they really run, pixels in to pixels out (GPU upload and readback included), with
 * performance.now(). Frames are rendered here, outside the timed region.
 */
import { resampleLanczos, type RgbaImage } from '../../../src/media/resample/lanczos';
import { isWebGpuAvailable } from '../../../src/media/gpu';
import { resampleLanczosGpu } from '../../../src/media/resample/lanczos-gpu';
import { LanczosPool } from '../../../src/media/resample/lanczos-pool';
import { poolSize } from '../../../src/media/worker-pool';
import { renderSampleScene } from '../../../src/media/sample-scene';

/** `cpu-workers`: the CPU path split over one worker per core, as the Upscale nodes run it. */
export type Backend = 'gpu' | 'cpu' | 'cpu-workers';

export interface UpscaleBench {
  adapter(): Promise<string | null>;
  /** Milliseconds for each of `runs` upscales of distinct frames, after `warmups` discarded ones. */
  time(backend: Backend, size: Size, runs: number, warmups: number): Promise<number[]>;
  /** Largest and mean per-channel difference between the two paths on one frame, and how many differ. */
  agreement(size: Size, sharpen: number): Promise<{ max: number; mean: number; differing: number }>;
}

export interface Size {
  width: number;
  height: number;
  targetWidth: number;
  targetHeight: number;
}

function frame(size: Size, seed: number): RgbaImage {
  return { data: renderSampleScene(size.width, size.height, seed), width: size.width, height: size.height };
}

let pool: LanczosPool | undefined;

function upscale(backend: Backend, image: RgbaImage, size: Size, sharpen: number): Promise<RgbaImage> {
  if (backend === 'gpu') return resampleLanczosGpu(image, size.targetWidth, size.targetHeight, { sharpen });
  if (backend === 'cpu') return Promise.resolve(resampleLanczos(image, size.targetWidth, size.targetHeight, { sharpen }));
  pool ??= new LanczosPool(poolSize());
  return pool.resample(image, size.targetWidth, size.targetHeight, { sharpen });
}

const bench: UpscaleBench = {
  async adapter() {
    if (!(await isWebGpuAvailable())) return null;
    const info = (await navigator.gpu.requestAdapter())!.info;
    return [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ');
  },

  async time(backend, size, runs, warmups) {
    const frames = Array.from({ length: 3 }, (_, i) => frame(size, i + 1));
    const times: number[] = [];
    for (let i = 0; i < warmups + runs; i++) {
      const started = performance.now();
      await upscale(backend, frames[i % frames.length]!, size, 0);
      if (i >= warmups) times.push(performance.now() - started);
    }
    return times;
  },

  async agreement(size, sharpen) {
    const image = frame(size, 1);
    const [gpu, cpu] = [await upscale('gpu', image, size, sharpen), await upscale('cpu', image, size, sharpen)];
    let max = 0;
    let sum = 0;
    let differing = 0;
    for (let i = 0; i < gpu.data.length; i++) {
      const d = Math.abs(gpu.data[i]! - cpu.data[i]!);
      max = Math.max(max, d);
      sum += d;
      if (d > 0) differing++;
    }
    return { max, mean: sum / gpu.data.length, differing };
  },
};

(globalThis as { upscaleBench?: UpscaleBench }).upscaleBench = bench;
