/**
 * Ranking takes as a person would: each judged score becomes a mark on a fixed scale, the same in
 * every comparison, never stretched between the takes at hand. A mark is 1 up to where the eye
 * starts to see the fault (the `good` end: smaller differences are ties) and falls in a straight
 * line to 0 where the fault spoils the take (the `bad` end). The Overall is the weighted mean of
 * the marks, the weights the user's to change. So a take alone, or identical takes, score what
 * they are worth, and a clear fault always costs.
 *
 * Takes whose Overall is the same to two decimals tie: they share a rank. Within a tie the order
 * (and the default pick) follows the marks before they were capped at 1, that is the measurements
 * themselves, never the order the takes were wired in.
 */
import { moveName, type CameraMove, type RequestedMove } from './choices';
import type { TakeScores } from './take';

export const RANKED = ['identity', 'drift', 'colour', 'exposure', 'flicker', 'warpError', 'motion', 'shake', 'stutter', 'freeze', 'detail', 'grain', 'blocking', 'camera'] as const;
export type RankedScore = (typeof RANKED)[number];
export const SHOWN = ['pace', 'sharpness', 'background'] as const;
export type ShownScore = (typeof SHOWN)[number];
export type ScoreName = RankedScore | ShownScore;

export interface ScoreInfo {
  label: string;
  /** One line for the UI: what it measures and which way is better. */
  explain: string;
  /** Ranked scores only: which way is better, the fixed scale, the default weight, and how a verdict names the fault. */
  better?: 'higher' | 'lower';
  scale?: { good: number; bad: number };
  weight?: number;
  fault?: string;
}

export const SCORES: Readonly<Record<ScoreName, ScoreInfo>> = {
  identity: {
    label: 'Identity',
    explain: "SSIM of each frame's luma against the source (or the first frame) after following the camera's zoom and pan; 1 is the same picture.",
    better: 'higher',
    scale: { good: 0.95, bad: 0.5 },
    weight: 3,
    fault: 'strays from the source',
  },
  drift: {
    label: 'Drift',
    explain: 'How much identity falls from the start of the take to its end: shapes that bend or melt away; 0 holds steady.',
    better: 'lower',
    scale: { good: 0.03, bad: 0.3 },
    weight: 2,
    fault: 'drifts from the source',
  },
  colour: {
    label: 'Colour',
    explain: 'Distance in the Cb-Cr plane from the source framed alike, pixel by pixel, in 8-bit levels, at the worst tenth of the take: a hue or white-balance drift.',
    better: 'lower',
    scale: { good: 4, bad: 16 },
    weight: 2,
    fault: 'colour drifts',
  },
  exposure: {
    label: 'Exposure',
    explain: 'Mean brightness against the source framed alike, in levels, at the worst tenth of the take: a take that darkens or brightens.',
    better: 'lower',
    scale: { good: 3, bad: 16 },
    weight: 1,
    fault: 'exposure drifts',
  },
  flicker: {
    label: 'Flicker',
    explain: 'How far brightness and colour jump from frame to frame beyond their trend, in levels; 0 is steady light.',
    better: 'lower',
    scale: { good: 0.6, bad: 3 },
    weight: 2,
    fault: 'flickers',
  },
  warpError: {
    label: 'Warp error',
    explain: "Difference left between consecutive frames after following the camera and then each block's own motion, in levels: VBench's temporal flickering (the mean absolute difference of consecutive frames) once motion is compensated. Boiling textures read high.",
    better: 'lower',
    scale: { good: 2.5, bad: 7 },
    weight: 1,
    fault: 'textures boil',
  },
  motion: {
    label: 'Motion',
    explain: "Dynamic degree (VBench's idea): the share of the take, sampled 8 times a second, in which the 5% of the picture that moves most moves at least 2% of the frame's height a second. Below 25% the take is static.",
    better: 'higher',
    scale: { good: 0.75, bad: 0.25 },
    weight: 2,
    fault: 'static: no motion',
  },
  shake: {
    label: 'Shake',
    explain: "Camera jerk: how much the camera's velocity changes from frame to frame (the second difference of its zoom and pan), as a share of the frame's width.",
    better: 'lower',
    scale: { good: 0.001, bad: 0.006 },
    weight: 1.5,
    fault: 'jitters',
  },
  stutter: {
    label: 'Stutter',
    explain: "Unevenness of the camera's motion from frame to frame: each frame's step against its neighbours', over the mean step. 0 glides; repeated or skipped frames read high.",
    better: 'lower',
    scale: { good: 0.2, bad: 0.6 },
    weight: 1.5,
    fault: 'stutters',
  },
  freeze: {
    label: 'Freeze',
    explain: 'Share of a moving take spent on frames held for a quarter of a second or more.',
    better: 'lower',
    scale: { good: 0.05, bad: 0.3 },
    weight: 2,
    fault: 'freezes',
  },
  detail: {
    label: 'Detail',
    explain: 'Sharpness against the source framed alike (so a push-in that magnifies is not soft): 1 is all the detail the source allows; grain does not count as detail.',
    better: 'higher',
    scale: { good: 0.85, bad: 0.4 },
    weight: 2,
    fault: 'soft',
  },
  grain: {
    label: 'Grain',
    explain: 'Noise that changes from frame to frame, as its standard deviation in levels (Immerkaer\'s estimator on consecutive frames).',
    better: 'lower',
    scale: { good: 1, bad: 4 },
    weight: 1,
    fault: 'grainy',
  },
  blocking: {
    label: 'Blocking',
    explain: "How much larger the steps across the codec's 8-pixel block edges are than inside the blocks, beyond the source's own; 0 shows no grid.",
    better: 'lower',
    scale: { good: 0.25, bad: 1 },
    weight: 1,
    fault: 'blocky',
  },
  camera: {
    label: 'Camera move',
    explain: 'Whether the camera made the move asked for (1) or not (0); counts only when a move is asked for.',
    better: 'higher',
    scale: { good: 1, bad: 0 },
    weight: 2,
    fault: 'wrong camera move',
  },
  pace: { label: 'Pace', explain: 'How fast the 5% of the picture that moves most moves, in frame heights a second (median over the take).' },
  sharpness: { label: 'Sharpness', explain: 'High-frequency energy of full-size luma (RMS Laplacian), in levels: crispness, grain included.' },
  background: { label: 'Background share', explain: 'Motion of the border against the centre: near 0 the background stays put while the subject moves, near 0.5 the whole frame moves.' },
};

