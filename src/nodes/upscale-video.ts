/** Upscale video: every frame through the Upscale node's Lanczos-3 (GPU or CPU), audio copied. */
import { createMedia, defineNode, NodeError } from '../engine';
import { chooseResampler } from '../media/resample/backend';
import { upscaleVideo } from '../media/video/upscale-video';
import { oversize, upscaledVideoSize } from '../media/resample/upscale-size';
import { UPSCALE_PARAMS } from './upscale';

export default defineNode({
  type: 'video.upscale',
  version: 2,
  title: 'Upscale video',
  category: 'Transform',
  description:
    'Enlarges every frame of a video with Lanczos-3 resampling and an optional light sharpen, as Upscale does for images; the sound is copied. Sizes are rounded down to even numbers, as video codecs need.',
  inputs: { video: { type: 'video', label: 'Video' } },
  outputs: { video: { type: 'video', label: 'Video' } },
  params: UPSCALE_PARAMS,
  resource: (params) => (params.backend === 'cpu' ? undefined : 'gpu'),
  preview: () => import('../media/preview/upscale-video'),
  async run({ inputs, params, progress, signal }) {
    const source = inputs.video;
    const [width, height] = upscaledVideoSize(source.width, source.height, params.mode, params.width, params.height);
    const tooBig = oversize(width, height);
    if (tooBig) throw new NodeError(tooBig);
    const resampler = await chooseResampler(params.backend);
    const doing = () => `${width}x${height} on the ${resampler.on}`;
    progress(0, doing());
    const blob = await upscaleVideo(source.blob, {
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
  },
});
