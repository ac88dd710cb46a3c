/**
 * Trim: the part of a clip between two times, in the clip's own container and codec, cut by
 * mediabunny's Conversion. Packets are copied when the cut starts on a keyframe; otherwise the
 * clip is re-encoded, since a copy would have to start at the keyframe before the cut.
 */
import { defineNode, param, withRun } from '../../engine';

export const trimVideo = defineNode({
  type: 'video.trim',
  version: 1,
  title: 'Trim',
  category: 'Transform',
  description:
    'Keeps the part of the video between Start and End, in the same container and codec. A cut on a keyframe is copied without loss; any other cut is re-encoded.',
  inputs: { video: { type: 'video', label: 'Video' } },
  outputs: { video: { type: 'video', label: 'Video' } },
  params: {
    start: param.number({ label: 'Start', default: 0, min: 0, max: 600, step: 0.1, unit: 's' }),
    end: param.number({ label: 'End', default: 0, min: 0, max: 600, step: 0.1, unit: 's', description: '0 keeps everything to the end of the clip.' }),
  },
});

export default withRun(trimVideo, () => import('./run'));