export type Weights = Readonly<Record<RankedScore, number>>;
export const DEFAULT_WEIGHTS: Weights = Object.fromEntries(RANKED.map((name) => [name, SCORES[name].weight!])) as Record<RankedScore, number>;

/** What the user asked the camera to do: a move, none ('static'), or anything that moves. */

/** A take's value for every score, as judged against a request. */
export function scoreValues(take: TakeScores, move: RequestedMove): Record<ScoreName, number> {
  const values = Object.fromEntries([...RANKED, ...SHOWN].filter((name) => name !== 'camera').map((name) => [name, take[name as Exclude<ScoreName, 'camera'>]])) as Record<ScoreName, number>;
  values.camera = move === 'any' || take.camera.move === move ? 1 : 0;
  return values;
}

/** A mark on the score's fixed scale, before capping: above 1 past the good end, 0 at the bad end and beyond. */
function rawMark(name: RankedScore, value: number): number {
  const { good, bad } = SCORES[name].scale!;
  return Math.max(0, (value - bad) / (good - bad));
}

/** The mark of one value, 0..1. */
export function mark(name: RankedScore, value: number): number {
  return Math.min(1, rawMark(name, value));
}

/** The weights that count for a request: the camera's move only when one is asked for, motion not when a still camera is. */
export function effectiveWeights(weights: Weights, move: RequestedMove): Weights {
  return { ...weights, camera: move === 'any' ? 0 : weights.camera, motion: move === 'static' ? 0 : weights.motion };
}

export interface Verdict {
  /** The score whose fault costs the take most, or none for a take with no visible fault. */
  fault?: RankedScore;
  /** One line: "stutters", "static: no motion", "no visible fault". */
  text: string;
}

export interface RankedTake {
  values: Record<ScoreName, number>;
  marks: Record<RankedScore, number>;
  /** Weighted mean of the marks, 0..1. */
  total: number;
  /** 1-based; takes that tie share it. */
  rank: number;
  verdict: Verdict;
}

export interface Ranking {
  /** Take indices, best first. */
  order: number[];
  takes: RankedTake[];
}

/** Overalls equal to this many decimals tie. */
const TIE_DECIMALS = 2;
/** A mark below this is a fault the verdict names (and the viewer marks). */
export const FAULT_MARK = 0.9;

export function rankTakes(takes: readonly TakeScores[], options: { weights?: Weights; move?: RequestedMove } = {}): Ranking {
  const move = options.move ?? 'any';
  const weights = effectiveWeights(options.weights ?? DEFAULT_WEIGHTS, move);
  const sum = RANKED.reduce((s, name) => s + weights[name], 0);
  const scored = takes.map((take) => {
    const values = scoreValues(take, move);
    const marks = Object.fromEntries(RANKED.map((name) => [name, mark(name, values[name])])) as Record<RankedScore, number>;
    const total = sum > 0 ? RANKED.reduce((s, name) => s + weights[name] * marks[name], 0) / sum : 1;
    const raw = sum > 0 ? RANKED.reduce((s, name) => s + weights[name] * rawMark(name, values[name]), 0) / sum : 1;
    return { values, marks, total, raw, shown: round(total, TIE_DECIMALS), verdict: verdictOf(take, marks, weights, move) };
  });
  const order = scored.map((_, i) => i).sort((a, b) => scored[b]!.shown - scored[a]!.shown || scored[b]!.raw - scored[a]!.raw || a - b);
  return {
    order,
    takes: scored.map(({ values, marks, total, shown, verdict }) => ({ values, marks, total, verdict, rank: 1 + scored.filter((other) => other.shown > shown).length })),
  };
}

