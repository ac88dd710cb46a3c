/**
 * A depth estimate from the picture alone: no model, nothing downloaded. It is a guess built from
 * three cues that hold for most photographs and paintings of scenes:
 * - height in the frame: the ground comes towards the viewer at the bottom, the sky is far;
 * - detail: the subject is usually in focus and textured, haze and sky are smooth;
 * - colour salience: what stands out from the picture's average colour tends to be the subject.
 * The mix is then blurred heavily. The result is deliberately smooth: it does not follow object
 * outlines, so displacing by it bends surfaces gently instead of cutting objects out, which is
 * what keeps parallax free of tears and of holes to fill. `maxGradient` bounds its steepness, so
 * a renderer can cap how far it displaces before the picture would fold or stretch visibly.
 */
import type { RgbaImage } from '../resample/lanczos';

/** Nearness per cell, 0 (far) .. 1 (near), row-major, on a coarse grid over the whole picture. */
export interface DepthMap {
  readonly data: Float32Array;
  readonly width: number;
  readonly height: number;
  /**
   * The steepest change of nearness per unit of picture width (x) or height (y), whichever is
   * larger: bilinear sampling of the grid never changes faster than this.
   */
  readonly maxGradient: number;
}

/** Cells across the longer side: enough for a smooth field, small enough to cost nothing. */
const GRID = 160;
/** Blur radius, in fractions of the longer side, applied three times (close to a Gaussian). */
const SMOOTHING = 0.035;
/** How much each cue counts; they sum to 1. */
const WEIGHTS = { height: 0.5, detail: 0.3, salience: 0.2 } as const;

/** Estimates nearness over `image`; deterministic, pure arithmetic (runs in Node, pages, workers). */
export function estimateDepth(image: RgbaImage): DepthMap {
  const scale = GRID / Math.max(image.width, image.height);
  const width = Math.max(2, Math.round(image.width * Math.min(1, scale)));
  const height = Math.max(2, Math.round(image.height * Math.min(1, scale)));
  const { luma, rgb } = averageCells(image, width, height);

  const detail = normalise(boxBlur(gradientMagnitude(luma, width, height), width, height, Math.max(1, Math.round(width * 0.03))));
  const salience = normalise(colourDistance(boxBlur3(rgb, width, height, Math.max(1, Math.round(width * 0.02)))));
  const mixed = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const below = y / (height - 1);
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      mixed[i] = WEIGHTS.height * below + WEIGHTS.detail * detail[i]! + WEIGHTS.salience * salience[i]!;
    }
  }
  const radius = Math.max(1, Math.round(Math.max(width, height) * SMOOTHING));
  let smooth: Float32Array = mixed;
  for (let pass = 0; pass < 3; pass++) smooth = boxBlur(smooth, width, height, radius);
  const data = stretch(smooth);
  return { data, width, height, maxGradient: steepest(data, width, height) };
}

/** Nearness at (u, v) in fractions of the picture, bilinear between cell centres, edges held. */
export function sampleDepth(depth: DepthMap, u: number, v: number): number {
  const [x0, fx] = gridCell(u, depth.width);
  const [y0, fy] = gridCell(v, depth.height);
  const i = y0 * depth.width + x0;
  const d = depth.data;
  const top = d[i]! + (d[i + 1]! - d[i]!) * fx;
  const bottom = d[i + depth.width]! + (d[i + depth.width + 1]! - d[i + depth.width]!) * fx;
  return top + (bottom - top) * fy;
}

/**
 * Where v (a fraction of the picture) falls on a grid of `count` cells along one side, between
 * their centres, edges held: the first of the two cells it lies between and the second's weight.
 */
export function gridCell(v: number, count: number): [number, number] {
  const g = clamp(v * count - 0.5, 0, count - 1);
  const first = Math.min(Math.floor(g), count - 2);
  return [first, g - first];
}

