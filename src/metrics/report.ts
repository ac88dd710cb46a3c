/**
 * The comparison report: what the Compare node writes to its `report` output as JSON and the
 * viewer reads back, validated, since it crosses from the worker's output to the UI as text. It
 * carries everything the viewer shows, explanations included, so the viewer only lays it out.
 */
import { z } from 'zod';
import { CAMERA_MOVES, moveName, type RequestedMove } from './choices';
import { DEFAULT_WEIGHTS, effectiveWeights, RANKED, rankTakes, SCORES, SHOWN, type RankedScore, type ScoreName, type Weights } from './rank';
import type { TakeScores } from './take';

const REPORT_FORMAT = 'stillmotion.compare';

const curve = z.array(z.number());
const scoreNames = [...RANKED, ...SHOWN] as [ScoreName, ...ScoreName[]];
const rankedNames = z.enum(RANKED);
const requested = z.enum(['any', ...CAMERA_MOVES]);

const cameraSchema = z.object({ move: z.enum(CAMERA_MOVES), zoom: z.number(), pan: z.number(), tilt: z.number() });
const audioSchema = z.object({ present: z.boolean(), loudness: z.number().optional(), onsetSync: z.number().optional() });
const curvesSchema = z.object({ time: curve, identity: curve, colour: curve, exposure: curve, flicker: curve, warpError: curve, motion: curve, speed: curve, detail: curve });

const reportSchema = z.object({
  format: z.literal(REPORT_FORMAT),
  /** The take passed downstream, 0-based. */
  picked: z.number().int().nonnegative(),
  /** Whether `picked` is the best ranked (the pick param was 0) or the user's choice. */
  pickedBy: z.enum(['rank', 'user']),
  /** Take indices, best first. */
  ranking: z.array(z.number().int().nonnegative()),
  /** Against the source image, or each take's own first frame. */
  reference: z.enum(['source', 'first-frame']),
  /** The camera move asked for, and where that came from. */
  request: z.object({ move: requested, from: z.enum(['param', 'prompt', 'default']) }),
  overall: z.object({
    /** How the Overall is made, in a sentence naming the scores and weights that count. */
    explain: z.string(),
    /** The weights as set (the Weights param over the defaults), and those that counted here. */
    weights: z.record(rankedNames, z.number()),
    counted: z.record(rankedNames, z.number()),
  }),
  scores: z.record(
    z.enum(scoreNames),
    z.object({ label: z.string(), explain: z.string(), better: z.enum(['higher', 'lower']).optional(), scale: z.object({ good: z.number(), bad: z.number() }).optional() }),
  ),
  takes: z.array(
    z.object({
      /** Weighted mean of the marks, to the two decimals within which takes tie. */
      total: z.number(),
      /** 1-based; tied takes share it. */
      rank: z.number().int().positive(),
      verdict: z.object({ fault: rankedNames.optional(), text: z.string() }),
      width: z.number(),
      height: z.number(),
      fps: z.number(),
      values: z.record(z.enum(scoreNames), z.number()),
      marks: z.record(rankedNames, z.number()),
      camera: cameraSchema,
      audio: audioSchema,
      curves: curvesSchema,
    }),
  ),
});

export type CompareReport = z.infer<typeof reportSchema>;

export interface ScoredTake {
  scores: TakeScores;
  width: number;
  height: number;
  fps: number;
}

const SCALAR_SCORES = ['frames', 'identity', 'drift', 'colour', 'exposure', 'flicker', 'warpError', 'motion', 'pace', 'shake', 'stutter', 'freeze', 'longestHold', 'held', 'detail', 'grain', 'blocking', 'sharpness', 'background'] as const;

const scoredTakeSchema = z.object({
  scores: z.object({
    ...(Object.fromEntries(SCALAR_SCORES.map((name) => [name, z.number()])) as Record<(typeof SCALAR_SCORES)[number], z.ZodNumber>),
    camera: cameraSchema,
    audio: audioSchema,
    curves: curvesSchema,
  }),
  width: z.number(),
  height: z.number(),
  fps: z.number(),
});

