/** Conform: a clip at the size and frame rate another part of the edit needs. */
import { defineNode, param, withRun } from '../../engine';
import { FITS, type Fit } from '../../media/video/choices';

const even = (v: number) => Math.max(2, Math.round(v / 2) * 2);

export const conformVideo = defineNode({
  type: 'video.conform',
  version: 1,
  title: 'Conform',
  category: 'Transform',
  description:
    'Re-encodes the video at another size and frame rate: Fit keeps the whole picture with bars, Fill crops to the frame, Stretch distorts. Frames are repeated or dropped to reach the frame rate; the sound is kept.',
  inputs: { video: { type: 'video', label: 'Video' } },
  outputs: { video: { type: 'video', label: 'Video' } },
  params: {
    width: param.number({ label: 'Width', default: 1280, min: 0, max: 3840, step: 2, integer: true, unit: 'px', description: "0 follows Height and the clip's aspect." }),
    height: param.number({ label: 'Height', default: 720, min: 0, max: 2160, step: 2, integer: true, unit: 'px', description: "0 follows Width and the clip's aspect." }),
    fit: param.select({ label: 'Framing', default: 'fit', options: (Object.keys(FITS) as Fit[]).map((value) => ({ value, label: FITS[value].label })) }),
    fps: param.number({ label: 'Frame rate', default: 0, min: 0, max: 120, step: 1, unit: 'fps', description: "0 keeps the clip's frame rate." }),
  },
});

export default withRun(conformVideo, () => import('./run'));

/** Even sizes (4:2:0 video needs them); a 0 side follows the other and the source's aspect. */
export function frameSize(sourceWidth: number, sourceHeight: number, width: number, height: number): [number, number] {
  if (width === 0 && height === 0) return [even(sourceWidth), even(sourceHeight)];
  if (width === 0) return [even((height * sourceWidth) / sourceHeight), even(height)];
  if (height === 0) return [even(width), even((width * sourceHeight) / sourceWidth)];
  return [even(width), even(height)];
}
