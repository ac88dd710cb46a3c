/** Decoded frames as sRGB RGBA pixels, in one buffer reused from frame to frame. */
import type { VideoSample } from 'mediabunny';

/**
 * Reads decoded frames as sRGB RGBA: the browser converts each frame straight into a reused
 * buffer (VideoFrame.copyTo, the same pixels as drawing it). A VideoFrame is never drawn on a
 * canvas here: that leaves a decoded copy of every frame in the canvas's image cache, 7.9 MiB
 * per 1080p frame (62 of them, 490 MiB, in a memory-infra dump of a 4K upscale).
 *
 * Frames must come at the reader's size and upright: mediabunny's Conversion turns rotated and
 * non-square-pixel video into such frames before `process` sees them.
 */
export class FrameReader {
  private readonly pixels: Uint8ClampedArray<ArrayBuffer>;

  constructor(
    private readonly width: number,
    private readonly height: number,
  ) {
    this.pixels = new Uint8ClampedArray(width * height * 4);
  }

  /** The frame's pixels; the buffer is overwritten by the next read, so use them before then. */
  async read(sample: VideoSample): Promise<{ data: Uint8ClampedArray<ArrayBuffer>; width: number; height: number }> {
    const { width, height } = this;
    const { visibleRect, rotation, flip } = sample;
    if (visibleRect.width !== width || visibleRect.height !== height || rotation !== 0 || flip) {
      throw new Error(`expected upright ${width}x${height} frames, got ${visibleRect.width}x${visibleRect.height} turned ${rotation} degrees${flip ? ', flipped' : ''}`);
    }
    await sample.copyTo(this.pixels, { format: 'RGBA', colorSpace: 'srgb' });
    return { data: this.pixels, width, height };
  }
}