/** Area averages of luma (0..1) and of RGB (0..1, three per cell) over a width x height grid. */
function averageCells(image: RgbaImage, width: number, height: number): { luma: Float32Array; rgb: Float32Array } {
  const sums = new Float64Array(width * height * 3);
  const counts = new Uint32Array(width * height);
  const { data } = image;
  for (let y = 0; y < image.height; y++) {
    const cy = Math.min(height - 1, Math.floor((y * height) / image.height));
    for (let x = 0; x < image.width; x++) {
      const cell = cy * width + Math.min(width - 1, Math.floor((x * width) / image.width));
      const p = (y * image.width + x) * 4;
      sums[cell * 3]! += data[p]!;
      sums[cell * 3 + 1]! += data[p + 1]!;
      sums[cell * 3 + 2]! += data[p + 2]!;
      counts[cell]!++;
    }
  }
  const luma = new Float32Array(width * height);
  const rgb = new Float32Array(width * height * 3);
  for (let cell = 0; cell < counts.length; cell++) {
    const n = Math.max(1, counts[cell]!) * 255;
    const [r, g, b] = [sums[cell * 3]! / n, sums[cell * 3 + 1]! / n, sums[cell * 3 + 2]! / n];
    rgb.set([r, g, b], cell * 3);
    luma[cell] = 0.299 * r + 0.587 * g + 0.114 * b;
  }
  return { luma, rgb };
}

function gradientMagnitude(luma: Float32Array, width: number, height: number): Float32Array {
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (dx: number, dy: number) => luma[clamp(y + dy, 0, height - 1) * width + clamp(x + dx, 0, width - 1)]!;
      out[y * width + x] = Math.hypot(at(1, 0) - at(-1, 0), at(0, 1) - at(0, -1));
    }
  }
  return out;
}

/** Distance of each cell's colour from the picture's mean colour. */
function colourDistance(rgb: Float32Array): Float32Array {
  const cells = rgb.length / 3;
  const mean = [0, 0, 0];
  for (let i = 0; i < cells; i++) for (let c = 0; c < 3; c++) mean[c]! += rgb[i * 3 + c]! / cells;
  const out = new Float32Array(cells);
  for (let i = 0; i < cells; i++) out[i] = Math.hypot(rgb[i * 3]! - mean[0]!, rgb[i * 3 + 1]! - mean[1]!, rgb[i * 3 + 2]! - mean[2]!);
  return out;
}

/** Scales to 0..1 by the 95th percentile, so a few extreme cells do not flatten the rest. */
function normalise(values: Float32Array): Float32Array {
  const sorted = Float32Array.from(values).sort();
  const top = sorted[Math.floor((sorted.length - 1) * 0.95)]!;
  return top > 0 ? values.map((v) => Math.min(1, v / top)) : new Float32Array(values.length);
}

/** Stretches to exactly 0..1; a flat field becomes 0.5 everywhere (no depth to show). */
function stretch(values: Float32Array): Float32Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return hi - lo > 1e-6 ? values.map((v) => (v - lo) / (hi - lo)) : values.map(() => 0.5);
}

/** Box blur of a single-channel grid, edges held; separable, running sums. */
function boxBlur(values: Float32Array, width: number, height: number, radius: number): Float32Array {
  const across = new Float32Array(values.length);
  for (let y = 0; y < height; y++) blurLine(values, across, y * width, 1, width, radius);
  const out = new Float32Array(values.length);
  for (let x = 0; x < width; x++) blurLine(across, out, x, width, height, radius);
  return out;
}

/** Box blur of an RGB grid (three interleaved channels). */
function boxBlur3(rgb: Float32Array, width: number, height: number, radius: number): Float32Array {
  const out = new Float32Array(rgb.length);
  for (let c = 0; c < 3; c++) {
    const channel = boxBlur(
      Float32Array.from({ length: width * height }, (_, i) => rgb[i * 3 + c]!),
      width,
      height,
      radius,
    );
    channel.forEach((v, i) => (out[i * 3 + c] = v));
  }
  return out;
}

function blurLine(from: Float32Array, to: Float32Array, start: number, stride: number, length: number, radius: number): void {
  const at = (k: number) => from[start + clamp(k, 0, length - 1) * stride]!;
  let sum = 0;
  for (let k = -radius; k <= radius; k++) sum += at(k);
  for (let k = 0; k < length; k++) {
    to[start + k * stride] = sum / (2 * radius + 1);
    sum += at(k + radius + 1) - at(k - radius);
  }
}

/** Largest change between neighbouring cells, per unit of picture width or height. */
function steepest(data: Float32Array, width: number, height: number): number {
  let most = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (x + 1 < width) most = Math.max(most, Math.abs(data[i + 1]! - data[i]!) * width);
      if (y + 1 < height) most = Math.max(most, Math.abs(data[i + width]! - data[i]!) * height);
    }
  }
  return most;
}

const clamp = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);
