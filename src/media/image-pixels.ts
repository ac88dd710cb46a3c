/**
 * Image files to RGBA pixels and back, in the page or a worker: the browser decodes (any format
 * it knows, EXIF rotation applied, converted to sRGB), and PNG encoding is our own (png.ts), so
 * the bytes written do not depend on the browser's encoder.
 */
import { imageSize } from 'image-size';
import { NodeError } from '../engine';
import type { Rect } from './framing';
import { encodePng } from './png';
import type { RgbaImage } from './resample/lanczos';

const SUPPORTED = 'JPEG, PNG, WebP, AVIF or GIF';

/**
 * The most pixels an image may have to be opened. Decoding takes 4 bytes a pixel and more in
 * copies (a 16384 x 16384 PNG took 2 GB), so this is read from the header before decoding; a
 * 108-megapixel phone photo fits.
 */
export const MAX_IMAGE_PIXELS = 120_000_000;
/** Where the size is, in any format here: at the very start, or (JPEG) after the EXIF block. */
const HEADER_BYTES = 1024 ** 2;

/** Opens an image file (first frame of a GIF), EXIF orientation applied; says why when it cannot. */
export async function openBitmap(blob: Blob, name?: string): Promise<ImageBitmap> {
  const problem = await imageFileProblem(blob, name);
  if (problem) throw new NodeError(problem);
  try {
    return await createImageBitmap(blob, { colorSpaceConversion: 'default', premultiplyAlpha: 'none', imageOrientation: 'from-image' });
  } catch (error) {
    throw new NodeError(unreadable(blob, name, `the browser could not decode it (${error instanceof Error ? error.message : String(error)})`));
  }
}

/**
 * Why an image file would be refused before decoding (empty, a header that cannot be read, too
 * many pixels), read from its header alone; undefined when it may be opened. The CLI asks it of
 * every photo before a run.
 */
export async function imageFileProblem(blob: Blob, name?: string): Promise<string | undefined> {
  if (blob.size === 0) return unreadable(blob, name, 'the file is empty');
  const size = await headerSize(blob);
  if (!size) return unreadable(blob, name, 'its header, which says how big it is, cannot be read');
  if (size.width * size.height <= MAX_IMAGE_PIXELS) return undefined;
  const megapixels = Math.round((size.width * size.height) / 1e6);
  return `${name ? `"${name}"` : 'the image'} is ${size.width} x ${size.height} pixels (${megapixels} megapixels): Stillmotion opens images of up to ${MAX_IMAGE_PIXELS / 1e6} megapixels; scale it down first`;
}

function unreadable(blob: Blob, name: string | undefined, reason: string): string {
  return `${name ? `"${name}"` : 'the image'} (${blob.type || 'unknown type'}, ${blob.size} bytes) is not a readable ${SUPPORTED} image: ${reason}`;
}

/** Width and height as the file's header gives them, read without decoding; undefined when it cannot be read. */
async function headerSize(blob: Blob): Promise<{ width: number; height: number } | undefined> {
  for (const bytes of blob.size > HEADER_BYTES ? [HEADER_BYTES, blob.size] : [blob.size]) {
    try {
      const { width, height } = imageSize(new Uint8Array(await blob.slice(0, bytes).arrayBuffer()));
      return { width, height };
    } catch {
      // Not found in the first megabyte (a JPEG with a large EXIF block): the whole file, once.
    }
  }
  return undefined;
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
