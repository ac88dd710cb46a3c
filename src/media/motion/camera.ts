/**
 * Camera moves over a still image, as pure functions of normalised time t in 0..1. A move gives
 * the view rectangle: the part of the source image shown in the frame, in fractions of the
 * image's width and height. It keeps the image's aspect and always lies inside the image, so a
 * frame never shows anything beyond the picture's edges.
 */
import { mulberry32 } from '../random';
import type { Easing, Move } from './choices';

/** A rectangle in fractions of the source image (0..1 on both axes). */
export interface View {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface CameraSpec {
  move: Move;
  /** 0..1: how far the move goes. */
  intensity: number;
  easing: Easing;
  /** 0..1: how much slow handheld drift is added on top of the move. */
  handheld?: number;
  /** Seeds the drift's phases; equal seeds give equal drift. */
  seed?: number;
  /** Clip length in seconds, so the drift sways at the same real speed whatever the length. */
  duration?: number;
}

/** Zoom reached by a push in or pull out at full intensity. */
const MAX_ZOOM = 1.5;
/** Share of the image a pan or tilt travels across at full intensity. */
const MAX_TRAVEL = 0.25;
/** Largest drift from the move's path, per side, in fractions of the image, at full handheld. */
const MAX_DRIFT = 0.015;
/** Drift components: real frequencies in Hz and weights summing to 1, so |drift| <= 1. */
const DRIFT_WAVES = [
  { hz: 0.07, weight: 0.5 },
  { hz: 0.13, weight: 0.3 },
  { hz: 0.23, weight: 0.2 },
] as const;

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

/** Maps 0..1 to 0..1 with exact endpoints. */
export function ease(easing: Easing, t: number): number {
  const u = clamp01(t);
  switch (easing) {
    case 'linear':
      return u;
    case 'ease-in-out':
      return u < 0.5 ? 4 * u * u * u : 1 - (-2 * u + 2) ** 3 / 2;
    case 'ease-out':
      return 1 - (1 - u) ** 3;
  }
}

/** The view of the move alone, inside the whole image, at eased progress p. */
function moveView(move: Move, intensity: number, p: number): View {
  const i = clamp01(intensity);
  const zoomed = (zoom: number): View => centred(1 / zoom, 0.5, 0.5);
  // A pan or tilt of distance d needs the view to be 1 - d wide: that is the overscale.
  const size = 1 - MAX_TRAVEL * i;
  const across = (from: number, to: number) => 0.5 + (MAX_TRAVEL * i * (from + (to - from) * p)) / 2;
  switch (move) {
    case 'none':
    // Orbit and dolly zoom hold the frame: they move the picture's layers against each other
    // (parallax.ts), not the view.
    case 'orbit-left':
    case 'orbit-right':
    case 'dolly-zoom-in':
    case 'dolly-zoom-out':
      return zoomed(1);
    case 'push-in':
      return zoomed(1 + (MAX_ZOOM - 1) * i * p);
    case 'pull-out':
      return zoomed(1 + (MAX_ZOOM - 1) * i * (1 - p));
    case 'pan-left':
      return centred(size, across(1, -1), 0.5);
    case 'pan-right':
      return centred(size, across(-1, 1), 0.5);
    case 'tilt-up':
      return centred(size, 0.5, across(1, -1));
    case 'tilt-down':
      return centred(size, 0.5, across(-1, 1));
  }
}

function centred(size: number, cx: number, cy: number): View {
  return { x: cx - size / 2, y: cy - size / 2, width: size, height: size };
}

/** A smooth sway in -1..1 on each axis at `seconds`, fixed by `seed`. */
function drift(seed: number, seconds: number): [number, number] {
  const random = mulberry32(seed);
  const phases = DRIFT_WAVES.map(() => [random() * 2 * Math.PI, random() * 2 * Math.PI] as const);
  let dx = 0;
  let dy = 0;
  DRIFT_WAVES.forEach(({ hz, weight }, k) => {
    dx += weight * Math.sin(2 * Math.PI * hz * seconds + phases[k]![0]);
    // A slightly different rate on y, so the path is not a line.
    dy += weight * Math.sin(2 * Math.PI * hz * 1.37 * seconds + phases[k]![1]);
  });
  return [dx, dy];
}

/**
 * The view at time t. With handheld drift the move runs inside an inner region inset by the
 * largest drift, so move plus drift still stays inside the image.
 */
export function cameraView(spec: CameraSpec, t: number): View {
  const base = moveView(spec.move, spec.intensity, ease(spec.easing, t));
  const margin = MAX_DRIFT * clamp01(spec.handheld ?? 0);
  if (margin === 0) return base;
  const inner = 1 - 2 * margin;
  const [dx, dy] = drift(spec.seed ?? 0, clamp01(t) * (spec.duration ?? 5));
  return {
    x: margin + base.x * inner + dx * margin,
    y: margin + base.y * inner + dy * margin,
    width: base.width * inner,
    height: base.height * inner,
  };
}
