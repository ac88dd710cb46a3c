/**
 * Image files to RGBA pixels and back, in the page or a worker: the browser decodes (any format
 * it knows, EXIF rotation applied, converted to sRGB), and PNG encoding is our own (png.ts), so
 * the bytes written do not depend on the browser's encoder.
 */
import { NodeError } from '../engine';
import type { Rect } from './framing';
import { encodePng } from './png';
import type { RgbaImage } from './resample/lanczos';

const SUPPORTED = 'JPEG, PNG, WebP, AVIF or GIF';

/** Opens an image file (first frame of a GIF), EXIF orientation applied; says why when it cannot. */
export async function openBitmap(blob: Blob, name?: string): Promise<ImageBitmap> {
  try {
    return await createImageBitmap(blob, { colorSpaceConversion: 'default', premultiplyAlpha: 'none', imageOrientation: 'from-image' });
  } catch (error) {
    const what = `${blob.type || 'unknown type'}, ${blob.size} bytes`;
    const reason = blob.size === 0 ? 'the file is empty' : `the browser could not decode it (${error instanceof Error ? error.message : String(error)})`;
    throw new NodeError(`${name ? `"${name}"` : 'the image'} (${what}) is not a readable ${SUPPORTED} image: ${reason}`);
  }
}

/** Decodes an image Blob to straight-alpha sRGB RGBA8; throws a NodeError saying why it could not. */
export async function decodeImage(blob: Blob, name?: string): Promise<RgbaImage> {
  const bitmap = await openBitmap(blob, name);
  try {
    const whole = { x: 0, y: 0, width: bitmap.width, height: bitmap.height };
    return drawPixels(bitmap, whole, bitmap.width, bitmap.height, whole);
  } finally {
    bitmap.close(); // decoded bitmaps hold native memory until closed, not until collected
  }
}

/**
 * Draws the `source` part of `bitmap` into `target` of a new `width` x `height` image (black
 * where nothing is drawn) and returns its pixels.
 */
export function drawPixels(bitmap: ImageBitmap, source: Rect, width: number, height: number, target: Rect): RgbaImage {
  const context = new OffscreenCanvas(width, height).getContext('2d', { colorSpace: 'srgb', willReadFrequently: true });
  if (!context) throw new NodeError('this browser gives no 2D canvas to read image pixels from');
  context.fillStyle = '#000';
  context.fillRect(0, 0, width, height);
  context.imageSmoothingQuality = 'high';
  context.drawImage(bitmap, source.x, source.y, source.width, source.height, target.x, target.y, target.width, target.height);
  const { data } = context.getImageData(0, 0, width, height, { colorSpace: 'srgb' });
  return { data, width, height };
}

/** Encodes RGBA8 pixels as a PNG Blob. */
export function encodeImagePng(image: RgbaImage): Promise<Blob> {
  return encodePng(image.data, image.width, image.height);
}
