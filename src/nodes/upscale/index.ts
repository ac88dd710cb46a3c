/** Upscale: Lanczos-3 resampling of an image, on WebGPU when there is one, else on the CPU. */
import { defineNode, param, withRun } from '../../engine';

/** Largest side made: beyond it, buffers outgrow what browsers and GPUs reliably give. */
export const MAX_SIDE = 8192;

const FACTORS = { '2x': 2, '4x': 4 } as const;

type Mode = keyof typeof FACTORS | 'target';

/** The output size: a fixed factor, or the largest size that fits inside the target, same aspect. */
export function upscaledSize(width: number, height: number, mode: Mode, targetWidth: number, targetHeight: number): [number, number] {
  const scale = mode === 'target' ? Math.min(targetWidth / width, targetHeight / height) : FACTORS[mode];
  return [Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale))];
}

/** The size and quality settings Upscale and Upscale video share. */
export const UPSCALE_PARAMS = {
  mode: param.select({
    label: 'Scale',
    default: '2x',
    options: [
      { value: '2x', label: '2x' },
      { value: '4x', label: '4x' },
      { value: 'target', label: 'Fit inside target size' },
    ],
  }),
  width: param.number({ label: 'Target width', default: 3840, min: 16, max: MAX_SIDE, step: 2, integer: true, unit: 'px', description: 'Used when Scale is "Fit inside target size".' }),
  height: param.number({ label: 'Target height', default: 2160, min: 16, max: MAX_SIDE, step: 2, integer: true, unit: 'px', description: 'Used when Scale is "Fit inside target size".' }),
  sharpen: param.number({ label: 'Sharpen', default: 0.2, min: 0, max: 1, step: 0.05, description: 'Unsharp mask after resampling; 0 is off.' }),
  backend: param.select({
    label: 'Run on',
    default: 'auto',
    options: [
      { value: 'auto', label: 'Auto (GPU when it is hardware)' },
      { value: 'gpu', label: 'GPU (WebGPU)' },
      { value: 'cpu', label: 'CPU' },
    ],
  }),
};

export const upscale = defineNode({
  type: 'image.upscale',
  version: 1,
  title: 'Upscale',
  category: 'Transform',
  description: 'Enlarges an image with Lanczos-3 resampling and an optional light sharpen, on the GPU when the browser has a hardware WebGPU adapter.',
  inputs: { image: { type: 'image', label: 'Image' } },
  outputs: { image: { type: 'image', label: 'Image' } },
  params: UPSCALE_PARAMS,
  // Auto holds the GPU slot too: whether it will use the GPU is known only once it asks the
  // adapter, and holding the slot when it does not costs no more than queueing behind GPU nodes.
  resource: (params) => (params.backend === 'cpu' ? undefined : 'gpu'),
});

export default withRun(upscale, () => import('./run'));
