/** Upscale: Lanczos-3 resampling of an image, on WebGPU when there is one, else on the CPU. */
import { createMedia, defineNode, NodeError, param } from '../engine';
import { decodeImage, encodeImagePng } from '../media/image-pixels';
import { chooseResampler } from '../media/resample/backend';
import { MAX_SIDE, oversize, upscaledSize } from '../media/resample/upscale-size';

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

export default defineNode({
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
  preview: () => import('../media/preview/upscale'),
  async run({ inputs, params, progress, signal }) {
    progress(0.02, 'decoding');
    const source = await decodeImage(inputs.image.blob);
    const [width, height] = upscaledSize(source.width, source.height, params.mode, params.width, params.height);
    const tooBig = oversize(width, height);
    if (tooBig) throw new NodeError(tooBig);
    signal.throwIfAborted();
    const resampler = await chooseResampler(params.backend);
    progress(0.1, `resampling to ${width}x${height} on the ${resampler.on}`);
    const result = await resampler.resample(source, width, height, { sharpen: params.sharpen }).finally(() => resampler.close());
    signal.throwIfAborted();
    progress(0.8, 'encoding PNG');
    const blob = await encodeImagePng(result);
    return { image: await createMedia('image', blob, { mime: 'image/png', width, height }) };
  },
});
