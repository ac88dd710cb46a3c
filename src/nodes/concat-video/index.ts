/** Concat: clips one after another, cut straight or crossfaded, at the first clip's size and frame rate. */
import { defineNode, param, withRun } from '../../engine';
import { FITS, type Fit } from '../../media/video/choices';

export const concatVideo = defineNode({
  type: 'video.concat',
  version: 2,
  title: 'Concat',
  category: 'Transform',
  description:
    "Plays the connected clips one after another, in the order of their wires, as one new video at the first clip's size and frame rate (others are fitted, filled or stretched to it). A crossfade overlaps each clip with the next, picture and sound.",
  inputs: { clips: { type: 'list<video>', label: 'Clips', description: 'Two or more clips; the first sets size, frame rate and container.' } },
  outputs: { video: { type: 'video', label: 'Video' } },
  params: {
    crossfade: param.number({ label: 'Crossfade', default: 0, min: 0, max: 5, step: 0.1, unit: 's', description: '0 cuts straight from one clip to the next.' }),
    fit: param.select({ label: 'Framing', default: 'fit', description: 'How clips of another aspect go into the frame.', options: (Object.keys(FITS) as Fit[]).map((value) => ({ value, label: FITS[value].label })) }),
  },
});

export default withRun(concatVideo, () => import('./run'));
