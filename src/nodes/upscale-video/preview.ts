/** Upscale video's live preview: Upscale's, on the frame in the middle of the clip. */
import { NodeError, nodePreview } from '../../engine';
import { upscaleSource } from '../../media/preview/upscale';
import { readFrame } from '../../media/video/read-frame';
import { oversize } from '../upscale';
import { upscaledVideoSize, type upscaleVideo } from '.';

export default nodePreview<typeof upscaleVideo>({
  load: async ({ video }, signal) =>
    upscaleSource(await readFrame(video.blob, video.duration / 2, signal), (source, params) => {
      const [width, height] = upscaledVideoSize(source.width, source.height, params);
      const tooBig = oversize(width, height);
      if (tooBig) throw new NodeError(tooBig);
      return [width, height];
    }),
});
