/**
 * Depth-aware motion: each output pixel samples the source at a position displaced by the
 * estimated nearness there, so near and far parts of the picture move against each other
 * (parallax, orbit, dolly zoom), plus optional ambient motion (shimmer, sway) on regions chosen
 * by depth. This file is the reference: the CPU renderer below and the WGSL shader in
 * parallax-gpu.ts compute the same function of (pose, depth, source).
 *
 * Why it cannot tear or smear: the displacement is a smooth function of the output position
 * (the depth map is smooth, see estimate-depth.ts), so neighbouring pixels always sample
 * neighbouring source points; there are no holes to fill. Its strength is capped per clip so
 * the map's local stretch stays within 1 +- MAX_STRETCH on every axis (never folding over
 * itself), and the view is inset by the largest displacement of the frame so every sample lies
 * inside the picture: the borders always show picture.
 * The first frame (t = 0) has no displacement and, for moves that start on the whole picture,
 * is the source itself.
 */
import { gridCell, sampleDepth, type DepthMap } from '../depth/estimate-depth';
import { mulberry32 } from '../random';
import type { RgbaImage } from '../resample/lanczos';
import { instantiate, layout } from '../wasm';
import { cameraView, ease, type CameraSpec, type View } from './camera';
import type { Ambient } from './choices';
import { PARALLAX_WASM_BASE64 } from './parallax-wasm';

export interface MotionSpec extends CameraSpec {
  /** 0..1: how strongly depth separates the layers during push, pull, pan and tilt moves. */
  parallax: number;
  ambient: Ambient;
}

/** Everything a frame's render needs besides the source and depth: uniform over the frame. */
export interface Pose {
  /** The part of the source the frame shows before displacement (fractions of the picture). */
  view: View;
  /** Radial displacement per unit of nearness from the pivot: > 0 magnifies near parts. */
  scale: number;
  /** Lateral displacement per unit of nearness from the pivot, fractions of width and height. */
  shiftX: number;
  shiftY: number;
  /** The nearness that does not move (the subject plane). */
  pivot: number;
  /** Amplitudes of ambient motion now, fractions of the picture. */
  shimmer: number;
  sway: number;
  /** Clip time in seconds, for the ambient waves. */
  seconds: number;
  /** Seeded wave phases. */
  phases: readonly [number, number, number];
}

/** Largest local stretch or squeeze the displacement may cause on any axis (0.35 = 35%). */
export const MAX_STRETCH = 0.35;
const PIVOT = 0.5;
/** Radial displacement per unit nearness at full parallax in a push in or pull out. */
const PUSH_SCALE = 0.2;
/** Lateral displacement per unit nearness at full parallax in a pan or tilt. */
const PAN_SHIFT = 0.06;
/** Orbit's lateral displacement per unit nearness at full intensity. */
const ORBIT_SHIFT = 0.08;
/** Dolly zoom's radial displacement per unit nearness at full intensity. */
const DOLLY_SCALE = 0.3;
/** Ambient amplitudes, fractions of the picture: about 1.6 and 4 px of a 1080p frame, felt more than seen. */
const SHIMMER = 0.0015;
const SWAY = 0.004;
/** Ambient motion fades in over this many seconds, so the first frame is still the source. */
const AMBIENT_FADE_IN = 0.6;
/** Wave rates in radians per second and spatial frequencies in radians per picture width/height. */
export const WAVES = { shimmerRate: 2 * Math.PI * 0.9, swayRate: 2 * Math.PI * 0.25, shimmerX: 11, shimmerY: 47, shimmerY2: 17, shimmerX2: 37, swayX: 2, swayY: 5 } as const;

/** Moves that exist only through depth; the others are camera moves that parallax can enrich. */
const DEPTH_MOVES = new Set<string>(['orbit-left', 'orbit-right', 'dolly-zoom-in', 'dolly-zoom-out']);

/** Whether a clip needs the depth renderer, or is a plain camera move over a flat picture. */
export function usesDepth(spec: MotionSpec): boolean {
  return DEPTH_MOVES.has(spec.move) || spec.parallax > 0 || spec.ambient !== 'none';
}

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);
const smoothstep = (a: number, b: number, v: number) => {
  const u = clamp01((v - a) / (b - a));
  return u * u * (3 - 2 * u);
};

