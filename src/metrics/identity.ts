/**
 * Identity preservation: each frame against a reference picture (the source image, or the take's
 * first frame), after following the camera. A take that zooms or pans is not the source pixel for
 * pixel, so each frame is first aligned to the reference by a zoom and shift, found by a pattern
 * search that starts from the previous frame's alignment (camera moves are smooth). What is left
 * is the picture changing: SSIM of luma for its structure (faces morphing, objects appearing),
 * the mean luma offset for its exposure, and the chroma distance for its colour (a hue or white
 * balance drift that luma alone never sees). The alignments, frame after frame, are the camera's
 * path, which camera.ts reads for the move, its speed and its jerk.
 */
import { rgbaToI420 } from '../media/video/rec709';
import { ANALYSIS_WIDTH, i420, plane, shrink, shrinkBy, type PlanarFrame, type Plane } from './frame';
import { ssimPlane } from './ssim';

/** Frame pixel p maps to reference point c + (p - c) / scale + (x, y), in frame pixels. */
export interface Alignment {
  scale: number;
  x: number;
  y: number;
}

/**
 * Zooms the first frame's search starts from: a take may open already pushed in (a pull-out), and
 * a pattern search from 1 would stop on the way there.
 */
const FIRST_SCALES = [1, 1.15, 1.3, 1.5, 1.75, 2];
const STEPS = { scale: 0.02, shift: 1 };
const MIN_STEPS = { scale: 0.002, shift: 0.125 };
const MAX_ITERATIONS = 60;
/** Gauss-Newton steps after the search, and the largest change each may make. */
const REFINE_ITERATIONS = 4;
const REFINE_LIMIT = { scale: 0.01, shift: 0.5 };

/** A frame as the analyses see it: luma shrunk to ANALYSIS_WIDTH, chroma by the same factor. */
export interface SmallFrame {
  y: Plane;
  /** Cb and Cr, half the luma's size; absent for a luma-only frame. */
  chroma?: readonly [Plane, Plane];
  /** How many full-size pixels one small pixel averages, across. */
  factor: number;
}

/** A frame's planes shrunk for analysis (a copy: the frame's buffers may be reused). */
export function smallFrame(frame: PlanarFrame): SmallFrame {
  const [y, u, v] = frame.planes;
  if (!y) throw new RangeError('a frame needs at least one plane');
  const { plane: small, factor } = shrink(y, ANALYSIS_WIDTH);
  return { y: small, factor, ...(u && v ? { chroma: [shrinkBy(u, factor), shrinkBy(v, factor)] as const } : {}) };
}

export interface Tracked {
  alignment: Alignment;
  /** SSIM of luma against the aligned reference; 1 is the same picture. */
  identity: number;
  /** Mean luma minus the aligned reference's, in 8-bit levels: exposure. */
  tone: number;
  /** Mean Cb and Cr minus the aligned reference's, in levels: a colour cast. */
  cast: readonly [number, number];
  /** Mean distance in the Cb-Cr plane from the aligned reference, in levels: colour identity. */
  colour: number;
}

export interface IdentityTracker {
  /** Identity of the clip's next frame (frames in order), as `smallFrame` made it. */
  next(frame: SmallFrame): Tracked;
}

/**
 * Follows a clip against `reference` (any size with the clip's aspect; a different aspect is
 * stretched to the frame's). Without chroma in the reference, colour reads 0.
 */
export function identityTracker(reference: PlanarFrame): IdentityTracker {
  const [y, u, v] = reference.planes;
  if (!y) throw new RangeError('a reference needs at least one plane');
  // Twice the frames' size, so the sub-pixel shifts and zooms sample real detail.
  const { plane: ref, factor } = shrink(y, ANALYSIS_WIDTH * 2);
  const refChroma = u && v ? ([shrinkBy(u, factor), shrinkBy(v, factor)] as const) : undefined;
  let alignment: Alignment | undefined;
  return {
    next(frame) {
      const small = frame.y;
      const starts = alignment ? [alignment] : FIRST_SCALES.map((scale) => ({ scale, x: 0, y: 0 }));
      const found = starts.map((start) => align(ref, small, start));
      alignment = refine(ref, small, found.reduce((best, a) => (cost(ref, small, a) < cost(ref, small, best) ? a : best)));
      const warped = warp(ref, small.width, small.height, alignment);
      const tracked: Tracked = { alignment, identity: ssimPlane(small, warped), tone: meanDifference(small, warped), cast: [0, 0], colour: 0 };
      if (!frame.chroma || !refChroma) return tracked;
      // Chroma planes are half size: the same alignment, its shift halved.
      const half = { ...alignment, x: alignment.x / 2, y: alignment.y / 2 };
      const [fu, fv] = frame.chroma;
      const [wu, wv] = refChroma.map((p) => warp(p, fu.width, fu.height, half));
      return { ...tracked, cast: [meanDifference(fu, wu!), meanDifference(fv, wv!)], colour: chromaDistance(fu, fv, wu!, wv!) };
    },
  };
}

