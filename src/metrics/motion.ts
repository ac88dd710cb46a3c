/**
 * Motion between consecutive frames by block matching on luma shrunk to ANALYSIS_WIDTH: for
 * each block of the later frame, the shift within +-SEARCH that best matches the earlier frame
 * (least mean absolute difference). From the vectors: how much moves, whether the border (background) stays
 * put while the centre (subject) moves, and the warp error, the difference left after motion
 * compensation, which is what flicker and boiling textures leave behind.
 */
import { sameSize, type Plane } from './frame';

const BLOCK = 8;
const SEARCH = 4;

export interface BlockVector {
  /** Block's top-left corner and its shift, in shrunken-plane pixels. */
  x: number;
  y: number;
  dx: number;
  dy: number;
  /** Mean absolute luma difference at the best shift. */
  error: number;
  /** Whether the block touches the plane's border ring. */
  border: boolean;
}

export interface FrameMotion {
  /** Mean vector length, as a share of the frame's width per frame. */
  motion: number;
  /** Mean vector length of the border blocks and of the inner blocks, share of width per frame. */
  background: number;
  subject: number;
  /** Mean absolute luma difference after motion compensation, in 8-bit levels. */
  warpError: number;
}

/** Block vectors taking `previous` to `current`, on planes of the same (small) size. */
export function blockVectors(previous: Plane, current: Plane): BlockVector[] {
  sameSize(previous, current, 'motion');
  const vectors: BlockVector[] = [];
  const cols = Math.floor(current.width / BLOCK);
  const rows = Math.floor(current.height / BLOCK);
  for (let by = 0; by < rows; by++) {
    for (let bx = 0; bx < cols; bx++) {
      const x = bx * BLOCK;
      const y = by * BLOCK;
      let best = { dx: 0, dy: 0, error: blockError(previous, current, x, y, 0, 0) };
      for (let dy = -SEARCH; dy <= SEARCH; dy++) {
        for (let dx = -SEARCH; dx <= SEARCH; dx++) {
          if ((dx === 0 && dy === 0) || x + dx < 0 || y + dy < 0 || x + dx + BLOCK > previous.width || y + dy + BLOCK > previous.height) continue;
          const error = blockError(previous, current, x, y, dx, dy);
          // Ties keep the shorter vector, so flat areas read as still.
          if (error < best.error - 1e-9) best = { dx, dy, error };
        }
      }
      vectors.push({ x, y, ...best, border: bx === 0 || by === 0 || bx === cols - 1 || by === rows - 1 });
    }
  }
  return vectors;
}

function blockError(previous: Plane, current: Plane, x: number, y: number, dx: number, dy: number): number {
  let sum = 0;
  for (let j = 0; j < BLOCK; j++) {
    const rc = (y + j) * current.stride + x;
    const rp = (y + j + dy) * previous.stride + x + dx;
    for (let i = 0; i < BLOCK; i++) sum += Math.abs(current.data[rc + i]! - previous.data[rp + i]!);
  }
  return sum / (BLOCK * BLOCK);
}

/** Motion and warp error from block vectors on planes `width` wide. */
export function motionOfVectors(vectors: readonly BlockVector[], width: number): FrameMotion {
  const length = (v: BlockVector) => Math.hypot(v.dx, v.dy) / width;
  const mean = (list: readonly BlockVector[], pick: (v: BlockVector) => number) => (list.length ? list.reduce((s, v) => s + pick(v), 0) / list.length : 0);
  const border = vectors.filter((v) => v.border);
  const inner = vectors.filter((v) => !v.border);
  return { motion: mean(vectors, length), background: mean(border, length), subject: mean(inner, length), warpError: mean(vectors, (v) => v.error) };
}
