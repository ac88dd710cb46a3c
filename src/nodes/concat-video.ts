/** Concat: clips one after another, cut straight or crossfaded, at the first clip's size and frame rate. */
import { createMedia, defineNode, NodeError, param } from '../engine';
import { concatClips } from '../media/video/concat';
import { FITS, type Fit } from '../media/video/conform';
import { explainMediaError } from '../media/video/media-error';

export default defineNode({
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
  async run({ inputs, params, progress, signal }) {
    const clips = inputs.clips;
    const first = clips[0];
    if (!first || clips.length < 2) throw new NodeError(`Concat needs two or more clips; ${clips.length === 1 ? 'one is' : 'none are'} connected`);
    const shortest = Math.min(...clips.map((c) => c.duration));
    if (params.crossfade > 0 && 2 * params.crossfade > shortest + 1e-3) {
      throw new NodeError(`Crossfade (${params.crossfade} s) must be at most half the shortest clip (${shortest.toFixed(2)} s), so each clip plays on its own for a moment`);
    }
    const { width, height, fps } = first;
    progress(0, `${clips.length} clips at ${width}x${height}, ${fps} fps`);
    const { blob, duration, hasAudio } = await concatClips(clips, {
      width,
      height,
      fps,
      fit: params.fit,
      crossfade: params.crossfade,
      container: first.mime === 'video/webm' ? 'webm' : 'mp4',
      signal,
      onProgress: (done) => progress(0.99 * done, `${Math.round(done * 100)}%`),
    }).catch((error: unknown) => {
      throw explainMediaError(error, 'Joining the clips');
    });
    progress(1, `${clips.length} clips, ${duration.toFixed(2)} s${hasAudio ? ', with sound' : ''}`);
    return { video: await createMedia('video', blob, { mime: blob.type, width, height, duration, fps, hasAudio }) };
  },
});
