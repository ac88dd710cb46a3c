/** Upscale's run: decode, resample on the chosen backend, encode PNG. */
import { createMedia, NodeError, nodeRun } from '../../engine';
import { decodeImage, encodeImagePng } from '../../media/image-pixels';
import { chooseResampler } from '../../media/resample/backend';
import { MAX_SIDE, upscaledSize, type upscale } from '.';

export default nodeRun<typeof upscale>(async ({ inputs, params, progress, signal }) => {
  progress(0.02, 'decoding');
  const source = await decodeImage(inputs.image.blob);
  const [width, height] = upscaledSize(source.width, source.height, params.mode, params.width, params.height);
  if (width > MAX_SIDE || height > MAX_SIDE) {
    throw new NodeError(`the result would be ${width}x${height} px, larger than the ${MAX_SIDE} px a side Upscale can make; choose a smaller scale or a target size`);
  }
  signal.throwIfAborted();
  const resampler = await chooseResampler(params.backend);
  progress(0.1, `resampling to ${width}x${height} on the ${resampler.on}`);
  const result = await resampler.resample(source, width, height, { sharpen: params.sharpen }).finally(() => resampler.close());
  signal.throwIfAborted();
  progress(0.8, 'encoding PNG');
  const blob = await encodeImagePng(result);
  return { image: await createMedia('image', blob, { mime: 'image/png', width, height }) };
});
