/**
 * Which Lanczos implementation runs: WebGPU when the adapter is hardware, else the CPU path,
 * split over one worker per core when there is more than one. All give the same pixels within
 * GPU_CPU_MAX_DIFF (see lanczos-gpu.ts); the CPU paths are identical to each other.
 */
import { NodeError } from '../../engine';
import { resampleLanczos, type ResampleOptions, type RgbaImage } from './lanczos';
import { wantsGpu } from '../gpu';
import { resampleLanczosGpu } from './lanczos-gpu';
import { poolSize } from '../worker-pool';
import { LanczosPool } from './lanczos-pool';

export type Backend = 'auto' | 'gpu' | 'cpu';

export interface Resampler {
  /** Where the next image runs; the GPU hands over to the CPU for good once it refuses a size. */
  readonly on: 'GPU' | 'CPU';
  /** The result, written into `into` when given: a buffer of width * height * 4 bytes reused from image to image. */
  resample(image: RgbaImage, width: number, height: number, options: ResampleOptions, into?: Uint8ClampedArray<ArrayBuffer>): Promise<RgbaImage>;
  /** Ends the CPU worker threads, if any were started. */
  close(): void;
}

/**
 * Picks the backend, with up to `threads` CPU threads. Auto takes a hardware GPU and falls back to the CPU when it refuses (too big
 * for its buffers or memory); it skips software adapters (SwiftShader), slower than the CPU path.
 */
export async function chooseResampler(backend: Backend, threads = poolSize()): Promise<Resampler> {
  const cpu = cpuResampler(threads);
  if (!(await wantsGpu(backend))) return cpu;
  const gpu = {
    on: 'GPU' as 'GPU' | 'CPU',
    async resample(image: RgbaImage, width: number, height: number, options: ResampleOptions, into?: Uint8ClampedArray<ArrayBuffer>): Promise<RgbaImage> {
      if (gpu.on === 'CPU') return cpu.resample(image, width, height, options, into);
      try {
        return await resampleLanczosGpu(image, width, height, options, into);
      } catch (error) {
        if (backend !== 'auto' || !(error instanceof NodeError)) throw error;
        gpu.on = 'CPU';
        return cpu.resample(image, width, height, options, into);
      }
    },
    close: () => cpu.close(),
  };
  return gpu;
}

/** The CPU path; its worker threads start with the first image, not before they are needed. */
function cpuResampler(threads: number): Resampler {
  let pool: LanczosPool | undefined;
  return {
    on: 'CPU',
    async resample(image, width, height, options, into) {
      if (threads < 2) return resampleLanczos(image, width, height, options, into);
      pool ??= new LanczosPool(threads);
      return pool.resample(image, width, height, options, into);
    },
    close() {
      pool?.close();
      pool = undefined;
    },
  };
}
