/**
 * Every score of one take, gathered frame by frame as the clip decodes: only the previous frame
 * (shrunk) and the per-frame curves are kept, never the clip.
 */
import { ANALYSIS_WIDTH, luma, meanOf, plane, shrink, type PlanarFrame, type Plane } from './frame';
import { identityTracker, type IdentityTracker } from './identity';
import { blockVectors, motionOfVectors } from './motion';
import { sharpness } from './sharpness';
import { loudness, onsets, onsetSync, peaks } from './audio';

/** Per-frame values; the first frame has no predecessor, so its temporal values are 0. */
export interface TakeCurves {
  time: number[];
  identity: number[];
  flicker: number[];
  warpError: number[];
  motion: number[];
  sharpness: number[];
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
  identity: number;
  drift: number;
  flicker: number;
  warpError: number;
  /** Share of the frame's width moved per second. */
  motion: number;
  /** Border motion over border plus centre motion: 0 still background, about 0.5 camera move. */
  background: number;
  sharpness: number;
  audio: AudioScores;
  curves: TakeCurves;
}

/** Mono samples of a take's sound, if it has any. */
export interface AudioTrack {
  samples: Float32Array;
  sampleRate: number;
}

export class TakeAnalyser {
  #tracker: IdentityTracker | undefined;
  #previousMean: number | undefined;
  #previousSmall: Plane | undefined;
  #background: number[] = [];
  #subject: number[] = [];
  readonly curves: TakeCurves = { time: [], identity: [], flicker: [], warpError: [], motion: [], sharpness: [] };

  /** `reference`: the source image's luma; without one, identity is measured against the first frame. */
  constructor(reference?: Plane) {
    if (reference) this.#tracker = identityTracker(reference);
  }

  /** Takes the next frame of the clip, at `time` seconds. The frame's buffers may be reused after. */
  add(frame: PlanarFrame, time: number): void {
    const y = luma(frame);
    this.#tracker ??= identityTracker(copy(y));
    const small = shrink(y, ANALYSIS_WIDTH).plane;
    const c = this.curves;
    c.time.push(time);
    c.identity.push(this.#tracker.next(small).identity);
    c.sharpness.push(sharpness(y));
    const level = meanOf(y);
    if (this.#previousMean !== undefined && this.#previousSmall) {
      const m = motionOfVectors(blockVectors(this.#previousSmall, small), small.width);
      c.flicker.push(Math.abs(level - this.#previousMean));
      c.warpError.push(m.warpError);
      c.motion.push(m.motion);
      this.#background.push(m.background);
      this.#subject.push(m.subject);
    } else {
      c.flicker.push(0);
      c.warpError.push(0);
      c.motion.push(0);
    }
    this.#previousSmall = small;
    this.#previousMean = level;
  }

  finish(audio?: AudioTrack): TakeScores {
    const c = this.curves;
    const frames = c.time.length;
    if (frames === 0) throw new RangeError('a take needs at least one frame to be scored');
    const pairs = Math.max(1, frames - 1);
    const duration = frames > 1 ? c.time[frames - 1]! - c.time[0]! : 0;
    const moved = mean(this.#background) + mean(this.#subject);
    return {
      frames,
      identity: mean(c.identity),
      drift: -slope(c.time, c.identity) * duration,
      flicker: sum(c.flicker) / pairs,
      warpError: sum(c.warpError) / pairs,
      motion: duration > 0 ? sum(c.motion) / duration : 0,
      background: moved > 0 ? mean(this.#background) / moved : 0,
      sharpness: mean(c.sharpness),
      audio: audioScores(audio, c),
      curves: c,
    };
  }
}

function audioScores(audio: AudioTrack | undefined, c: TakeCurves): AudioScores {
  if (!audio || audio.samples.length === 0) return { present: false };
  const rate = c.time.length > 1 ? (c.time.length - 1) / (c.time[c.time.length - 1]! - c.time[0]!) : 1;
  const sync = onsetSync(onsets(audio.samples, audio.sampleRate), peaks(c.motion, rate, 0.1).map((t) => t + (c.time[0] ?? 0)));
  return { present: true, loudness: loudness(audio.samples), ...(sync === undefined ? {} : { onsetSync: sync }) };
}

function copy(p: Plane): Plane {
  const out = new Uint8Array(p.width * p.height);
  for (let y = 0; y < p.height; y++) out.set(p.data.subarray(y * p.stride, y * p.stride + p.width), y * p.width);
  return plane(out, p.width, p.height);
}

const sum = (values: readonly number[]) => values.reduce((s, v) => s + v, 0);
const mean = (values: readonly number[]) => (values.length ? sum(values) / values.length : 0);

/** Least-squares slope of y against x; 0 with fewer than two points. */
function slope(x: readonly number[], y: readonly number[]): number {
  if (x.length < 2) return 0;
  const mx = mean(x);
  const my = mean(y);
  let num = 0;
  let den = 0;
  for (let i = 0; i < x.length; i++) {
    num += (x[i]! - mx) * (y[i]! - my);
    den += (x[i]! - mx) ** 2;
  }
  return den > 0 ? num / den : 0;
}
