/** A user's photo made ready for video: decoded, oriented as shot, framed to an aspect, PNG. */
import { createMedia, param, type ImageValue, type ProgressReporter } from '../engine';
import { ASPECTS, frame, type Aspect } from './framing';
import { drawPixels, encodeImagePng, openBitmap } from './image-pixels';

/** Largest side kept: bigger photos are scaled down, as no video model takes more. */
const MAX_SIDE = 4096;

export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/avif', 'image/gif'] as const;

/** The framing parameters every photo input offers. */
export const FRAMING_PARAMS = {
  aspect: param.select({
    label: 'Aspect',
    default: 'original',
    options: [{ value: 'original', label: 'As shot' }, ...(Object.keys(ASPECTS) as Aspect[]).map((value) => ({ value, label: value }))],
  }),
  mode: param.select({
    label: 'Framing',
    default: 'crop',
    options: [
      { value: 'crop', label: 'Crop to fill' },
      { value: 'fit', label: 'Fit with bars' },
    ],
  }),
  focusX: param.number({ label: 'Focus X', default: 0.5, min: 0, max: 1, step: 0.01, description: 'Where to keep the crop centred, from left (0) to right (1).' }),
  focusY: param.number({ label: 'Focus Y', default: 0.5, min: 0, max: 1, step: 0.01, description: 'Where to keep the crop centred, from top (0) to bottom (1).' }),
};

export interface FramingChoice {
  aspect: string;
  mode: string;
  focusX: number;
  focusY: number;
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
    const pixels = drawPixels(bitmap, box.source, width, height, target);
    progress(0.6, 'encoding PNG');
    return await createMedia('image', await encodeImagePng(pixels), { mime: 'image/png', width, height });
  } finally {
    bitmap.close();
  }
}
