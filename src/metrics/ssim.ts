/**
 * SSIM exactly as ffmpeg's `ssim` filter computes it, which is x264's: sums over 4x4 blocks,
 * SSIM of each 8x8 window (four blocks) stepping 4 pixels, integer sums and the float formula of
 * x264's ssim_end1, per plane; "All" weights the planes by their sample counts. Checked against
 * native ffmpeg in test/unit/metrics-ffmpeg.test.ts.
 *
 * One known difference, on ffmpeg's side: its x86 SSE4 ssim_end_line, when a plane is 4k+2
 * blocks wide (e.g. 250 or 360 px luma), drops the row's last real window and counts a window
 * past the plane's edge instead (for luma an all-zero one, SSIM 1). x264's C code, ffmpeg's own
 * C fallback and this module count the real window; at such widths ffmpeg reads a little high.
 */
import { sameSize, type PlanarFrame, type Plane } from './frame';

const f = Math.fround;
// x264's constants for 8-bit samples, scaled to sums over 64 samples (8x8 windows).
const C1 = Math.trunc(0.01 * 0.01 * 255 * 255 * 64 + 0.5);
const C2 = Math.trunc(0.03 * 0.03 * 255 * 255 * 64 * 63 + 0.5);

/** SSIM of one 8x8 window from its sums: s1, s2, sum of squares of both, sum of products. */
function windowSsim(s1: number, s2: number, ss: number, s12: number): number {
  const vars = ss * 64 - s1 * s1 - s2 * s2;
  const covar = s12 * 64 - s1 * s2;
  return f(f(f(2 * s1 * s2 + C1) * f(2 * covar + C2)) / f(f(s1 * s1 + s2 * s2 + C1) * f(vars + C2)));
}

/**
 * The four sums of each 4x4 block along block row `by`, into `out` (4 numbers per block). Row by
 * row across the plane rather than block by block: memory is read in order, which is faster.
 */
function blockRow(a: Plane, b: Plane, by: number, blocks: number, out: Int32Array): void {
  const da = a.data;
  const db = b.data;
  out.fill(0);
  for (let y = 0; y < 4; y++) {
    let ia = (by * 4 + y) * a.stride;
    let ib = (by * 4 + y) * b.stride;
    for (let o = 0; o < blocks * 4; o += 4, ia += 4, ib += 4) {
      // Unrolled: four samples of each plane per block row.
      const a0 = da[ia]!, a1 = da[ia + 1]!, a2 = da[ia + 2]!, a3 = da[ia + 3]!;
      const b0 = db[ib]!, b1 = db[ib + 1]!, b2 = db[ib + 2]!, b3 = db[ib + 3]!;
      const s1 = a0 + a1 + a2 + a3;
      const s2 = b0 + b1 + b2 + b3;
      const ss = a0 * a0 + a1 * a1 + a2 * a2 + a3 * a3 + b0 * b0 + b1 * b1 + b2 * b2 + b3 * b3;
      const s12 = a0 * b0 + a1 * b1 + a2 * b2 + a3 * b3;
      out[o] = out[o]! + s1;
      out[o + 1] = out[o + 1]! + s2;
      out[o + 2] = out[o + 2]! + ss;
      out[o + 3] = out[o + 3]! + s12;
    }
  }
}

/**
 * Mean SSIM of two planes of the same size, as ffmpeg reports per plane. Planes narrower or
 * shorter than 8 samples hold no whole window: ffmpeg then reports NaN, and so does this.
 */
export function ssimPlane(a: Plane, b: Plane): number {
  sameSize(a, b, 'SSIM');
  const blocksX = a.width >> 2;
  const blocksY = a.height >> 2;
  let previous = new Int32Array(blocksX * 4);
  let current = new Int32Array(blocksX * 4);
  if (blocksY > 0) blockRow(a, b, 0, blocksX, previous);
  let total = 0;
  for (let by = 1; by < blocksY; by++) {
    blockRow(a, b, by, blocksX, current);
    // ffmpeg adds each row's windows in float, then the rows in double.
    let row = 0;
    for (let o = 0; o < (blocksX - 1) * 4; o += 4) {
      const s1 = previous[o]! + previous[o + 4]! + current[o]! + current[o + 4]!;
      const s2 = previous[o + 1]! + previous[o + 5]! + current[o + 1]! + current[o + 5]!;
      const ss = previous[o + 2]! + previous[o + 6]! + current[o + 2]! + current[o + 6]!;
      const s12 = previous[o + 3]! + previous[o + 7]! + current[o + 3]! + current[o + 7]!;
      row = f(row + windowSsim(s1, s2, ss, s12));
    }
    total += row;
    [previous, current] = [current, previous];
  }
  return total / ((blocksY - 1) * (blocksX - 1));
}

export interface FrameSsim {
  /** Per plane, in the frame's order (Y, U, V). */
  planes: number[];
  /** The planes weighted by their sample counts: ffmpeg's "All". */
  all: number;
}

/** SSIM of two frames, per plane and overall, as ffmpeg's `ssim` filter prints for each frame. */
export function ssimFrame(a: PlanarFrame, b: PlanarFrame): FrameSsim {
  if (a.planes.length !== b.planes.length) throw new RangeError(`SSIM: frames have ${a.planes.length} and ${b.planes.length} planes`);
  const planes = a.planes.map((p, i) => ssimPlane(p, b.planes[i]!));
  return { planes, all: weighted(a.planes, planes) };
}

/** Values per plane averaged with weights proportional to each plane's sample count. */
export function weighted(planes: readonly Plane[], values: readonly number[]): number {
  const total = planes.reduce((n, p) => n + p.width * p.height, 0);
  return planes.reduce((sum, p, i) => sum + (values[i]! * p.width * p.height) / total, 0);
}
