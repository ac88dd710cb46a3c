/**
 * The Compare node's edges and its report: bad wiring and a pick past the last take are refused
 * with messages that say what to change; the report survives the trip through JSON text and is
 * refused when it is not one; the pick follows the ranking unless the user chose.
 */
import { describe, expect, it } from 'vitest';
import { NodeError, type VideoValue } from '../../src/engine';
import { buildReport, parseReport, type ScoredTake } from '../../src/metrics/report';
import compare, { MAX_TAKES } from '../../src/nodes/compare';

const video = (n: number): VideoValue => ({ kind: 'video', hash: String(n).padStart(64, '0'), blob: new Blob([]), mime: 'video/mp4', width: 64, height: 36, duration: 1, fps: 30, hasAudio: false });

function run(takes: VideoValue[], pick = 0) {
  return compare.run({
    nodeId: 'compare',
    inputs: { takes },
    params: { pick },
    signal: new AbortController().signal,
    progress: () => {},
    assets: { get: async () => undefined },
    workflow: { format: 'stillmotion.workflow', version: 1, id: 'w', name: 'w', nodes: [], edges: [] },
  });
}

describe('Compare node refuses', () => {
  it('no takes', async () => {
    await expect(run([])).rejects.toThrow(new NodeError('no takes to compare: wire one or more videos into Takes'));
  });
  it(`more than ${MAX_TAKES} takes`, async () => {
    await expect(run(Array.from({ length: 10 }, (_, i) => video(i)))).rejects.toThrow(/10 takes wired in; Compare takes at most 9/);
  });
  it('a pick past the last take', async () => {
    await expect(run([video(1), video(2)], 3)).rejects.toThrow(/Pick is take 3, but only 2 takes are wired in/);
  });
});

function scored(identity: number): ScoredTake {
  const curves = { time: [0, 1 / 30], identity: [identity, identity], flicker: [0, 0], warpError: [0, 0], motion: [0, 0], sharpness: [5, 5] };
  return { width: 64, height: 36, fps: 30, scores: { frames: 2, identity, drift: 0, flicker: 0, warpError: 0, motion: 0, background: 0, sharpness: 5, audio: { present: false }, curves } };
}

describe('the report', () => {
  it('ranks, picks the best by default, and reads back from JSON', () => {
    const report = buildReport([scored(0.5), scored(0.9), scored(0.7)], 0, 'source');
    expect(report.ranking).toEqual([1, 2, 0]);
    expect(report).toMatchObject({ picked: 1, pickedBy: 'rank' });
    expect(parseReport(JSON.stringify(report))).toEqual(report);
    expect(report.scores.identity.explain.length).toBeGreaterThan(10);
  });
  it("passes the user's pick (1-based) whatever the ranking", () => {
    expect(buildReport([scored(0.5), scored(0.9)], 1, 'first-frame')).toMatchObject({ picked: 0, pickedBy: 'user' });
  });
  it('is not read from text that is not a report', () => {
    expect(parseReport('hello')).toBeUndefined();
    expect(parseReport('{"format":"other"}')).toBeUndefined();
  });
});