/** Radial scale and lateral shift of the move alone, at eased progress p, before the cap. */
function depthTerms(spec: MotionSpec, p: number): { scale: number; shiftX: number; shiftY: number } {
  const par = clamp01(spec.parallax);
  const i = clamp01(spec.intensity);
  const zero = { scale: 0, shiftX: 0, shiftY: 0 };
  switch (spec.move) {
    case 'none':
      return zero;
    case 'push-in':
      return { ...zero, scale: PUSH_SCALE * par * p };
    // Pulling back, near parts shrink faster than far ones.
    case 'pull-out':
      return { ...zero, scale: -PUSH_SCALE * par * p };
    // The camera travels right: near parts slide left past far ones, so near samples lie further right.
    case 'pan-right':
      return { ...zero, shiftX: PAN_SHIFT * par * p };
    case 'pan-left':
      return { ...zero, shiftX: -PAN_SHIFT * par * p };
    case 'tilt-down':
      return { ...zero, shiftY: PAN_SHIFT * par * p };
    case 'tilt-up':
      return { ...zero, shiftY: -PAN_SHIFT * par * p };
    case 'orbit-right':
      return { ...zero, shiftX: ORBIT_SHIFT * i * p };
    case 'orbit-left':
      return { ...zero, shiftX: -ORBIT_SHIFT * i * p };
    // Camera in, lens wider: the subject holds its size, near parts grow, the background recedes.
    case 'dolly-zoom-in':
      return { ...zero, scale: DOLLY_SCALE * i * p };
    case 'dolly-zoom-out':
      return { ...zero, scale: -DOLLY_SCALE * i * p };
  }
}

/**
 * The share of the move's depth terms that keeps the stretch within MAX_STRETCH for this depth
 * map. One factor for the whole clip (from the move's peak, p = 1), so the motion stays smooth.
 */
export function depthLimit(spec: MotionSpec, maxGradient: number): number {
  const peak = depthTerms(spec, 1);
  const reach = Math.max(PIVOT, 1 - PIVOT);
  // d(displacement)/d(position) <= |scale| * reach + (|scale| / 2 + |shift|) * gradient.
  const stretch = Math.abs(peak.scale) * reach + (Math.abs(peak.scale) / 2 + Math.max(Math.abs(peak.shiftX), Math.abs(peak.shiftY))) * maxGradient;
  return stretch > MAX_STRETCH ? MAX_STRETCH / stretch : 1;
}

/** The pose of frame time t (0..1) of a clip `seconds` long; `limit` from depthLimit. */
export function framePose(spec: MotionSpec, t: number, limit: number): Pose {
  const p = ease(spec.easing, t);
  const terms = depthTerms(spec, p);
  const scale = terms.scale * limit;
  const shiftX = terms.shiftX * limit;
  const shiftY = terms.shiftY * limit;
  const seconds = clamp01(t) * (spec.duration ?? 5);
  const fade = smoothstep(0, AMBIENT_FADE_IN, seconds);
  const shimmer = spec.ambient === 'shimmer' ? SHIMMER * fade : 0;
  const sway = spec.ambient === 'sway' ? SWAY * fade : 0;

  const reach = Math.max(PIVOT, 1 - PIVOT);
  const camera = cameraView(spec, t);
  // Inset the view by the largest displacement this frame can make, so no sample leaves the picture.
  const marginX = (Math.abs(scale) * camera.width) / 2 * reach + Math.abs(shiftX) * reach + shimmer + sway;
  const marginY = (Math.abs(scale) * camera.height) / 2 * reach + Math.abs(shiftY) * reach + shimmer / 2;
  const size = Math.min(camera.width, 1 - 2 * marginX, 1 - 2 * marginY);
  const cx = clampTo(camera.x + camera.width / 2, marginX + size / 2, 1 - marginX - size / 2);
  const cy = clampTo(camera.y + camera.height / 2, marginY + size / 2, 1 - marginY - size / 2);
  const view = { x: cx - size / 2, y: cy - size / 2, width: size, height: size };
  return { view, scale, shiftX, shiftY, pivot: PIVOT, shimmer, sway, seconds, phases: wavePhases(spec.seed ?? 0) };
}

function clampTo(v: number, lo: number, hi: number): number {
  return lo > hi ? (lo + hi) / 2 : Math.min(hi, Math.max(lo, v));
}

function wavePhases(seed: number): [number, number, number] {
  // A different stream from the handheld drift's, which uses the seed itself.
  const random = mulberry32(seed ^ 0x5eed5eed);
  return [random() * 2 * Math.PI, random() * 2 * Math.PI, random() * 2 * Math.PI];
}

/**
 * Where output point (X, Y) (fractions of the frame) samples the source, in fractions of the
 * picture, written to `into`.
 */
