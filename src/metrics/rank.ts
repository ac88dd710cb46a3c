/**
 * Ranking takes: each ranked score is scaled across the takes (best 1, worst 0), then weighted
 * and summed. Scores that describe rather than judge (how much moves, sound) are shown, not ranked.
 */
import type { TakeScores } from './take';

export type ScoreName = 'identity' | 'drift' | 'flicker' | 'warpError' | 'sharpness' | 'motion' | 'background';

export interface ScoreInfo {
  label: string;
  /** One line for the UI: what it measures and which way is better. */
  explain: string;
  /** Ranked scores say which way is better and how much they count; others are informative. */
  better?: 'higher' | 'lower';
  weight?: number;
}

export const SCORES: Readonly<Record<ScoreName, ScoreInfo>> = {
  identity: { label: 'Identity', better: 'higher', weight: 0.3, explain: "SSIM of each frame's luma (160 px wide) against the source, or the first frame, after following the camera's zoom and pan; 1 is the same picture." },
  drift: { label: 'Drift', better: 'lower', weight: 0.15, explain: 'How much identity falls from the start of the clip to its end; 0 holds steady.' },
  flicker: { label: 'Flicker', better: 'lower', weight: 0.15, explain: 'Mean change of overall brightness from frame to frame, in 8-bit levels; 0 is steady light.' },
  warpError: { label: 'Warp error', better: 'lower', weight: 0.2, explain: 'Difference left between frames after motion compensation, in levels; high means boiling or popping.' },
  sharpness: { label: 'Sharpness', better: 'higher', weight: 0.2, explain: 'High-frequency energy (RMS Laplacian of luma); an upscaled soft clip reads low.' },
  motion: { label: 'Motion', explain: 'How far things move, as a share of the frame width per second.' },
  background: { label: 'Background share', explain: 'Motion of the border against the centre: near 0 the background stays put while the subject moves, near 0.5 the whole frame moves.' },
};

const RANKED = (Object.keys(SCORES) as ScoreName[]).filter((name) => SCORES[name].better);

export interface Ranking {
  /** Take indices, best first. */
  order: number[];
  /** Each take's weighted total, 0..1. */
  totals: number[];
}

export function rankTakes(takes: readonly Pick<TakeScores, ScoreName>[]): Ranking {
  const totals = takes.map(() => 0);
  const weights = RANKED.reduce((s, name) => s + SCORES[name].weight!, 0);
  for (const name of RANKED) {
    const values = takes.map((t) => t[name]);
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    values.forEach((v, i) => {
      // Equal everywhere: the score tells the takes apart in no way, so all get full marks.
      const scaled = hi - lo < 1e-12 ? 1 : (v - lo) / (hi - lo);
      totals[i]! += (SCORES[name].weight! * (SCORES[name].better === 'higher' ? scaled : 1 - scaled)) / weights;
    });
  }
  const order = takes.map((_, i) => i).sort((a, b) => totals[b]! - totals[a]! || a - b);
  return { order, totals };
}
