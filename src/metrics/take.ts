/**
 * Every score of one take, gathered frame by frame as the clip decodes: only the previous frame
 * (its luma, and shrunk copies) and the per-frame curves are kept, never the clip.
 *
 * Each frame is aligned to the reference (identity.ts), which gives its structure, colour and
 * exposure against the source and the camera's path. Frame to frame: flicker, the warp error
 * left after block motion, repeated frames. About eight times a second (VBench's sampling for
 * its dynamic degree): how much of the picture moves and how far. Four times a second, at full
 * size: the detail against the source at the same framing, grain, and blocking.
 */
import { cameraShift, pathMotion, relative, seenMove, stepShift, type SeenMove } from './camera';
import { mean, median, quantile, slope } from './stats';
import { luma, plane, shrink, type PlanarFrame, type Plane } from './frame';
import { frameToFrame, identityTracker, smallFrame, warp, type Alignment, type IdentityTracker, type SmallFrame } from './identity';
import { BLOCK, blockVectors, motionOfVectors, warpError, type BlockVector } from './motion';
import { blocking, grain, sharpness } from './sharpness';
import { loudness, onsets, onsetSync, peaks } from './audio';

/** Seconds between the frames the dynamic degree compares: VBench samples at 8 fps. */
export const SAMPLE_GAP = 1 / 8;
/** Seconds between the frames whose full-size detail, grain and blocking are measured. */
export const DETAIL_GAP = 1 / 4;

/**
 * Least motion that counts as moving, in short sides of the frame per second, for the top 5% of
 * the picture. VBench's dynamic degree (Huang et al., "VBench", CVPR 2024; vbench/dynamic_degree.py)
 * samples a clip at 8 fps, takes for each pair of samples the mean of the largest 5% of RAFT's
 * optical flow magnitudes, and calls the clip dynamic when at least a quarter of the pairs
 * (round(4 * frames / 16)) exceed 6 px at a 256 px short side, 0.19 short sides a second. That
 * asks whether a clip is lively; Compare asks whether it moves at all, so a slow push-in counts:
 * 0.02 short sides a second, about 20 px a second on a 1080p frame. The share of pairs above it
 * is the take's dynamic degree, and a take below VBench's quarter is static (rank.ts).
 */
export const DYNAMIC_SPEED = 0.02;

/**
 * A frame repeats the one before when no 8x8 block of it changed by HELD_CHANGE levels on average,
 * or when the camera, moving around it, all but stopped there: under HELD_SHARE of its fastest
 * step within two frames (a repeated frame that the encoder coded again is not bit for bit the
 * same, but the camera stands still; a move that eases in or out slows gradually, not at once).
 */
const HELD_CHANGE = 0.6;
const HELD_SHARE = 0.25;
/**
 * Repeats that last at least this long (seconds) are a freeze, shorter ones a stutter, when the
 * picture stops abruptly: the step before the hold (or after it) was at least ABRUPT_SHARE of the
 * camera's typical step, or changed some block by ABRUPT_CHANGE levels. A move that eases to a
 * stop holds gently, and is no freeze.
 */
export const FREEZE_SECONDS = 0.25;
const ABRUPT_SHARE = 0.5;
const ABRUPT_CHANGE = 3 * HELD_CHANGE;

/** Per-frame values; the first frame has no predecessor, so its temporal values are 0. */
export interface TakeCurves {
  time: number[];
  identity: number[];
  colour: number[];
  exposure: number[];
  flicker: number[];
  warpError: number[];
  motion: number[];
  speed: number[];
  /** Sampled DETAIL_GAP apart; each frame holds the last sample's value. */
  detail: number[];
}

export interface AudioScores {
  present: boolean;
  /** RMS dBFS; absent without audio. */
  loudness?: number;
  /** Share of sound onsets on a motion peak; absent without audio or onsets. */
  onsetSync?: number;
}

