/** Upscale video: every frame through the Upscale node's Lanczos-3 (GPU or CPU), audio copied. */
import { defineNode, withRun } from '../../engine';
import { UPSCALE_PARAMS } from '../upscale';

export const upscaleVideo = defineNode({
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
});

export default withRun(upscaleVideo, () => import('./run'));
