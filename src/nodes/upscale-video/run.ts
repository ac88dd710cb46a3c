/** Upscale video's run: every frame resampled, the sound copied. */
import { createMedia, NodeError, nodeRun } from '../../engine';
import { chooseResampler } from '../../media/resample/backend';
import { upscaleVideo as upscaleFrames } from '../../media/video/upscale-video';
import { oversize } from '../upscale';
import { upscaledVideoSize, type upscaleVideo } from '.';


export default nodeRun<typeof upscaleVideo>(async ({ inputs, params, progress, signal }) => {
  const source = inputs.video;
  const [width, height] = upscaledVideoSize(source.width, source.height, params);
  const tooBig = oversize(width, height);
  if (tooBig) throw new NodeError(tooBig);
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
