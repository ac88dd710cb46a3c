/**
 * Identity preservation: SSIM of each frame against a reference picture (the source image, or
 * the take's first frame), after following the camera. A take that zooms or pans is not the
 * source pixel for pixel, so each frame is first aligned to the reference by a zoom and shift,
 * found by a pattern search that starts from the previous frame's alignment (camera moves are
 * smooth). What is left is the picture changing: faces morphing, objects appearing, drift.
 */
import { ANALYSIS_WIDTH, plane, shrink, type Plane } from './frame';
import { ssimPlane } from './ssim';

/** Frame pixel p maps to reference point c + (p - c) / scale + (x, y), in frame pixels. */
export interface Alignment {
  scale: number;
  x: number;
  y: number;
}

const START: Alignment = { scale: 1, x: 0, y: 0 };
const STEPS = { scale: 0.02, shift: 1 };
const MIN_STEPS = { scale: 0.002, shift: 0.125 };
const MAX_ITERATIONS = 60;

export interface IdentityTracker {
  /**
   * Identity of the clip's next frame (frames in order), given as its luma shrunk to
   * ANALYSIS_WIDTH by `shrink`, and the alignment found.
   */
  next(small: Plane): { identity: number; alignment: Alignment };
}

/**
 * Follows a clip against `reference` (a luma plane of any size with the clip's aspect; a different
 * aspect is stretched to the frame's).
 */
export function identityTracker(reference: Plane): IdentityTracker {
  // Twice the frames' size, so the sub-pixel shifts and zooms sample real detail.
  const ref = shrink(reference, ANALYSIS_WIDTH * 2).plane;
  let alignment = START;
  return {
    next(small) {
      alignment = align(ref, small, alignment);
      return { identity: ssimPlane(small, warp(ref, small.width, small.height, alignment)), alignment };
    },
  };
}

/** Pattern search for the alignment of `frame` to `ref` that leaves the least difference. */
function align(ref: Plane, frame: Plane, from: Alignment): Alignment {
  let best = from;
  let bestCost = cost(ref, frame, best);
  let steps = { ...STEPS };
  for (let i = 0; i < MAX_ITERATIONS && (steps.scale >= MIN_STEPS.scale || steps.shift >= MIN_STEPS.shift); i++) {
    const candidates: Alignment[] = [
      { ...best, scale: best.scale + steps.scale },
      { ...best, scale: Math.max(0.1, best.scale - steps.scale) },
      { ...best, x: best.x + steps.shift },
      { ...best, x: best.x - steps.shift },
      { ...best, y: best.y + steps.shift },
      { ...best, y: best.y - steps.shift },
    ];
    let improved = false;
    for (const candidate of candidates) {
      const c = cost(ref, frame, candidate);
      if (c < bestCost - 1e-6) {
        best = candidate;
        bestCost = c;
        improved = true;
      }
    }
    if (!improved) steps = { scale: steps.scale / 2, shift: steps.shift / 2 };
  }
  return best;
}

/** Mean absolute difference between `frame` and the aligned reference, on every other pixel. */
function cost(ref: Plane, frame: Plane, a: Alignment): number {
  const map = mapping(ref, frame.width, frame.height, a);
  let sum = 0;
  let n = 0;
  for (let y = 0; y < frame.height; y += 2) {
    for (let x = 0; x < frame.width; x += 2) {
      sum += Math.abs(frame.data[y * frame.stride + x]! - sample(ref, map.x(x), map.y(y)));
      n++;
    }
  }
  return sum / n;
}

/** The reference resampled onto a width x height frame grid under alignment `a`. */
export function warp(ref: Plane, width: number, height: number, a: Alignment): Plane {
  const map = mapping(ref, width, height, a);
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out[y * width + x] = Math.round(sample(ref, map.x(x), map.y(y)));
  return plane(out, width, height);
}

function mapping(ref: Plane, width: number, height: number, a: Alignment) {
  const sx = ref.width / width;
  const sy = ref.height / height;
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  return {
    x: (x: number) => (cx + (x - cx) / a.scale + a.x) * sx + (sx - 1) / 2,
    y: (y: number) => (cy + (y - cy) / a.scale + a.y) * sy + (sy - 1) / 2,
  };
}

/** Bilinear sample at (x, y), clamped to the plane's edges. */
function sample(p: Plane, x: number, y: number): number {
  const cx = Math.min(Math.max(x, 0), p.width - 1);
  const cy = Math.min(Math.max(y, 0), p.height - 1);
  const x0 = Math.floor(cx);
  const y0 = Math.floor(cy);
  const x1 = Math.min(x0 + 1, p.width - 1);
  const y1 = Math.min(y0 + 1, p.height - 1);
  const fx = cx - x0;
  const fy = cy - y0;
  const top = p.data[y0 * p.stride + x0]! * (1 - fx) + p.data[y0 * p.stride + x1]! * fx;
  const bottom = p.data[y1 * p.stride + x0]! * (1 - fx) + p.data[y1 * p.stride + x1]! * fx;
  return top * (1 - fy) + bottom * fy;
}

/** How a video stores luma: the matrix its YUV came from and whether it uses the full 0..255 range. */
export interface LumaEncoding {
  matrix: 'bt601' | 'bt709';
  fullRange: boolean;
}

/** Red and blue weights of each matrix (green takes the rest). */
const WEIGHTS = { bt601: [0.299, 0.114], bt709: [0.2126, 0.0722] } as const;

/**
 * Luma of straight-alpha RGBA pixels as the clip's encoder would have made it, so a still held in
 * a video compares equal to its source. Studio range BT.601 unless told otherwise.
 */
export function lumaOfRgba(data: Uint8Array | Uint8ClampedArray, width: number, height: number, encoding: LumaEncoding = { matrix: 'bt601', fullRange: false }): Plane {
  const [kr, kb] = WEIGHTS[encoding.matrix];
  const kg = 1 - kr - kb;
  const [offset, scale] = encoding.fullRange ? [0, 1] : [16, 219 / 255];
  const out = new Uint8Array(width * height);
  for (let i = 0; i < width * height; i++) out[i] = Math.round(offset + scale * (kr * data[i * 4]! + kg * data[i * 4 + 1]! + kb * data[i * 4 + 2]!));
  return plane(out, width, height);
}