export function sourcePosition(pose: Pose, depth: DepthMap, X: number, Y: number, into: Float64Array): void {
  const { view } = pose;
  const bx = view.x + X * view.width;
  const by = view.y + Y * view.height;
  displace(pose, sampleDepth(depth, bx, by), bx, by, into);
}

/**
 * Where the picture point (bx, by) of nearness n samples the source (see sourcePosition), written
 * to `into`. The renderers compute the same, rearranged: see line() and ambientTables().
 */
function displace(pose: Pose, n: number, bx: number, by: number, into: Float64Array): void {
  const { view } = pose;
  const d = n - pose.pivot;
  const cx = view.x + view.width / 2;
  const cy = view.y + view.height / 2;
  const radial = 1 - pose.scale * d;
  const rows = rowPhases(pose, by);
  const wave = (k: number) => Math.sin(rows[k]!) * Math.cos(COLUMN_WAVES[k]! * bx) + Math.cos(rows[k]!) * Math.sin(COLUMN_WAVES[k]! * bx);
  ambientOffset(pose, n, wave(0), wave(1), wave(2), into);
  into[0] = cx + (bx - cx) * radial + pose.shiftX * d + into[0]!;
  into[1] = cy + (by - cy) * radial + pose.shiftY * d + into[1]!;
}

/**
 * How ambient motion moves the sample of a point of nearness n, in fractions of the picture,
 * written to `into`, given the three waves there (ambientTables): shimmer's along x and y, sway's
 * along x. Zero without ambient motion.
 */
function ambientOffset(pose: Pose, n: number, shimmerX: number, shimmerY: number, sway: number, into: Float64Array): void {
  // Haze or water: a fine ripple on the far parts.
  const far = pose.shimmer * (1 - smoothstep(0.2, 0.5, n));
  // Foliage or grass in the foreground: a slow sideways sway, a little out of step across it.
  const near = pose.sway * smoothstep(0.5, 0.8, n);
  into[0] = far * shimmerX + near * sway;
  into[1] = 0.5 * far * shimmerY;
}

/**
 * Each ambient wave is sin(row phase + column phase): the row's part from the clip time, the
 * seeded phase and the picture's y, the column's from its x (these rates).
 */
const COLUMN_WAVES = [WAVES.shimmerX, WAVES.shimmerX2, WAVES.swayX] as const;

function rowPhases(pose: Pose, by: number): [number, number, number] {
  const { seconds, phases } = pose;
  return [
    WAVES.shimmerRate * seconds + WAVES.shimmerY * by + phases[0],
    WAVES.shimmerRate * 1.3 * seconds + WAVES.shimmerY2 * by + phases[1],
    WAVES.swayRate * seconds + WAVES.swayY * by + phases[2],
  ];
}

/**
 * The waves' sines and cosines the renderers build each wave from, as sin r cos c + cos r sin c:
 * per wave k, its column phases' sin and cos for columns 0..width - 1 at columns[2k * stride + x]
 * and columns[(2k + 1) * stride + x]; per row y in [first, end), its row phases' at
 * rows[6 y + 2k] and rows[6 y + 2k + 1]. parallax.wat reads them from its memory in this layout.
 */
function ambientTables(pose: Pose, width: number, height: number, first: number, end: number, stride: number, columns: Float64Array, rows: Float64Array): void {
  const { view } = pose;
  for (let x = 0; x < width; x++) {
    const { b } = line(x, width, view.x, view.width, 0, 0, 0, 1);
    COLUMN_WAVES.forEach((rate, k) => {
      columns[2 * k * stride + x] = Math.sin(rate * b);
      columns[(2 * k + 1) * stride + x] = Math.cos(rate * b);
    });
  }
  for (let y = first; y < end; y++) {
    const { b } = line(y, height, view.y, view.height, 0, 0, 0, 1);
    rowPhases(pose, b).forEach((phase, k) => {
      rows[6 * y + 2 * k] = Math.sin(phase);
      rows[6 * y + 2 * k + 1] = Math.cos(phase);
    });
  }
}

/** Bilinear weights and sample positions are in 1/4096 px (parallax.wat's fixed point): finer than any eye can tell. */
const WEIGHT_BITS = 12;
const WEIGHT_ONE = 1 << WEIGHT_BITS;
/** Half of the 1/4096 x 1/4096 a blended value carries, for rounding half up. */
const BLEND_HALF = 2 ** (2 * WEIGHT_BITS - 1);

/**
 * Column (or row) i of `count` across the frame, along one axis: b, the picture point it shows
 * before displacement (a fraction of the picture), then where it samples a source of `size` px
 * with no displacement (`at`) and how far that moves per unit of nearness from the pivot (`per`),
 * both in 1/4096 px. displace() rearranged: cx + (b - cx)(1 - scale d) + shift d = b + d (shift -
 * scale (b - cx)); `at` is shifted to pixel centres, and by half a step so truncating rounds.
 */
