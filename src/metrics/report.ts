/**
 * The comparison report: what the Compare node writes to its `report` output as JSON and the
 * viewer reads back, validated, since it crosses from the worker's output to the UI as text.
 */
import { z } from 'zod';
import { rankTakes, SCORES, type ScoreName } from './rank';
import type { TakeScores } from './take';

const REPORT_FORMAT = 'stillmotion.compare';

const curve = z.array(z.number());
const scoreNames = Object.keys(SCORES) as [ScoreName, ...ScoreName[]];

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
  scores: z.record(z.enum(scoreNames), z.object({ label: z.string(), explain: z.string(), better: z.enum(['higher', 'lower']).optional() })),
  takes: z.array(
    z.object({
      total: z.number(),
      width: z.number(),
      height: z.number(),
      fps: z.number(),
      values: z.record(z.enum(scoreNames), z.number()),
      audio: z.object({ present: z.boolean(), loudness: z.number().optional(), onsetSync: z.number().optional() }),
      curves: z.object({ time: curve, identity: curve, flicker: curve, warpError: curve, motion: curve, sharpness: curve }),
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

/** Ranks the takes and builds the report; `pick` 0 takes the best ranked, n takes take n (1-based). */
export function buildReport(takes: readonly ScoredTake[], pick: number, reference: CompareReport['reference']): CompareReport {
  const { order, totals } = rankTakes(takes.map((t) => t.scores));
  const round = (v: number) => Math.round(v * 1e4) / 1e4;
  return {
    format: REPORT_FORMAT,
    picked: pick === 0 ? order[0]! : pick - 1,
    pickedBy: pick === 0 ? 'rank' : 'user',
    ranking: order,
    reference,
    scores: Object.fromEntries(Object.entries(SCORES).map(([name, { label, explain, better }]) => [name, { label, explain, ...(better ? { better } : {}) }])) as CompareReport['scores'],
    takes: takes.map(({ scores, width, height, fps }, i) => ({
      total: round(totals[i]!),
      width,
      height,
      fps,
      values: Object.fromEntries((Object.keys(SCORES) as ScoreName[]).map((name) => [name, round(scores[name])])) as Record<ScoreName, number>,
      audio: scores.audio,
      curves: Object.fromEntries(Object.entries(scores.curves).map(([name, values]) => [name, (values as number[]).map(round)])) as CompareReport['takes'][number]['curves'],
    })),
  };
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
