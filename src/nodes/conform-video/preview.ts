/**
 * Conform's live preview: the frame in the middle of the clip framed into the new size by
 * mediabunny's VideoSample.transform, which the run's Conversion calls on every frame (same fit,
 * same canvas drawing), at preview size. The frame rate changes nothing in one frame; the caption
 * says it.
 */
import { NodeError, nodePreview } from '../../engine';
import { fitInside } from '../../media/preview/geometry';
import { FITS } from '../../media/video/choices';
import { readSample } from '../../media/video/read-frame';
import { frameSize, type conformVideo } from '.';

export default nodePreview<typeof conformVideo>({
  async load({ video }, signal) {
    const sample = await readSample(video.blob, video.duration / 2, signal);
    return {
      async scene(params, box) {
        const [width, height] = frameSize(video.width, video.height, params.width, params.height);
        const [shownWidth, shownHeight] = fitInside(width, height, box);
        const framed = await sample.transform({ width: shownWidth, height: shownHeight, fit: FITS[params.fit].mode });
        // The framed sample lives on a canvas mediabunny reuses for the next transform: copied out.
        const picture = new OffscreenCanvas(framed.displayWidth, framed.displayHeight);
        const own = picture.getContext('2d');
        if (!own) throw new NodeError('this browser gives no 2D canvas to draw the preview on');
        // Bars are transparent in the framed sample; the run's frames are opaque, black there.
        own.fillStyle = '#000';
        own.fillRect(0, 0, picture.width, picture.height);
        framed.draw(own, 0, 0);
        framed.close();
        const fps = params.fps || video.fps;
        return {
          width: picture.width,
          height: picture.height,
          duration: 0,
          fps: 0,
          still: 0,
          realtime: false,
          label: `${width}x${height}, ${fps} fps, ${FITS[params.fit].label.toLowerCase()}`,
          draw: (context) => context.drawImage(picture, 0, 0),
          destroy: () => {},
        };
      },
      close: () => sample.close(),
    };
  },
});