function line(i: number, count: number, start: number, extent: number, centre: number, scale: number, shift: number, size: number): { b: number; at: number; per: number } {
  const b = start + ((i + 0.5) / count) * extent;
  const scaled = size * WEIGHT_ONE;
  return { b, at: b * scaled - (WEIGHT_ONE / 2 - 0.5), per: (shift - scale * (b - centre)) * scaled };
}

/** The renderer's exports (parallax.wat); addresses are byte offsets into `memory`. */
interface ParallaxKernel {
  readonly memory: WebAssembly.Memory;
  columns(at: number, per: number, fxs: number, cells: number, width: number, dw: number, start: number, extent: number, centre: number, scale: number, shift: number, size: number): void;
  render(src: number, sw: number, sh: number, depth: number, dw: number, dh: number, row: number, out: number, width: number, height: number, first: number, end: number, at: number, per: number, fxs: number, cells: number, start: number, extent: number, centre: number, scale: number, shift: number, pivot: number, waves: number, rowWaves: number, shimmer: number, sway: number): void;
}

/** Rows per call of the kernel's render: see parallax.wat. */
const ROWS_PER_CALL = 8;

/**
 * Draws rows [first, end) of a pose's frame (the clip's width x height) into `out`: RGBA8, the
 * band's rows only.
 */
export type BandRenderer = (pose: Pose, first: number, end: number, out: Uint8ClampedArray) => void;

/**
 * The CPU renderer of one clip, for bands of at most `rows` rows (whole frames by default): the
 * source and the depth go into a kernel instance of its own once, then each band is drawn there
 * by parallax.wat and copied out, with the very bytes of renderFrameReference. The sines of
 * ambient motion, which WebAssembly lacks, come in tables (ambientTables).
 */
export function parallaxCpu(source: RgbaImage, depth: DepthMap, width: number, height: number, rows = height): BandRenderer {
  const kernel = instantiate<ParallaxKernel>(PARALLAX_WASM_BASE64);
  const bytes = width * rows * 4;
  // The kernel works on pairs of columns: an odd width has a spare one.
  const columns = width + (width & 1);
  const at = layout(kernel.memory, {
    source: source.data.length,
    depth: depth.data.length * 4,
    band: bytes,
    at: columns * 8,
    per: columns * 8,
    fxs: columns * 8,
    cells: columns * 4,
    row: depth.width * 8,
    waves: columns * 6 * 8,
    rowWaves: height * 6 * 8,
  });
  new Uint8Array(kernel.memory.buffer, at.source, source.data.length).set(source.data);
  new Float32Array(kernel.memory.buffer, at.depth, depth.data.length).set(depth.data);
  const band = new Uint8ClampedArray(kernel.memory.buffer, at.band, bytes);
  const waves = new Float64Array(kernel.memory.buffer, at.waves, columns * 6);
  const rowWaves = new Float64Array(kernel.memory.buffer, at.rowWaves, height * 6);
  return (pose, first, end, out) => {
    if (end - first > rows) throw new RangeError(`a band of ${end - first} rows, where this renderer draws at most ${rows}`);
    if (pose.shimmer > 0 || pose.sway > 0) ambientTables(pose, width, height, first, end, columns, waves, rowWaves);
    const { view } = pose;
    kernel.columns(at.at, at.per, at.fxs, at.cells, width, depth.width, view.x, view.width, view.x + view.width / 2, pose.scale, pose.shiftX, source.width * WEIGHT_ONE);
    for (let y = first; y < end; y += ROWS_PER_CALL) {
      const stop = Math.min(end, y + ROWS_PER_CALL);
      const into = at.band + (y - first) * width * 4;
      kernel.render(at.source, source.width, source.height, at.depth, depth.width, depth.height, at.row, into, width, height, y, stop, at.at, at.per, at.fxs, at.cells, view.y, view.height, view.y + view.height / 2, pose.scale, pose.shiftY, pose.pivot, at.waves, at.rowWaves, pose.shimmer, pose.sway);
    }
    out.set(band.subarray(0, (end - first) * width * 4));
  };
}

/** Renders one frame of `pose` into `out` (RGBA8, width x height): parallaxCpu for a single frame. */
export function renderFrameCpu(source: RgbaImage, depth: DepthMap, pose: Pose, out: Uint8ClampedArray, width: number, height: number): void {
  parallaxCpu(source, depth, width, height)(pose, 0, height, out);
}

