/** Video input's run: the clip read as is, or converted to H.264 by ffmpeg.wasm when this browser cannot decode it. */
import { createMedia, NodeError, nodeRun, readAsset } from '../../engine';
import { transcodeToH264 } from '../../media/ffmpeg/transcode';
import { CUT_SHORT, inspectVideo, type VideoInspection } from '../../media/video/probe-video';
import type { videoInput } from '.';


export default nodeRun<typeof videoInput>(async ({ params, assets, progress, signal }) => {
  const ref = params.file;
  if (!ref) throw new NodeError('no file chosen: pick a video file');
  const blob = await readAsset(assets, ref);
  progress(0, 'reading');
  const probe = await inspectVideo(blob);
  signal.throwIfAborted();
  if (probe && !probe.complete) throw new NodeError(`"${ref.name}" cannot be used: ${CUT_SHORT}; pick the complete file`);
  if (probe?.decodable) {
    progress(1, `${probe.codec ?? 'video'} ${probe.width}x${probe.height}, read as is`);
    return { video: await valueOf(blob, probe) };
  }
  const why = probe ? `this browser cannot decode its ${probe.codec ?? 'codec'}` : 'the browser cannot read this file';
  progress(0, `${why}: converting to H.264 with ffmpeg.wasm (slow)`);
  const converted = await transcodeToH264(blob, {
    ...(probe ? { duration: probe.duration } : {}),
    signal,
    onProgress: (done) => progress(0.98 * done, `${why}: converting to H.264 with ffmpeg.wasm, ${Math.round(done * 100)}%`),
  }).catch((error: unknown) => {
    signal.throwIfAborted();
    if (error instanceof NodeError) throw new NodeError(`"${ref.name}" is not a video this app can read (${error.message})`);
    throw error;
  });
  const result = await inspectVideo(converted);
  if (!result?.decodable) throw new NodeError(`"${ref.name}" was converted to H.264, but this browser cannot decode even that`);
  progress(1, `${why}: converted to H.264 with ffmpeg.wasm`);
  return { video: await valueOf(converted, result) };
});

function valueOf(blob: Blob, probe: VideoInspection) {
  const { mime, width, height, duration, fps, hasAudio } = probe;
  return createMedia('video', blob, { mime, width, height, duration, fps, hasAudio });
}
