/**
 * Upscale's live preview: the centre of the result at 1:1, made by the run's own Lanczos-3 and
 * sharpen (on the GPU or the CPU, as "Run on" picks) from only the source pixels it needs, so a
 * change of Sharpen or Scale shows in a few milliseconds whatever the picture's size. On the CPU
 * it takes one thread: the run's worker pool is left to runs.
 */
import type { PreviewBox, PreviewScene, PreviewSource } from '../../engine';
import { chooseResampler, type Backend } from '../resample/backend';
import type { RgbaImage } from '../resample/lanczos';
import { centreCrop, type CropAxis } from './geometry';

/** The params the preview reads: the rest go to the node's size rule. */
export interface UpscaleSettings {
  sharpen: number;
  backend: Backend;
}

/** The result's size for these params, as the node's run works it out (throwing where it refuses). */
export type SizeRule<P> = (source: RgbaImage, params: P) => [number, number];

/** The preview of `source` (decoded once) upscaled by the node's params. */
export function upscaleSource<P extends UpscaleSettings>(source: RgbaImage, sizeOf: SizeRule<P>): PreviewSource<P> {
  return {
    scene: (params, box, signal) => upscaleScene(source, sizeOf(source, params), params, box, signal),
    close: () => {},
  };
}

/** The centre of `source` upscaled to `size`, at 1:1, inside `box`. */
async function upscaleScene(source: RgbaImage, size: [number, number], settings: UpscaleSettings, box: PreviewBox, signal: AbortSignal): Promise<PreviewScene> {
  const { strip, x, y, on, width, height } = await upscaleStrip(source, size, settings, box);
  signal.throwIfAborted();
  const whole = x.shown === width && y.shown === height;
  return {
    width: x.shown,
    height: y.shown,
    duration: 0,
    fps: 0,
    still: 0,
    realtime: false,
    label: `${on}, ${whole ? `the whole ${width}x${height} result` : `centre of ${width}x${height} at 1:1`}`,
    draw: (context) => context.putImageData(new ImageData(strip.data, strip.width, strip.height), -x.offset, -y.offset, x.offset, y.offset, x.shown, y.shown),
    destroy: () => {},
  };
}

/** What the preview shows: a strip of the result around its centre, and where the view lies in it. */
export interface UpscaleStrip {
  strip: { data: Uint8ClampedArray<ArrayBuffer>; width: number; height: number };
  x: CropAxis;
  y: CropAxis;
  on: 'GPU' | 'CPU';
  /** The whole result's size. */
  width: number;
  height: number;
}

/**
 * Resamples the strip of `source` that the centre of a `width` x `height` result needs, as the
 * run resamples the whole (no canvas: Node runs it too).
 */
export async function upscaleStrip(source: RgbaImage, [width, height]: [number, number], { sharpen, backend }: UpscaleSettings, box: PreviewBox): Promise<UpscaleStrip> {
  const x = centreCrop(source.width, width, box.width);
  const y = centreCrop(source.height, height, box.height);
  const resampler = await chooseResampler(backend, 1);
  try {
    const strip = await resampler.resample(cropPixels(source, x.first, y.first, x.count, y.count), x.resampled, y.resampled, { sharpen });
    return { strip: { ...strip, data: new Uint8ClampedArray(strip.data) }, x, y, on: resampler.on, width, height };
  } finally {
    resampler.close();
  }
}

/** The pixels of a rectangle of `image`, as an image of their own. */
export function cropPixels(image: RgbaImage, left: number, top: number, width: number, height: number): RgbaImage {
  if (left === 0 && top === 0 && width === image.width && height === image.height) return image;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let row = 0; row < height; row++) {
    const from = ((top + row) * image.width + left) * 4;
    data.set(image.data.subarray(from, from + width * 4), row * width * 4);
  }
  return { data, width, height };
}
