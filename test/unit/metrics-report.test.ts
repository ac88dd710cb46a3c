/**
 * The Compare node's edges and its report, run through the engine: too many takes, a pick past
 * the last take, weights it cannot read and a take that is no video are refused with messages
 * that say what to change. The report explains its Overall, survives the trip through JSON text
 * and is refused when it is not one; the pick follows the ranking unless the user chose.
 */
import { describe, expect, it } from 'vitest';
import { Engine, NodeRegistry, WORKFLOW_FORMAT, WORKFLOW_VERSION, type WorkflowDocument } from '../../src/engine';
import { parseWeights } from '../../src/metrics';
import { buildReport, parseReport } from '../../src/metrics/report';
import compare, { MAX_TAKES } from '../../src/nodes/compare';
import { clip, scored } from '../support/scored-take';

/** Compare's error when `takes` clips are wired in and Pick is `pick`. */
async function refusal(takes: number, pick = 0, weights = ''): Promise<string | undefined> {
  const clips = Array.from({ length: takes }, (_, n) => ({ id: `clip-${n}`, type: 'test.clip', version: 1, position: { x: 0, y: 0 }, params: { n } }));
  const document: WorkflowDocument = {
    format: WORKFLOW_FORMAT,
    version: WORKFLOW_VERSION,
    id: 'refusals',
    name: 'refusals',
    nodes: [...clips, { id: 'compare', type: 'analyse.compare', version: 1, position: { x: 0, y: 0 }, params: { pick, weights } }],
    edges: clips.map((c) => ({ id: `e-${c.id}`, source: c.id, sourcePort: 'video', target: 'compare', targetPort: 'takes' })),
  };
  const summary = await new Engine({ registry: new NodeRegistry([clip, compare]) }).run({ document });
  return summary.nodes.compare?.error;
}

describe('Compare node refuses', () => {
  it(`more than ${MAX_TAKES} takes`, async () => {
    expect(await refusal(10)).toMatch(/10 takes wired in; Compare takes at most 9/);
  });
  it('a pick past the last take', async () => {
    expect(await refusal(2, 3)).toMatch(/Pick is take 3, but only 2 takes are wired in/);
  });
  it('weights it cannot read, saying how to write them, before any take is decoded', async () => {
    expect(await refusal(2, 0, 'identity=2, sharpnes=1')).toMatch(/^Weights: "sharpnes" is not a ranked score; use one of identity, drift, colour/);
  });
  it('a take it cannot read, naming the take', async () => {
    // Not a video file: the frame reader says so, and the message says which take.
    expect(await refusal(2)).toMatch(/^take 1: it is not a video file this app can read/);
  });
});

describe('the report', () => {
  it('ranks on fixed scales, picks the best by default, and reads back from JSON', () => {
    const report = buildReport([scored(0.5), scored(0.98), scored(0.7)], { pick: 0, reference: 'source' });
    expect(report.ranking).toEqual([1, 2, 0]);
    expect(report.takes.map((t) => t.rank)).toEqual([3, 1, 2]);
    expect(report).toMatchObject({ picked: 1, pickedBy: 'rank' });
    expect(report.takes[1]).toMatchObject({ total: 1, verdict: { text: 'no visible fault' } });
    expect(report.takes[0]!.verdict).toMatchObject({ fault: 'identity', text: 'strays from the source (identity 0.50)' });
    expect(parseReport(JSON.stringify(report))).toEqual(report);
    expect(report.scores.identity.explain.length).toBeGreaterThan(10);
  });

  it("passes the user's pick (1-based) whatever the ranking", () => {
    expect(buildReport([scored(0.5), scored(0.9)], { pick: 1, reference: 'first-frame' })).toMatchObject({ picked: 0, pickedBy: 'user' });
  });

  it('explains the Overall: which scores count, with which weights', () => {
    const report = buildReport([scored(0.9)], { pick: 0, reference: 'source', weights: parseWeights('identity=5, grain=0'), request: { move: 'push-in', from: 'prompt' } });
    expect(report.overall.explain).toMatch(/weighted mean of the marks \(weights: Identity 5, Drift 2, /);
    expect(report.overall.explain).not.toMatch(/Grain/);
    expect(report.overall.explain).toMatch(/Camera move 2\)/);
    expect(report.overall.explain).toMatch(/The camera was asked to push in\.$/);
    expect(report.overall).toMatchObject({ weights: { identity: 5, grain: 0, camera: 2 }, counted: { identity: 5, grain: 0, camera: 2 } });
    expect(buildReport([scored(0.9)], { pick: 0, reference: 'source' }).overall.counted.camera).toBe(0);
  });

  it('is not read from text that is not a report', () => {
    expect(parseReport('hello')).toBeUndefined();
    expect(parseReport('{"format":"other"}')).toBeUndefined();
  });
});
