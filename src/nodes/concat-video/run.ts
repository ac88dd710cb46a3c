/** Concat's run: the clips joined by mediabunny, cut or crossfaded. */
import { createMedia, NodeError, nodeRun } from '../../engine';
import { concatClips } from '../../media/video/concat';
import { explainMediaError } from '../../media/video/media-error';
import type { concatVideo } from '.';


export default nodeRun<typeof concatVideo>(async ({ inputs, params, progress, signal }) => {
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
});