/**
 * How the camera moved from `previous` to `current` (planes of one size): the alignment taking
 * current's pixels to previous's, refined from `guess`. Two neighbouring frames share their blur,
 * grain and exposure, so this is steadier than comparing each with the reference.
 */
export function frameToFrame(previous: Plane, current: Plane, guess: Alignment): Alignment {
  return refine(previous, current, guess);
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

/**
 * Sub-pixel polish of an alignment by Gauss-Newton least squares (Lucas and Kanade's method) on
 * zoom, shift and a brightness offset. The pattern search stops on its step grid; this lands
 * between grid points, smoothly as the picture moves, so the camera's path is free of the
 * search's quantisation and its second difference reads the camera, not the search. The offset
 * keeps flicker and exposure changes from pulling the fit.
 */
function refine(ref: Plane, frame: Plane, from: Alignment): Alignment {
  let a = from;
  const sx = ref.width / frame.width;
  const sy = ref.height / frame.height;
  const cx = (frame.width - 1) / 2;
  const cy = (frame.height - 1) / 2;
  const columns = new Float64Array(frame.width);
  const d = ref.data;
  // Residuals beyond this count less (Huber's weights), so a subject moving on its own does not
  // drag the camera's fit; none at first, then twice the last mean residual.
  let limit = Infinity;
  for (let iteration = 0; iteration < REFINE_ITERATIONS; iteration++) {
    const map = mapping(ref, frame.width, frame.height, a);
    for (let x = 0; x < frame.width; x++) columns[x] = map.x(x);
    const zoom = 1 / (a.scale * a.scale);
    // Normal equations of the parameters [scale, x, y, offset]: J'J (symmetric, 10 sums) and J'r.
    let ss = 0, so = 0, sx_ = 0, sy_ = 0, xx = 0, xy = 0, xo = 0, yy = 0, yo = 0, oo = 0, rs = 0, rx_ = 0, ry_ = 0, ro = 0;
    let residual = 0;
    let n = 0;
    for (let y = 0; y < frame.height; y++) {
      const ry = map.y(y);
      if (ry < 0 || ry > ref.height - 1) continue;
      const y0 = Math.min(Math.floor(ry), ref.height - 2);
      const fy = ry - y0;
      const row = frame.stride * y;
      for (let x = 0; x < frame.width; x++) {
        const rx = columns[x]!;
        if (rx < 0 || rx > ref.width - 1) continue;
        const x0 = Math.min(Math.floor(rx), ref.width - 2);
        const fx = rx - x0;
        const i = y0 * ref.stride + x0;
        const p00 = d[i]!;
        const p01 = d[i + 1]!;
        const p10 = d[i + ref.stride]!;
        const p11 = d[i + ref.stride + 1]!;
        const value = (p00 * (1 - fx) + p01 * fx) * (1 - fy) + (p10 * (1 - fx) + p11 * fx) * fy;
        const gx = ((p01 - p00) * (1 - fy) + (p11 - p10) * fy) * sx;
        const gy = ((p10 - p00) * (1 - fx) + (p11 - p01) * fx) * sy;
        const js = -(gx * (x - cx) + gy * (y - cy)) * zoom;
        const r = frame.data[row + x]! - value;
        const size = Math.abs(r);
        const w = size <= limit ? 1 : limit / size;
        const wjs = w * js;
        const wgx = w * gx;
        ss += wjs * js, sx_ += wjs * gx, sy_ += wjs * gy, so += wjs;
        xx += wgx * gx, xy += wgx * gy, xo += wgx;
        yy += w * gy * gy, yo += w * gy;
        oo += w;
        rs += wjs * r, rx_ += wgx * r, ry_ += w * gy * r, ro += w * r;
        residual += size;
        n++;
      }
    }
    if (n < 16) return a;
    limit = (2 * residual) / n;
    const step = solve4(Float64Array.of(ss, sx_, sy_, so, sx_, xx, xy, xo, sy_, xy, yy, yo, so, xo, yo, oo), Float64Array.of(rs, rx_, ry_, ro));
    if (!step) return a;
    const clamp = (v: number, limit: number) => Math.max(-limit, Math.min(limit, v));
    a = { scale: a.scale + clamp(step[0]!, REFINE_LIMIT.scale), x: a.x + clamp(step[1]!, REFINE_LIMIT.shift), y: a.y + clamp(step[2]!, REFINE_LIMIT.shift) };
    if (Math.abs(step[0]!) < 1e-5 && Math.abs(step[1]!) < 1e-3 && Math.abs(step[2]!) < 1e-3) break;
  }
  return a;
}

/** Solves the 4x4 system m x = b by Gaussian elimination with partial pivoting; undefined when singular. */
function solve4(m: Float64Array, b: Float64Array): Float64Array | undefined {
  const a = Float64Array.from(m);
  const x = Float64Array.from(b);
  for (let col = 0; col < 4; col++) {
    let pivot = col;
    for (let row = col + 1; row < 4; row++) if (Math.abs(a[row * 4 + col]!) > Math.abs(a[pivot * 4 + col]!)) pivot = row;
    if (Math.abs(a[pivot * 4 + col]!) < 1e-9) return undefined;
    if (pivot !== col) {
      for (let k = 0; k < 4; k++) [a[col * 4 + k], a[pivot * 4 + k]] = [a[pivot * 4 + k]!, a[col * 4 + k]!];
      [x[col], x[pivot]] = [x[pivot]!, x[col]!];
    }
    for (let row = col + 1; row < 4; row++) {
      const f = a[row * 4 + col]! / a[col * 4 + col]!;
      for (let k = col; k < 4; k++) a[row * 4 + k]! -= f * a[col * 4 + k]!;
      x[row]! -= f * x[col]!;
    }
  }
  for (let row = 3; row >= 0; row--) {
    let sum = x[row]!;
    for (let k = row + 1; k < 4; k++) sum -= a[row * 4 + k]! * x[k]!;
    x[row] = sum / a[row * 4 + row]!;
  }
  return x;
}

/** Mean absolute difference between `frame` and the aligned reference, on every other pixel. */
function cost(ref: Plane, frame: Plane, a: Alignment): number {
  const map = mapping(ref, frame.width, frame.height, a);
  const columns: number[] = [];
  for (let x = 0; x < frame.width; x += 2) columns.push(map.x(x));
  let sum = 0;
  let n = 0;
  for (let y = 0; y < frame.height; y += 2) {
    const ry = map.y(y);
    for (let k = 0; k < columns.length; k++, n++) sum += Math.abs(frame.data[y * frame.stride + 2 * k]! - sample(ref, columns[k]!, ry));
  }
  return sum / n;
}

/** The reference resampled onto a width x height frame grid under alignment `a` (bilinear, weights in 1/256ths). */
export function warp(ref: Plane, width: number, height: number, a: Alignment): Plane {
  const map = mapping(ref, width, height, a);
  // Each column's source pixel and weight, worked out once for all rows.
  const left = new Int32Array(width);
  const right = new Int32Array(width);
  const weight = new Int32Array(width);
  for (let x = 0; x < width; x++) {
    const sx = Math.min(Math.max(map.x(x), 0), ref.width - 1);
    left[x] = Math.floor(sx);
    right[x] = Math.min(left[x]! + 1, ref.width - 1);
    weight[x] = Math.round((sx - left[x]!) * 256);
  }
  const d = ref.data;
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(Math.max(map.y(y), 0), ref.height - 1);
    const y0 = Math.floor(sy);
    const fy = Math.round((sy - y0) * 256);
    const top = y0 * ref.stride;
    const bottom = Math.min(y0 + 1, ref.height - 1) * ref.stride;
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const fx = weight[x]!;
      const l = left[x]!;
      const r = right[x]!;
      const upper = d[top + l]! * (256 - fx) + d[top + r]! * fx;
      const lower = d[bottom + l]! * (256 - fx) + d[bottom + r]! * fx;
      out[row + x] = (upper * (256 - fy) + lower * fy + 32768) >> 16;
    }
  }
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

