/**
 * A user's photo made ready for video: decoded with its pixels as stored, oriented as shot,
 * framed to an aspect, transparency filled (saying so) or kept, PNG.
 */
import { createMedia, type ImageValue, type ProgressReporter } from '../engine';
import { frame, type Aspect } from './framing';
import { drawPixels, encodeImagePng, flatten, hasTransparency, openBitmap } from './image-pixels';

/** Largest side kept: bigger photos are scaled down, as no video model takes more. */
const MAX_SIDE = 4096;

const FILLS = { black: [0, 0, 0], white: [255, 255, 255] } as const;

export interface FramingChoice {
  aspect: string;
  mode: string;
  focusX: number;
  focusY: number;
  transparency: string;
}

export async function frameImage(blob: Blob, name: string, framing: FramingChoice, progress: ProgressReporter): Promise<ImageValue> {
  const bitmap = await openBitmap(blob, name);
  try {
    progress(0.3, 'framing');
    const box = frame(bitmap.width, bitmap.height, framing.aspect as Aspect | 'original', framing.mode as 'crop' | 'fit', { x: framing.focusX, y: framing.focusY });
    const scale = Math.min(1, MAX_SIDE / Math.max(box.width, box.height));
    const width = Math.max(2, Math.floor((box.width * scale) / 2) * 2);
    const height = Math.max(2, Math.floor((box.height * scale) / 2) * 2);
    const target = { x: box.target.x * scale, y: box.target.y * scale, width: box.target.width * scale, height: box.target.height * scale };
    const pixels = drawPixels(bitmap, box.source, width, height, target, null);
    const transparent = hasTransparency(pixels, target);
    const fill = framing.transparency === 'white' ? 'white' : framing.transparency === 'keep' ? undefined : 'black';
    if (fill) flatten(pixels, FILLS[fill]);
    progress(0.6, 'encoding PNG');
    const image = await createMedia('image', await encodeImagePng(pixels), { mime: 'image/png', width, height });
    if (transparent) progress(1, fill ? `transparent areas filled with ${fill}` : 'transparency kept: a model that takes none may see black there');
    return image;
  } finally {
    bitmap.close();
  }
}
