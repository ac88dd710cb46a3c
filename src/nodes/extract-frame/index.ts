/** Extract frame: one still out of a clip, such as its last frame to start the next clip from. */
import { defineNode, param, withRun } from '../../engine';

export const extractFrame = defineNode({
  type: 'video.frame',
  version: 1,
  title: 'Extract frame',
  category: 'Transform',
  description:
    'Takes one frame out of a video as a PNG at the video’s size. Feed the last frame to the next generation to continue a shot past the ~8 s that video models hold before they drift.',
  inputs: { video: { type: 'video', label: 'Video' } },
  outputs: { image: { type: 'image', label: 'Image' } },
  params: {
    which: param.select({
      label: 'Frame',
      default: 'last',
      options: [
        { value: 'first', label: 'First' },
        { value: 'last', label: 'Last' },
        { value: 'at', label: 'At a time' },
      ],
    }),
    time: param.number({ label: 'Time', default: 0, min: 0, max: 600, step: 0.1, unit: 's', description: 'Used with "At a time": seconds from the start; a time past the end of the clip is an error.' }),
  },
});

export default withRun(extractFrame, () => import('./run'));