/**
 * A take's scores as the Compare node keeps them between runs (its memo, in the output cache),
 * read back through the schema: what does not parse is scored again.
 */
export const SCORED_TAKE_CODEC = {
  encode: (take: ScoredTake): string => JSON.stringify(take),
  decode(text: string): ScoredTake | undefined {
    try {
      const parsed = scoredTakeSchema.safeParse(JSON.parse(text));
      return parsed.success ? (parsed.data satisfies ScoredTake) : undefined;
    } catch {
      return undefined;
    }
  },
};

export interface ReportOptions {
  /** 0 takes the best ranked, n takes take n (1-based). */
  pick: number;
  reference: CompareReport['reference'];
  weights?: Weights;
  request?: CompareReport['request'];
}

/** Ranks the takes and builds the report. */
export function buildReport(takes: readonly ScoredTake[], options: ReportOptions): CompareReport {
  const weights = options.weights ?? DEFAULT_WEIGHTS;
  const request = options.request ?? { move: 'any', from: 'default' };
  const { order, takes: ranked } = rankTakes(
    takes.map((t) => t.scores),
    { weights, move: request.move },
  );
  const counted = effectiveWeights(weights, request.move);
  const round = (v: number) => Math.round(v * 1e4) / 1e4;
  return {
    format: REPORT_FORMAT,
    picked: options.pick === 0 ? order[0]! : options.pick - 1,
    pickedBy: options.pick === 0 ? 'rank' : 'user',
    ranking: order,
    reference: options.reference,
    request,
    overall: { explain: explainOverall(counted, request.move), weights, counted },
    scores: Object.fromEntries(
      Object.entries(SCORES).map(([name, { label, explain, better, scale }]) => [name, { label, explain, ...(better ? { better } : {}), ...(scale ? { scale } : {}) }]),
    ) as CompareReport['scores'],
    takes: takes.map(({ scores, width, height, fps }, i) => {
      const { values, marks, total, rank, verdict } = ranked[i]!;
      return {
        total: Math.round(total * 100) / 100,
        rank,
        verdict,
        width,
        height,
        fps,
        values: Object.fromEntries(Object.entries(values).map(([name, v]) => [name, round(v)])) as Record<ScoreName, number>,
        marks: Object.fromEntries(Object.entries(marks).map(([name, v]) => [name, round(v)])) as Record<RankedScore, number>,
        camera: { move: scores.camera.move, zoom: round(scores.camera.zoom), pan: round(scores.camera.pan), tilt: round(scores.camera.tilt) },
        audio: scores.audio,
        curves: Object.fromEntries(Object.entries(scores.curves).map(([name, values]) => [name, (values as number[]).map(round)])) as CompareReport['takes'][number]['curves'],
      };
    }),
  };
}

/** "Overall: the weighted mean of the marks of Identity (3), Drift (2), ...", naming what was left out and why. */
function explainOverall(counted: Weights, move: RequestedMove): string {
  const parts = RANKED.filter((name) => counted[name] > 0).map((name) => `${SCORES[name].label} ${counted[name]}`);
  const notes = [
    move === 'any' ? 'Camera move counts only when a move is asked for' : `The camera was asked to ${moveName(move)}`,
    ...(move === 'static' ? ['Motion does not count for a still camera'] : []),
  ];
  return `Overall is the weighted mean of the marks (weights: ${parts.join(', ')}). Each mark is 1 while its score is within what the eye does not see, and falls to 0 where the fault spoils the take; takes equal to two decimals tie. ${notes.join('. ')}.`;
}

/** Reads a report back from the node's text output; undefined when the text is not one. */
export function parseReport(text: string): CompareReport | undefined {
  try {
    const parsed = reportSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
