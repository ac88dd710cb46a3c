/** The sizes Upscale and Upscale video make, shared by their runs and their previews. */

/** Largest side made: beyond it, buffers outgrow what browsers and GPUs reliably give. */
export const MAX_SIDE = 8192;

const FACTORS = { '2x': 2, '4x': 4 } as const;

export type UpscaleMode = keyof typeof FACTORS | 'target';

/** The output size: a fixed factor, or the largest size that fits inside the target, same aspect. */
export function upscaledSize(width: number, height: number, mode: UpscaleMode, targetWidth: number, targetHeight: number): [number, number] {
  const scale = mode === 'target' ? Math.min(targetWidth / width, targetHeight / height) : FACTORS[mode];
  return [Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale))];
}

/** upscaledSize rounded down to even numbers, as 4:2:0 video codecs need. */
export function upscaledVideoSize(width: number, height: number, mode: UpscaleMode, targetWidth: number, targetHeight: number): [number, number] {
  const [w, h] = upscaledSize(width, height, mode, targetWidth, targetHeight);
  return [Math.max(2, w - (w % 2)), Math.max(2, h - (h % 2))];
}

/** Why a size cannot be made, in the user's terms; undefined when it can. */
export function oversize(width: number, height: number): string | undefined {
  return width > MAX_SIDE || height > MAX_SIDE ? `the result would be ${width}x${height} px, larger than the ${MAX_SIDE} px a side Upscale can make; choose a smaller scale or a target size` : undefined;
}
