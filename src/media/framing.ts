/**
 * Framing a picture to a target aspect: crop around a focus point, or fit whole inside bars.
 * Pure arithmetic, so it is tested in Node and shared by every node that reframes.
 */

export const ASPECTS = { '16:9': 16 / 9, '9:16': 9 / 16, '1:1': 1, '4:5': 4 / 5 } as const;
export type Aspect = keyof typeof ASPECTS;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Framing {
  /** The part of the source to draw. */
  source: Rect;
  /** Output size. */
  width: number;
  height: number;
  /** Where the source part lands in the output (all of it when cropping). */
  target: Rect;
}

/**
 * `crop` keeps the output's full resolution of the source and cuts the excess, keeping the focus
 * point (0..1 on each axis) as central as the edges allow; `fit` keeps the whole picture and adds
 * bars. Sizes are whole, even numbers, as video encoders want.
 */
export function frame(width: number, height: number, aspect: Aspect | 'original', mode: 'crop' | 'fit', focus: { x: number; y: number }): Framing {
  const whole = { x: 0, y: 0, width, height };
  if (aspect === 'original') {
    const [w, h] = [even(width), even(height)];
    return { source: whole, width: w, height: h, target: { x: 0, y: 0, width: w, height: h } };
  }
  const ratio = ASPECTS[aspect];
  const wider = width / height > ratio;
  if (mode === 'crop') {
    const cropW = wider ? height * ratio : width;
    const cropH = wider ? height : width / ratio;
    const x = clamp(focus.x * width - cropW / 2, 0, width - cropW);
    const y = clamp(focus.y * height - cropH / 2, 0, height - cropH);
    const [w, h] = [even(cropW), even(cropH)];
    return { source: { x, y, width: cropW, height: cropH }, width: w, height: h, target: { x: 0, y: 0, width: w, height: h } };
  }
  const [w, h] = wider ? [even(width), even(width / ratio)] : [even(height * ratio), even(height)];
  const scale = Math.min(w / width, h / height);
  const placed = { width: width * scale, height: height * scale };
  return { source: whole, width: w, height: h, target: { x: (w - placed.width) / 2, y: (h - placed.height) / 2, ...placed } };
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
/** Rounded down, so a picture is never stretched by a pixel to reach an even size. */
const even = (v: number) => Math.max(2, Math.floor(v / 2) * 2);
