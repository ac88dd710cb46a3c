/** Decoded frames as sRGB RGBA pixels, drawn onto one reused canvas at a given size. */
import type { VideoSample } from 'mediabunny';
import { NodeError } from '../../engine';

/** Draws decoded frames onto one reused canvas and reads their sRGB RGBA pixels. */
export class FrameReader {
  private readonly context: OffscreenCanvasRenderingContext2D;

  constructor(
    private readonly width: number,
    private readonly height: number,
  ) {
    const context = new OffscreenCanvas(width, height).getContext('2d', { alpha: false, colorSpace: 'srgb', willReadFrequently: true });
    if (!context) throw new NodeError('this browser gives no 2D canvas to read video frames on');
    this.context = context;
  }

  read(sample: VideoSample) {
    sample.draw(this.context, 0, 0, this.width, this.height);
    const { data } = this.context.getImageData(0, 0, this.width, this.height, { colorSpace: 'srgb' });
    return { data, width: this.width, height: this.height };
  }
}
