/** Upscale's live preview: the centre of the result at 1:1 (media/preview/upscale.ts). */
import { NodeError, nodePreview } from '../../engine';
import { decodeImage } from '../../media/image-pixels';
import { upscaleSource } from '../../media/preview/upscale';
import { oversize, upscaledSize, type upscale } from '.';

export default nodePreview<typeof upscale>({
  load: async ({ image }) =>
    upscaleSource(await decodeImage(image.blob), (source, params) => {
      const [width, height] = upscaledSize(source.width, source.height, params.mode, params.width, params.height);
      const tooBig = oversize(width, height);
      if (tooBig) throw new NodeError(tooBig);
      return [width, height];
    }),
});
