/**
 * The Compare node's edges and its report, run through the engine: too many takes, a pick past
 * the last take and a take that is no video are refused with messages that say what to change.
 * The report survives the trip through JSON text and is refused when it is not one; the pick
 * follows the ranking unless the user chose.
 */
import { describe, expect, it } from 'vitest';
import { createMedia, defineNode, Engine, NodeRegistry, param, WORKFLOW_FORMAT, WORKFLOW_VERSION, type WorkflowDocument } from '../../src/engine';
import { buildReport, parseReport, type ScoredTake } from '../../src/metrics/report';
import compare, { MAX_TAKES } from '../../src/nodes/compare';

/** A stand-in take: the refusals come before any frame is decoded. */
const clip = defineNode({
  type: 'test.clip',
  version: 1,
  title: 'Clip',
  category: 'Input',
  description: 'A stand-in video.',
  inputs: {},
  outputs: { video: { type: 'video', label: 'Video' } },
  params: { n: param.number({ label: 'n', default: 0, min: 0, max: 99 }) },
  run: async ({ params }) => ({ video: await createMedia('video', new Blob([String(params.n)]), { mime: 'video/mp4', width: 64, height: 36, duration: 1, fps: 30, hasAudio: false }) }),
});

/** Compare's error when `takes` clips are wired in and Pick is `pick`. */
async function refusal(takes: number, pick = 0): Promise<string | undefined> {
  const clips = Array.from({ length: takes }, (_, n) => ({ id: `clip-${n}`, type: 'test.clip', version: 1, position: { x: 0, y: 0 }, params: { n } }));
  const document: WorkflowDocument = {
    format: WORKFLOW_FORMAT,
    version: WORKFLOW_VERSION,
    id: 'refusals',
    name: 'refusals',
    nodes: [...clips, { id: 'compare', type: 'analyse.compare', version: 1, position: { x: 0, y: 0 }, params: { pick } }],
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
  it('a take it cannot read, naming the take', async () => {
    // Not a video file: the frame reader says so, and the message says which take.
    expect(await refusal(2)).toMatch(/^take 1: it is not a video file this app can read/);
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
