/**
 * Image files to RGBA pixels and back, in the page or a worker: the browser decodes (any format
 * it knows, EXIF rotation applied, converted to sRGB), and PNG encoding is our own (png.ts), so
 * the bytes written do not depend on the browser's encoder.
 */
import { NodeError } from '../engine';
import { encodePng } from './png';
import type { RgbaImage } from './resample/lanczos';

/** Decodes an image Blob to straight-alpha sRGB RGBA8; throws a NodeError saying why it could not. */
export async function decodeImage(blob: Blob): Promise<RgbaImage> {
  const bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'default', premultiplyAlpha: 'none', imageOrientation: 'from-image' }).catch(
    (error: unknown) => {
      const what = `${blob.type || 'a file of unknown type'}, ${blob.size} bytes`;
      throw new NodeError(`could not decode the image (${what}): ${error instanceof Error ? error.message : String(error)}`);
    },
  );
  try {
    const { width, height } = bitmap;
    const context = new OffscreenCanvas(width, height).getContext('2d', { colorSpace: 'srgb', willReadFrequently: true });
    if (!context) throw new NodeError('could not decode the image: this browser gives no 2D canvas to read its pixels from');
    context.drawImage(bitmap, 0, 0);
    const { data } = context.getImageData(0, 0, width, height, { colorSpace: 'srgb' });
    return { data, width, height };
  } finally {
    bitmap.close(); // decoded bitmaps hold native memory until closed, not until collected
  }
}

/** Encodes RGBA8 pixels as a PNG Blob. */
export function encodeImagePng(image: RgbaImage): Promise<Blob> {
  return encodePng(image.data, image.width, image.height);
}
