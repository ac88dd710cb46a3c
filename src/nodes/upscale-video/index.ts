/** Upscale video: every frame through the Upscale node's Lanczos-3 (GPU or CPU), audio copied. */
import { defineNode, withPreview, withRun } from '../../engine';
import { UPSCALE_PARAMS, upscaledSize } from '../upscale';

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

export default withRun(withPreview(upscaleVideo, () => import('./preview')), () => import('./run'));

/** Upscale's size rounded down to even numbers, as 4:2:0 video codecs need. */
export function upscaledVideoSize(width: number, height: number, params: { mode: '2x' | '4x' | 'target'; width: number; height: number }): [number, number] {
  const [w, h] = upscaledSize(width, height, params.mode, params.width, params.height);
  return [Math.max(2, w - (w % 2)), Math.max(2, h - (h % 2))];
}
