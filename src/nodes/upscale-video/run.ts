/** Upscale video's run: every frame resampled, the sound copied. */
import { createMedia, NodeError, nodeRun } from '../../engine';
import { chooseResampler } from '../../media/resample/backend';
import { upscaleVideo as upscaleFrames } from '../../media/video/upscale-video';
import { MAX_SIDE, upscaledSize } from '../upscale';
import type { upscaleVideo } from '.';


export default nodeRun<typeof upscaleVideo>(async ({ inputs, params, progress, signal }) => {
  const source = inputs.video;
  const [w, h] = upscaledSize(source.width, source.height, params.mode, params.width, params.height);
  const width = Math.max(2, w - (w % 2));
  const height = Math.max(2, h - (h % 2));
  if (width > MAX_SIDE || height > MAX_SIDE) {
    throw new NodeError(`the result would be ${width}x${height} px, larger than the ${MAX_SIDE} px a side Upscale can make; choose a smaller scale or a target size`);
  }
  const resampler = await chooseResampler(params.backend);
  const doing = () => `${width}x${height} on the ${resampler.on}`;
  progress(0, doing());
  const blob = await upscaleFrames(source.blob, {
    width,
    height,
    sharpen: params.sharpen,
    resampler,
    signal,
    onProgress: (done) => progress(0.99 * done, `${doing()}, ${Math.round(done * 100)}%`),
  }).finally(() => resampler.close());
  progress(1, `upscaled to ${doing()}`);
  const { duration, fps, hasAudio } = source;
  return { video: await createMedia('video', blob, { mime: blob.type, width, height, duration, fps, hasAudio }) };
});
