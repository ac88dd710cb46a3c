/** Upscale video's live preview: Upscale's, on the frame in the middle of the clip. */
import type { NodePreview, VideoValue } from '../../engine';
import { upscaledVideoSize } from '../resample/upscale-size';
import { readFrame } from '../video/read-frame';
import { upscaleSource, type UpscaleParams } from './upscale';

const preview: NodePreview<{ video: VideoValue }, UpscaleParams> = {
  load: async ({ video }, signal) => upscaleSource(await readFrame(video.blob, video.duration / 2, signal), upscaledVideoSize),
};
export default preview;