export interface TakeScores {
  frames: number;
  /** Mean SSIM of luma against the aligned reference. */
  identity: number;
  /** How much identity falls from the start to the end. */
  drift: number;
  /** The 90th percentile over frames of the mean Cb-Cr distance from the aligned reference, levels. */
  colour: number;
  /** The 90th percentile over frames of |mean luma offset| from the aligned reference, levels. */
  exposure: number;
  /** Mean frame-to-frame jump of the luma and chroma offsets beyond their trend, levels. */
  flicker: number;
  /** Mean difference left between consecutive frames after block motion, levels. */
  warpError: number;
  /** Dynamic degree: the share of sampled moments when the top 5% of the picture moves. */
  motion: number;
  /** Median motion of the top 5% of the picture, in short sides of the frame per second. */
  pace: number;
  /** Mean camera jerk, share of the frame's width per frame. */
  shake: number;
  /** Unevenness of the camera's per-frame motion (pathMotion). */
  stutter: number;
  /** Share of the take spent in repeated frames lasting FREEZE_SECONDS or more (0 for a take that never moves). */
  freeze: number;
  /** Longest run of repeated frames, seconds. */
  longestHold: number;
  /** Share of frames that repeat the one before. */
  held: number;
  /** Median sharpness over the sharpness of the reference framed alike: 1 as sharp as the source allows. */
  detail: number;
  /** Median temporal noise, levels (sharpness.ts grain). */
  grain: number;
  /** Median block-edge excess (sharpness.ts blocking). */
  blocking: number;
  /** Mean sharpness of full-size luma over the detail samples, levels: what the eye calls crisp, grain included. */
  sharpness: number;
  /** Border motion over border plus centre motion: 0 still background, about 0.5 camera move. */
  background: number;
  camera: SeenMove;
  audio: AudioScores;
  curves: TakeCurves;
}

/** Mono samples of a take's sound, if it has any. */
export interface AudioTrack {
  samples: Float32Array;
  sampleRate: number;
}

interface Sample {
  time: number;
  y: Plane;
  alignment: Alignment;
}

export class TakeAnalyser {
  #reference: PlanarFrame | undefined;
  #tracker: IdentityTracker | undefined;
  /** The reference's luma box-averaged to at most the frames' width: the detail a frame of that size can hold. */
  #detailReference: Plane | undefined;
  #previous: { small: SmallFrame; luma: Plane; alignment: Alignment } | undefined;
  #sample: Sample | undefined;
  #detailTime = -Infinity;
  #alignments: Alignment[] = [];
  /** Per frame, the camera's move from the frame before (frameToFrame); the first is none. */
  #steps: Alignment[] = [];
  #tones: [number, number, number][] = [];
  /** Per frame after the first: the largest mean absolute luma change of an 8x8 block from the frame before, levels. */
  #change: number[] = [];
  #background: number[] = [];
  #subject: number[] = [];
  #dynamic: number[] = [];
  #detail: number[] = [];
  #grain: number[] = [];
  #blocking: number[] = [];
  #sharpness: number[] = [];
  #size = { width: 0, height: 0 };
  /** The per-frame curves gathered so far; finish() adds flicker and speed, which need the whole path. */
  readonly curves: Omit<TakeCurves, 'flicker' | 'speed'> = { time: [], identity: [], colour: [], exposure: [], warpError: [], motion: [], detail: [] };

  /** `reference`: the source image as I420 (or luma only); without one, the take's first frame. */
  constructor(reference?: PlanarFrame) {
    this.#reference = reference;
  }