/**
 * One frame in plain TypeScript (rows [first, end) of it into `out`, whole by default), bilinear,
 * edges held: the definition parallax.wat is checked against.
 * Per pixel: the nearness under it (sampleDepth's, with the grid's rows lerped first, once per
 * row), its sample position as line() gives it plus any ambient motion, in 1/4096 px; then the
 * source's four pixels around that point blended with weights in 1/4096, rounded half up.
 */
export function renderFrameReference(source: RgbaImage, depth: DepthMap, pose: Pose, out: Uint8ClampedArray, width: number, height: number, first = 0, end = height): void {
  const { data, width: sw, height: sh } = source;
  const { view } = pose;
  // Per column, as parallax.wat's `columns` keeps them: typed arrays, as this runs for every pixel.
  const [ats, pers, fxs, cells] = [new Float64Array(width), new Float64Array(width), new Float64Array(width), new Int32Array(width)];
  for (let x = 0; x < width; x++) {
    const { b, at, per } = line(x, width, view.x, view.width, view.x + view.width / 2, pose.scale, pose.shiftX, sw);
    [ats[x], pers[x]] = [at, per];
    [cells[x], fxs[x]] = gridCell(b, depth.width);
  }
  const nearness = new Float64Array(depth.width);
  const offset = new Float64Array(2);
  const ambient = pose.shimmer > 0 || pose.sway > 0;
  const [waves, rowWaves] = [new Float64Array(width * 6), new Float64Array(height * 6)];
  if (ambient) ambientTables(pose, width, height, first, end, width, waves, rowWaves);
  const wave = (k: number, x: number, y: number) => rowWaves[6 * y + 2 * k]! * waves[(2 * k + 1) * width + x]! + rowWaves[6 * y + 2 * k + 1]! * waves[2 * k * width + x]!;
  const [scaledX, scaledY] = [sw * WEIGHT_ONE, sh * WEIGHT_ONE];
  const corner = new Int32Array(4);
  const rowStride = sw * 4;
  for (let y = first; y < end; y++) {
    const row = line(y, height, view.y, view.height, view.y + view.height / 2, pose.scale, pose.shiftY, sh);
    const [top, fy] = gridCell(row.b, depth.height);
    for (let c = 0, i = top * depth.width; c < depth.width; c++, i++) {
      const near = depth.data[i]!;
      nearness[c] = near + (depth.data[i + depth.width]! - near) * fy - pose.pivot;
    }
    for (let x = 0, o = (y - first) * width * 4; x < width; x++, o += 4) {
      const cell = cells[x]!;
      const d = nearness[cell]! + (nearness[cell + 1]! - nearness[cell]!) * fxs[x]!;
      let u = ats[x]! + d * pers[x]!;
      let v = row.at + d * row.per;
      if (ambient) {
        ambientOffset(pose, d + pose.pivot, wave(0, x, y), wave(1, x, y), wave(2, x, y), offset);
        u += offset[0]! * scaledX;
        v += offset[1]! * scaledY;
      }
      sampleCorner(u, sw, corner, 0);
      sampleCorner(v, sh, corner, 2);
      const wx = corner[1]!;
      const wy = corner[3]!;
      const i00 = corner[2]! * rowStride + corner[0]! * 4;
      const i01 = i00 + rowStride;
      // Per channel: along x on the two rows, then between them, in integers.
      for (let c = 0; c < 3; c++) {
        const top = data[i00 + c]! * (WEIGHT_ONE - wx) + data[i00 + 4 + c]! * wx;
        const bottom = data[i01 + c]! * (WEIGHT_ONE - wx) + data[i01 + 4 + c]! * wx;
        // Below 2^32, so the unsigned shift is exact.
        out[o + c] = (top * (WEIGHT_ONE - wy) + bottom * wy + BLEND_HALF) >>> (2 * WEIGHT_BITS);
      }
      out[o + 3] = 255;
    }
  }
}

/**
 * The first of the two source pixels a sample at `at` (in 1/4096 px, as line() gives it) blends
 * along one axis, and the weight of the second in 1/4096, written to into[index] and
 * into[index + 1]: the position is truncated to the weights' grid and held to the pixel centres.
 */
function sampleCorner(at: number, size: number, into: Int32Array, index: number): void {
  const held = Math.min((size - 1) * WEIGHT_ONE, Math.max(0, Math.trunc(at)));
  const first = Math.min(held >> WEIGHT_BITS, size - 2);
  into[index] = first;
  into[index + 1] = held - first * WEIGHT_ONE;
}
