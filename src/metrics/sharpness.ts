/**
 * Detail and what passes for it. Sharpness is high-frequency energy: the RMS of the 4-neighbour
 * Laplacian of luma, in 8-bit levels; detail finer than a couple of pixels is what a soft or
 * upscaled clip lacks. Grain is high-frequency energy too, so it is measured apart, as noise that
 * changes from frame to frame; and blocking, as steps on the codec's 8-pixel grid.
 */
import type { Plane } from './frame';

export function sharpness(p: Plane): number {
  if (p.width < 3 || p.height < 3) return 0;
  let sum = 0;
  for (let y = 1; y < p.height - 1; y++) {
    const row = y * p.stride;
    for (let x = 1; x < p.width - 1; x++) {
      const i = row + x;
      const lap = 4 * p.data[i]! - p.data[i - 1]! - p.data[i + 1]! - p.data[i - p.stride]! - p.data[i + p.stride]!;
      sum += lap * lap;
    }
  }
  return Math.sqrt(sum / ((p.width - 2) * (p.height - 2)));
}

/** |Immerkaer's mask| sums to 16 over 8-bit differences: every response fits this histogram. */
const MASK_RANGE = 16 * 510 + 1;

/**
 * Temporal noise (grain), as the standard deviation in levels of noise that is new in each frame:
 * J. Immerkaer's mask ("Fast noise variance estimation", CVIU 64, 1996: [1 -2 1; -2 4 -2; 1 -2 1],
 * which cancels structure up to second order) applied to the difference of two consecutive
 * frames, `previous` moved by (dx, dy) whole pixels to follow the camera. The median of the
 * responses rather than their mean, so the few edges that motion leaves behind do not count:
 * for Gaussian noise median |N(0, s)| = 0.6745 s, the mask's norm is 6 and a difference of two
 * frames doubles the variance. Every other pixel each way: plenty for a median, and 4x faster.
 */
export function grain(current: Plane, previous: Plane, dx = 0, dy = 0): number {
  // Columns and rows of `current` whose 3x3 neighbourhood exists in both frames.
  const x0 = Math.max(1, 1 + dx);
  const x1 = Math.min(current.width - 1, previous.width - 1 + dx);
  const y0 = Math.max(1, 1 + dy);
  const y1 = Math.min(current.height - 1, previous.height - 1 + dy);
  if (x1 <= x0 || y1 <= y0) return 0;
  const width = x1 - x0 + 2;
  const rows = [new Int16Array(width), new Int16Array(width), new Int16Array(width)] as const;
  // The frames' difference along row y, columns x0 - 1 .. x1, with the mask's [1 -2 1] applied across.
  const across = (y: number, out: Int16Array) => {
    const c = current.data;
    const p = previous.data;
    const rc = y * current.stride + x0 - 1;
    const rp = (y - dy) * previous.stride + x0 - 1 - dx;
    let before = c[rc]! - p[rp]!;
    let here = c[rc + 1]! - p[rp + 1]!;
    for (let x = 1; x + 1 < width; x++) {
      const after = c[rc + x + 1]! - p[rp + x + 1]!;
      out[x] = before - 2 * here + after;
      before = here;
      here = after;
    }
  };
  const histogram = new Uint32Array(MASK_RANGE);
  let n = 0;
  for (let y = y0; y < y1; y += 2) {
    across(y - 1, rows[0]);
    across(y, rows[1]);
    across(y + 1, rows[2]);
    for (let x = 1; x + 1 < width; x += 2) {
      histogram[Math.abs(rows[0][x]! - 2 * rows[1][x]! + rows[2][x]!)]!++;
      n++;
    }
  }
  let seen = 0;
  let median = 0;
  while (median < MASK_RANGE - 1 && (seen += histogram[median]!) < n / 2) median++;
  return median / (0.6745 * 6 * Math.SQRT2);
}

/** Steps larger than this (levels) count as this much: a few strong edges of the picture that
 * happen to lie on the grid must not read as blocking. */
const STEP_CAP = 16;
/** The codec's block size: MPEG-2, JPEG and H.264's transform grid all land on it. */
const BLOCK = 8;
/** |a - b| capped at STEP_CAP, looked up at a - b + 255. */
const CAPPED = Uint8Array.from({ length: 511 }, (_, i) => Math.min(STEP_CAP, Math.abs(i - 255)));

/**
 * Blocking: how much larger the steps between neighbouring pixels are across the codec's 8-pixel
 * block edges than elsewhere, both ways, as a ratio less 1 (the idea of Wu and Yuen's GBIM, IEEE
 * TCSVT 1997, without its visual weighting). 0 for a picture with no grid in it; 0.5 when the
 * steps on the grid are half as large again as inside the blocks. Steps across columns are read
 * on every other row; steps across rows on the edge rows and two inner rows of each block.
 */
export function blocking(p: Plane): number {
  const d = p.data;
  let edge = 0;
  let edges = 0;
  let inner = 0;
  let inners = 0;
  for (let y = 0; y < p.height; y += 2) {
    const row = y * p.stride;
    let sum = 0;
    for (let x = 0; x + 1 < p.width; x++) sum += CAPPED[d[row + x + 1]! - d[row + x]! + 255]!;
    // The steps from x to x + 1 where x + 1 is a multiple of 8 cross an edge.
    let across = 0;
    let count = 0;
    for (let x = BLOCK - 1; x + 1 < p.width; x += BLOCK) (across += CAPPED[d[row + x + 1]! - d[row + x]! + 255]!), count++;
    (edge += across), (edges += count);
    (inner += sum - across), (inners += p.width - 1 - count);
  }
  for (let y = 0; y + 1 < p.height; y++) {
    const at = y % BLOCK;
    if (at !== BLOCK - 1 && at !== 1 && at !== 5) continue;
    const row = y * p.stride;
    let sum = 0;
    for (let x = 0; x < p.width; x++) sum += CAPPED[d[row + p.stride + x]! - d[row + x]! + 255]!;
    if (at === BLOCK - 1) (edge += sum), (edges += p.width);
    else (inner += sum), (inners += p.width);
  }
  if (edges === 0 || inners === 0 || inner === 0) return 0;
  return Math.max(0, edge / edges / (inner / inners) - 1);
}