/** Mean of a - b over two planes of one size (b packed). */
function meanDifference(a: Plane, b: Plane): number {
  let sum = 0;
  for (let y = 0; y < a.height; y++) for (let x = 0; x < a.width; x++) sum += a.data[y * a.stride + x]! - b.data[y * b.width + x]!;
  return sum / (a.width * a.height);
}

/** Mean Euclidean distance between two chroma pairs, pixel by pixel (the second pair packed). */
function chromaDistance(u: Plane, v: Plane, ru: Plane, rv: Plane): number {
  let sum = 0;
  for (let y = 0; y < u.height; y++) {
    for (let x = 0; x < u.width; x++) {
      const du = u.data[y * u.stride + x]! - ru.data[y * ru.width + x]!;
      const dv = v.data[y * v.stride + x]! - rv.data[y * rv.width + x]!;
      sum += Math.sqrt(du * du + dv * dv);
    }
  }
  return sum / (u.width * u.height);
}

/** How a video stores colour: the matrix its YUV came from and whether it uses the full 0..255 range. */
export interface LumaEncoding {
  matrix: 'bt601' | 'bt709';
  fullRange: boolean;
}

/**
 * Straight-alpha RGBA pixels as I420, the way the clip's encoder would have made them, so a still
 * held in a video compares equal to its source. Studio range BT.601 unless told otherwise.
 */
export function yuvOfRgba(data: Uint8Array | Uint8ClampedArray, width: number, height: number, encoding: LumaEncoding = { matrix: 'bt601', fullRange: false }): PlanarFrame {
  return i420(rgbaToI420(data, width, height, encoding), width, height);
}