/**
 * The fault that costs the take most (weight times lost mark), named. A take that leaves the
 * source in its structure and wholly in its colours has become another picture.
 */
function verdictOf(take: TakeScores, marks: Record<RankedScore, number>, weights: Weights, move: RequestedMove): Verdict {
  const faults = RANKED.filter((name) => weights[name] > 0 && marks[name] < FAULT_MARK);
  if (faults.length === 0) return { text: 'no visible fault' };
  const fault = faults.reduce((worst, name) => (weights[name] * (1 - marks[name]) > weights[worst] * (1 - marks[worst]) ? name : worst));
  if ((fault === 'identity' || fault === 'drift') && marks.colour === 0) return { fault: 'identity', text: 'turns into another picture' };
  return { fault, text: faultText(fault, take, move) };
}

function faultText(fault: RankedScore, take: TakeScores, move: RequestedMove): string {
  const percent = (v: number) => `${Math.round(v * 100)}%`;
  switch (fault) {
    case 'identity':
    case 'drift':
      return `${SCORES[fault].fault} (identity ${take.identity.toFixed(2)})`;
    case 'colour':
      return `colour drifts (${take.colour.toFixed(0)} levels from the source)`;
    case 'exposure':
      return `exposure drifts (${take.exposure.toFixed(0)} levels from the source)`;
    case 'flicker':
      return `flickers (${take.flicker.toFixed(1)} levels frame to frame)`;
    case 'motion':
      return take.motion > 0 ? `static: barely moves (${percent(take.motion)} of the take)` : 'static: no motion';
    case 'stutter':
      return take.held > 0.05 ? `stutters (${percent(take.held)} of frames repeat)` : 'stutters';
    case 'freeze':
      return `freezes (${take.longestHold.toFixed(1)} s held)`;
    case 'detail':
      return `soft (${percent(take.detail)} of the source's detail)`;
    case 'camera':
      return `wrong camera move: ${moveName(take.camera.move)}, asked to ${moveName(move)}`;
    default:
      return SCORES[fault].fault!;
  }
}

/** Patterns that name a camera move in a prompt, as people write them. */
const MOVE_WORDS: readonly [CameraMove, RegExp][] = [
  ['push-in', /\b(push(es|ing)?|zoom(s|ing)?|dolly(ing)?|dollies|mov(e|es|ing)|track(s|ing)?)[ -](in|closer|forward)\b|\bpush-?in\b/i],
  ['pull-out', /\b(pull(s|ing)?|zoom(s|ing)?|dolly(ing)?|dollies|mov(e|es|ing)|track(s|ing)?)[ -](out|back|away)\b|\bpull-?out\b/i],
  ['pan-left', /\bpan(s|ning)?( to the| towards the)? left\b/i],
  ['pan-right', /\bpan(s|ning)?( to the| towards the)? right\b/i],
  ['tilt-up', /\btilt(s|ing)? up(ward)?\b/i],
  ['tilt-down', /\btilt(s|ing)? down(ward)?\b/i],
  ['static', /\b(static|still|locked[- ]off|fixed|tripod) (camera|shot)\b|\bcamera (is |stays |remains |holds )?(static|still|fixed|steady)\b|\bno camera (movement|motion|move)\b/i],
];

/** The camera move a prompt asks for (the first one it names), or undefined when it names none. */
export function moveInPrompt(prompt: string): CameraMove | undefined {
  let found: { move: CameraMove; at: number } | undefined;
  for (const [move, pattern] of MOVE_WORDS) {
    const at = pattern.exec(prompt)?.index;
    if (at !== undefined && (!found || at < found.at)) found = { move, at };
  }
  return found?.move;
}

/**
 * Weights as the user writes them: "identity=3, motion=2" (any of the ranked scores; the rest
 * keep their defaults). Throws a message naming what is wrong.
 */
export function parseWeights(text: string): Weights {
  const weights: Record<RankedScore, number> = { ...DEFAULT_WEIGHTS };
  for (const item of text.split(/[,;\n]/).map((s) => s.trim()).filter(Boolean)) {
    const match = /^([A-Za-z]+)\s*[=:]\s*(\d+(?:\.\d+)?)$/.exec(item);
    if (!match) throw new RangeError(`"${item}" is not a weight; write name=number, e.g. identity=3`);
    const name = RANKED.find((n) => n.toLowerCase() === match[1]!.toLowerCase());
    if (!name) throw new RangeError(`"${match[1]}" is not a ranked score; use one of ${RANKED.join(', ')}`);
    const value = Number(match[2]);
    if (value > 100) throw new RangeError(`${name}=${match[2]} is too large; weights run 0..100`);
    weights[name] = value;
  }
  if (RANKED.every((name) => weights[name] === 0)) throw new RangeError('every weight is 0; give at least one score a weight');
  return weights;
}

/** Weights as text for the Weights param: only those that differ from the defaults. */
export function formatWeights(weights: Weights): string {
  return RANKED.filter((name) => weights[name] !== DEFAULT_WEIGHTS[name])
    .map((name) => `${name}=${weights[name]}`)
    .join(', ');
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
