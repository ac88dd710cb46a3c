/**
 * Motion between two frames by block matching on luma shrunk to ANALYSIS_WIDTH: for each block of
 * the later frame, the shift within +-SEARCH that best matches the earlier frame (least mean
 * absolute difference). From the vectors: how much moves, whether the border (background) stays
 * put while the centre (subject) moves, and the warp error, the difference left after motion
 * compensation, which is what flicker and boiling textures leave behind.
 */
import { sameSize, type Plane } from './frame';

/** Blocks are BLOCK x BLOCK pixels of the shrunk plane. */
export const BLOCK = 8;
const SEARCH = 4;

export interface BlockVector {
  /** Block's top-left corner and its shift, in shrunken-plane pixels. */
  x: number;
  y: number;
  dx: number;
  dy: number;
  /** Mean absolute luma difference at the best shift, and with no shift. */
  error: number;
  still: number;
  /** Whether the block touches the plane's border ring. */
  border: boolean;
}

export interface FrameMotion {
  /** Mean vector length, as a share of the frame's width per frame. */
  motion: number;
  /** Mean vector length of the border blocks and of the inner blocks, share of width per frame. */
  background: number;
  subject: number;
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
      const still = blockError(previous, current, x, y, 0, 0);
      let best = { dx: 0, dy: 0, error: still };
      for (let dy = -SEARCH; dy <= SEARCH; dy++) {
        for (let dx = -SEARCH; dx <= SEARCH; dx++) {
          if ((dx === 0 && dy === 0) || x + dx < 0 || y + dy < 0 || x + dx + BLOCK > previous.width || y + dy + BLOCK > previous.height) continue;
          const error = blockError(previous, current, x, y, dx, dy);
          // Ties keep the shorter vector, so flat areas read as still.
          if (error < best.error - 1e-9) best = { dx, dy, error };
        }
      }
      vectors.push({ x, y, ...best, still, border: bx === 0 || by === 0 || bx === cols - 1 || by === rows - 1 });
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

/**
 * Motion from block vectors on planes `width` wide. When the vectors were found after undoing the
 * camera's move, `camera` gives that move's shift at a point, and each block moves by both.
 */
export function motionOfVectors(vectors: readonly BlockVector[], width: number, camera?: (x: number, y: number) => readonly [number, number]): FrameMotion {
  const length = (v: BlockVector) => {
    const [cx, cy] = camera?.(v.x + BLOCK / 2, v.y + BLOCK / 2) ?? [0, 0];
    return Math.hypot(v.dx + cx, v.dy + cy) / width;
  };
  const mean = (list: readonly BlockVector[], pick: (v: BlockVector) => number) => (list.length ? list.reduce((s, v) => s + pick(v), 0) / list.length : 0);
  const border = vectors.filter((v) => v.border);
  const inner = vectors.filter((v) => !v.border);
  return { motion: mean(vectors, length), background: mean(border, length), subject: mean(inner, length) };
}

/**
 * Mean absolute luma difference left after motion compensation by the vectors, in 8-bit levels:
 * VBench's temporal flickering (vbench/temporal_flickering.py: the mean absolute difference of
 * consecutive frames, on clips it asks to be static) made fit for clips that move.
 */
export function warpError(vectors: readonly BlockVector[]): number {
  return vectors.length ? vectors.reduce((s, v) => s + v.error, 0) / vectors.length : 0;
}
