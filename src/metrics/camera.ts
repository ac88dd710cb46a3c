/**
 * The camera, read from the zoom and shift the identity tracker fits to each frame: which move
 * it made (push in, pull out, pan, tilt, or none), how fast, how evenly (stutter), and how much it
 * shook (jerk: the second difference of its path). Everything in shares of the frame's width, so
 * the numbers mean the same at any resolution.
 */
import type { CameraMove } from './choices';
import type { Alignment } from './identity';
import { mean, median } from './stats';

/** A move smaller than this share of the frame's width over the whole take reads as none. */
export const MOVE_MIN = 0.01;

/**
 * A point of the camera's path: zoom as the RMS displacement it makes over the frame (a zoom
 * of z moves the picture by ln z times the RMS distance from the centre, sqrt((w^2 + h^2) / 12)),
 * then the shift as the frame sees it, all over the frame's width.
 */
export function pathPoint(a: Alignment, width: number, height: number): [number, number, number] {
  const radius = Math.sqrt((width * width + height * height) / 12);
  return [(radius * Math.log(a.scale)) / width, (a.x * a.scale) / width, (a.y * a.scale) / width];
}

/** The alignment taking frame pixels under `to` to frame pixels under `from`: the camera's move between them. */
export function relative(from: Alignment, to: Alignment): Alignment {
  return { scale: to.scale / from.scale, x: (to.x - from.x) * from.scale, y: (to.y - from.y) * from.scale };
}

/**
 * Where the picture at frame point (px, py) under alignment `to` was under `from`, as a shift in
 * frame pixels: the camera's own motion there between the two frames.
 */
export function cameraShift(from: Alignment, to: Alignment, px: number, py: number, width: number, height: number): [number, number] {
  return stepShift(relative(from, to), px, py, width, height);
}

/** The shift in frame pixels that a camera step (a `relative` alignment) makes at frame point (px, py). */
export function stepShift(step: Alignment, px: number, py: number, width: number, height: number): [number, number] {
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  return [(px - cx) / step.scale + step.x - (px - cx), (py - cy) / step.scale + step.y - (py - cy)];
}

export interface SeenMove {
  move: CameraMove;
  /** Zoom at the end over zoom at the start: above 1 pushes in. */
  zoom: number;
  /** Shift from start to end, as a share of the frame's width: positive pans right, tilts down. */
  pan: number;
  tilt: number;
}

/** The camera's move over the take, from its first and last alignments. */
export function seenMove(first: Alignment, last: Alignment, width: number, height: number): SeenMove {
  const [z0, x0, y0] = pathPoint(first, width, height);
  const [z1, x1, y1] = pathPoint(last, width, height);
  const zoom = z1 - z0;
  const pan = x1 - x0;
  const tilt = y1 - y0;
  const largest = Math.max(Math.abs(zoom), Math.abs(pan), Math.abs(tilt));
  const move: CameraMove =
    largest < MOVE_MIN ? 'static'
    : largest === Math.abs(zoom) ? (zoom > 0 ? 'push-in' : 'pull-out')
    : largest === Math.abs(pan) ? (pan > 0 ? 'pan-right' : 'pan-left')
    : tilt > 0 ? 'tilt-down' : 'tilt-up';
  return { move, zoom: last.scale / first.scale, pan, tilt };
}

export interface PathMotion {
  /** Per frame: how far the camera moved since the frame before, share of width (0 for the first). */
  speed: number[];
  /** Mean change of the camera's velocity from frame to frame (the path's second difference), share of width: shake. */
  jerk: number;
  /**
   * Mean departure of each frame's speed from its neighbours' median (five frames), over the mean
   * speed: near 0 for a steady or smoothly eased move, about 0.7 when every third frame repeats.
   */
  unevenness: number;
}

/**
 * Speed, jerk and unevenness of the camera from its moves between consecutive frames (`relative`
 * alignments, one per frame after the first). `floor` is the least speed (share of width per
 * frame) worth calling motion, so a still camera's unevenness is not its noise over nothing.
 */
export function pathMotion(steps: readonly Alignment[], width: number, height: number, floor: number): PathMotion {
  const velocity = steps.map((step) => pathPoint(step, width, height));
  const moving = velocity.map((v) => Math.hypot(...v));
  let jerk = 0;
  for (let i = 1; i < velocity.length; i++) jerk += Math.hypot(...velocity[i]!.map((v, k) => v - velocity[i - 1]![k]!));
  jerk /= Math.max(1, velocity.length - 1);
  let departure = 0;
  moving.forEach((v, i) => (departure += Math.abs(v - median(moving.slice(Math.max(0, i - 2), i + 3)))));
  // A still camera has no rhythm to break: its steps are the fit's noise.
  const unevenness = moving.length && mean(moving) >= floor ? departure / moving.length / mean(moving) : 0;
  return { speed: [0, ...moving], jerk, unevenness };
}