  /** Takes the next frame of the clip, at `time` seconds. The frame's buffers may be reused after. */
  add(frame: PlanarFrame, time: number): void {
    const y = luma(frame);
    if (!this.#reference) this.#reference = copyFrame(frame);
    this.#tracker ??= identityTracker(this.#reference);
    this.#detailReference ??= shrink(luma(this.#reference), y.width).plane;
    const small = smallFrame(frame);
    const tracked = this.#tracker.next(small);
    const c = this.curves;
    c.time.push(time);
    c.identity.push(tracked.identity);
    c.colour.push(tracked.colour);
    c.exposure.push(tracked.tone);
    this.#size = { width: small.y.width, height: small.y.height };
    this.#alignments.push(tracked.alignment);
    this.#tones.push([tracked.tone, ...tracked.cast]);
    const previous = this.#previous;
    if (previous) {
      const step = frameToFrame(previous.small.y, small.y, relative(previous.alignment, tracked.alignment));
      this.#steps.push(step);
      // The camera's own move undone first, to the sub-pixel, so a slow pan leaves no error; the
      // blocks' vectors are then what moves on its own.
      const { width, height } = small.y;
      const vectors = blockVectors(warp(previous.small.y, width, height, step), small.y);
      const m = motionOfVectors(vectors, width, (x, y) => stepShift(step, x, y, width, height));
      c.warpError.push(warpError(vectors));
      c.motion.push(m.motion);
      this.#background.push(m.background);
      this.#subject.push(m.subject);
      this.#change.push(largestChange(previous.small.y, small.y));
    } else {
      c.warpError.push(0);
      c.motion.push(0);
    }
    if (!this.#sample || time - this.#sample.time >= SAMPLE_GAP - 1e-3) this.#dynamicSample(small, tracked.alignment, time);
    if (time - this.#detailTime >= DETAIL_GAP - 1e-3) this.#detailSample(y, small, tracked.alignment, time);
    c.detail.push(this.#detail[this.#detail.length - 1]!);
    this.#previous = { small, luma: copy(y, previous?.luma), alignment: tracked.alignment };
  }

  /** Motion of the top 5% of the picture since the last sample, about eight times a second. */
  #dynamicSample(small: SmallFrame, alignment: Alignment, time: number): void {
    const before = this.#sample;
    if (before) this.#dynamic.push(topMotion(blockVectors(before.y, small.y), before.alignment, alignment, small.y) / (time - before.time));
    this.#sample = { time, y: small.y, alignment };
  }

  /** Detail, grain and blocking at full size, four times a second. */
  #detailSample(y: Plane, small: SmallFrame, alignment: Alignment, time: number): void {
    this.#detailTime = time;
    // The source framed as this frame is: what detail it allows, and any grid its own edges make.
    const full = { ...alignment, x: alignment.x * small.factor, y: alignment.y * small.factor };
    const framed = warp(this.#detailReference!, y.width, y.height, full);
    const [seen, allowed] = [sharpness(y), sharpness(framed)];
    this.#sharpness.push(seen);
    this.#detail.push(allowed > 0 ? seen / allowed : 1);
    this.#blocking.push(Math.max(0, blocking(y) - blocking(framed)));
    const previous = this.#previous;
    if (!previous) return;
    // Follow the camera to the nearest whole pixel, so a pan is not read as noise.
    const [dx, dy] = cameraShift(previous.alignment, alignment, (small.y.width - 1) / 2, (small.y.height - 1) / 2, small.y.width, small.y.height);
    this.#grain.push(grain(y, previous.luma, -Math.round(dx * small.factor), -Math.round(dy * small.factor)));
  }

  finish(audio?: AudioTrack): TakeScores {
    const c = this.curves;
    const frames = c.time.length;
    if (frames === 0) throw new RangeError('a take needs at least one frame to be scored');
    const pairs = Math.max(1, frames - 1);
    const duration = frames > 1 ? c.time[frames - 1]! - c.time[0]! : 0;
    const fps = duration > 0 ? pairs / duration : 1;
    const { width, height } = this.#size;
    const moved = mean(this.#background) + mean(this.#subject);
    const motion = this.#dynamic.length ? this.#dynamic.filter((v) => v >= DYNAMIC_SPEED).length / this.#dynamic.length : 0;
    const floor = (DYNAMIC_SPEED * Math.min(width, height)) / width / fps;
    const path = pathMotion(this.#steps, width, height, floor);
    const typical = median(path.speed.filter((v) => v >= floor));
    // Index i of `change` is frame i + 1 against frame i; the camera's step into frame i is speed[i].
    const speedAt = (frame: number) => path.speed[frame] ?? 0;
    const held = this.#change.map((v, i) => v < HELD_CHANGE || (typical > 0 && speedAt(i + 1) < HELD_SHARE * Math.max(...[-1, 0, 1, 2, 3].map((k) => speedAt(i + k)))));
    const abrupt = (frame: number) => (typical > 0 && speedAt(frame) >= ABRUPT_SHARE * typical) || (this.#change[frame - 1] ?? 0) >= ABRUPT_CHANGE;
    const holds = runs(held);
    const freezes = holds.filter(({ start, length }) => length / fps >= FREEZE_SECONDS && (abrupt(start) || abrupt(start + length + 1)));
    const curves = { ...c, flicker: flickerCurve(this.#tones), speed: path.speed.map((v) => v * fps) };
    return {
      frames,
      identity: mean(c.identity),
      drift: -slope(c.time, c.identity) * duration,
      colour: quantile(c.colour, 0.9),
      exposure: quantile(c.exposure.map(Math.abs), 0.9),
      flicker: mean(curves.flicker),
      warpError: c.warpError.reduce((s, v) => s + v, 0) / pairs,
      motion,
      pace: median(this.#dynamic),
      shake: path.jerk,
      stutter: path.unevenness,
      freeze: motion > 0 ? freezes.reduce((s, run) => s + run.length, 0) / pairs : 0,
      longestHold: Math.max(0, ...holds.map((run) => run.length)) / fps,
      held: held.filter(Boolean).length / pairs,
      detail: median(this.#detail),
      grain: median(this.#grain),
      blocking: median(this.#blocking),
      sharpness: mean(this.#sharpness),
      background: moved > 0 ? mean(this.#background) / moved : 0,
      camera: seenMove(this.#alignments[0]!, this.#alignments[frames - 1]!, width, height),
      audio: audioScores(audio, c),
      curves,
    };
  }
}

/**
 * Mean motion, in short sides of the frame, of the 5% of blocks that move most between two sampled
 * frames (VBench's dynamic degree takes the top 5% of optical flow; block motion stands in for
 * RAFT). Each block moves as the camera's fit says there (to the sub-pixel), or by its own vector
 * where that vector explains the change (a subject moving on its own), whichever is more.
 */
function topMotion(vectors: readonly BlockVector[], from: Alignment, to: Alignment, frame: Plane): number {
  if (vectors.length === 0) return 0;
  const lengths = vectors.map((v) => {
    const camera = Math.hypot(...cameraShift(from, to, v.x + BLOCK / 2, v.y + BLOCK / 2, frame.width, frame.height));
    const own = v.error < 0.7 * v.still && v.still - v.error > 1 ? Math.hypot(v.dx, v.dy) : 0;
    return Math.max(camera, own);
  });
  lengths.sort((a, b) => b - a);
  const top = lengths.slice(0, Math.max(1, Math.round(lengths.length * 0.05)));
  return mean(top) / Math.min(frame.width, frame.height);
}

/**
 * Per frame, how far the luma and chroma offsets from the reference jump away from the line
 * through their neighbours: a steady or slowly drifting exposure reads 0, light that pumps from
 * frame to frame reads the size of the pump.
 */
function flickerCurve(tones: readonly (readonly number[])[]): number[] {
  return tones.map((t, i) => {
    const before = tones[i - 1];
    const after = tones[i + 1];
    if (!before || !after) return 0;
    return Math.hypot(...t.map((v, k) => v - (before[k]! + after[k]!) / 2));
  });
}

/** The runs of true values: where each starts and how long it is. */
function runs(flags: readonly boolean[]): { start: number; length: number }[] {
  const found: { start: number; length: number }[] = [];
  flags.forEach((flag, i) => {
    const last = found[found.length - 1];
    if (!flag) return;
    if (last && last.start + last.length === i) last.length++;
    else found.push({ start: i, length: 1 });
  });
  return found;
}

/** The largest mean absolute difference of an 8x8 block between two planes of one size. */
function largestChange(a: Plane, b: Plane): number {
  let largest = 0;
  for (let by = 0; by + 8 <= a.height; by += 8) {
    for (let bx = 0; bx + 8 <= a.width; bx += 8) {
      let sum = 0;
      for (let y = by; y < by + 8; y++) for (let x = bx; x < bx + 8; x++) sum += Math.abs(a.data[y * a.stride + x]! - b.data[y * b.stride + x]!);
      largest = Math.max(largest, sum / 64);
    }
  }
  return largest;
}

function audioScores(audio: AudioTrack | undefined, c: Pick<TakeCurves, 'time' | 'motion'>): AudioScores {
  if (!audio || audio.samples.length === 0) return { present: false };
  const rate = c.time.length > 1 ? (c.time.length - 1) / (c.time[c.time.length - 1]! - c.time[0]!) : 1;
  const sync = onsetSync(onsets(audio.samples, audio.sampleRate), peaks(c.motion, rate, 0.1).map((t) => t + (c.time[0] ?? 0)));
  return { present: true, loudness: loudness(audio.samples), ...(sync === undefined ? {} : { onsetSync: sync }) };
}

/** A packed copy of `p`, into `into`'s buffer when it is the right size. */
function copy(p: Plane, into?: Plane): Plane {
  const out = into && into.data.length === p.width * p.height ? into.data : new Uint8Array(p.width * p.height);
  for (let y = 0; y < p.height; y++) out.set(p.data.subarray(y * p.stride, y * p.stride + p.width), y * p.width);
  return plane(out, p.width, p.height);
}

function copyFrame(frame: PlanarFrame): PlanarFrame {
  return { planes: frame.planes.map((p) => copy(p)) };
}
