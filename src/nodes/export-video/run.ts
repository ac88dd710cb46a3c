/** Export's run: the video converted (or copied) with the workflow in its tags, or a GIF by ffmpeg.wasm. */
import { createMedia, nodeRun, type ProgressReporter, type VideoValue, type WorkflowDocument } from '../../engine';
import { encodeGif } from '../../media/ffmpeg/export';
import type { QualityLevel } from '../../media/video/bitrate';
import { convertVideo, type ConvertTarget } from '../../media/video/convert-video';
import type { exportVideo } from '.';

/**
 * The tag names ComfyUI's video loaders look for (MP4 keys are lower case, Matroska tags upper
 * case), so a dropped file opens its workflow there too, and ours reads either.
 */
function workflowTags(format: ConvertTarget, workflow: WorkflowDocument): Record<string, string> {
  return { [format === 'webm-vp9' ? 'WORKFLOW' : 'workflow']: JSON.stringify(workflow) };
}


export default nodeRun<typeof exportVideo>(async ({ inputs, params, progress, signal, workflow }) => {
  const source = inputs.video;
  if (params.format === 'gif') return { video: await exportGif(source, params, signal, progress) };
  progress(0, 'starting');
  const { blob, why, hasAudio } = await convertVideo(source.blob, {
    target: params.format,
    quality: params.quality,
    ...(params.bitrate > 0 ? { bitrate: params.bitrate * 1e6 } : {}),
    ...(params.embedWorkflow ? { tags: workflowTags(params.format, workflow) } : {}),
    signal,
    onProgress: (done) => progress(0.99 * done, `${Math.round(done * 100)}%`),
  });
  progress(1, why ? `encoded (${why})` : 'copied without re-encoding');
  const { width, height, duration, fps } = source;
  return { video: await createMedia('video', blob, { mime: blob.type, width, height, duration, fps, hasAudio }) };
});

const GIF_COLOURS: Record<QualityLevel, number> = { high: 256, medium: 128, low: 64 };

/** An animated GIF by ffmpeg.wasm; GIF has nowhere to keep the workflow, so none is embedded. */
async function exportGif(
  source: VideoValue,
  params: { gifFps: number; gifWidth: number; quality: QualityLevel },
  signal: AbortSignal,
  progress: ProgressReporter,
): Promise<VideoValue> {
  const width = Math.min(params.gifWidth, source.width);
  const height = Math.max(1, Math.round((width * source.height) / source.width));
  const fps = Math.min(params.gifFps, source.fps);
  progress(0, 'loading ffmpeg.wasm');
  const blob = await encodeGif(source.blob, source.duration, {
    fps,
    width,
    height,
    colors: GIF_COLOURS[params.quality],
    signal,
    onProgress: (done) => progress(0.99 * done, `GIF ${Math.round(done * 100)}%`),
  });
  progress(1, `GIF ${width}x${height}, ${fps} fps (no workflow embedded: GIF cannot hold it)`);
  return createMedia('video', blob, { mime: 'image/gif', width, height, duration: source.duration, fps, hasAudio: false });
}
