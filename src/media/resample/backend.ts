/**
 * Which Lanczos implementation runs: WebGPU when the adapter is hardware, else the CPU path.
 * Both give the same pixels within GPU_CPU_MAX_DIFF (see lanczos-gpu.ts).
 */
import { NodeError } from '../../engine';
import { resampleLanczos, type ResampleOptions, type RgbaImage } from './lanczos';
import { isGpuAccelerated, resampleLanczosGpu } from './lanczos-gpu';

export type Backend = 'auto' | 'gpu' | 'cpu';

export interface Resampler {
  /** Where the next frame runs; the GPU can hand over to the CPU once, when it refuses a size. */
  readonly on: 'GPU' | 'CPU';
  resample(image: RgbaImage, width: number, height: number, options: ResampleOptions): Promise<RgbaImage>;
}

/**
 * Picks the backend. Auto takes a hardware GPU and falls back to the CPU when it refuses (too big
 * for its buffers or memory); it skips software adapters (SwiftShader), slower than the CPU path.
 */
export async function chooseResampler(backend: Backend): Promise<Resampler> {
  const cpu: Resampler = { on: 'CPU', resample: async (image, width, height, options) => resampleLanczos(image, width, height, options) };
  if (backend === 'cpu' || (backend === 'auto' && !(await isGpuAccelerated()))) return cpu;
  const gpu: Resampler & { on: 'GPU' | 'CPU' } = {
    on: 'GPU',
    async resample(image, width, height, options) {
      if (gpu.on === 'CPU') return cpu.resample(image, width, height, options);
      try {
        return await resampleLanczosGpu(image, width, height, options);
      } catch (error) {
        if (backend !== 'auto' || !(error instanceof NodeError)) throw error;
        gpu.on = 'CPU';
        return cpu.resample(image, width, height, options);
      }
    },
  };
  return gpu;
}
