/**
 * Compare's weights re-rank through the engine without scoring the takes again. A take's scores
 * are kept in the output cache (the node's memo) by the take's content and the source's, so a run
 * with new weights or a new Pick ranks the kept scores anew and decodes nothing: the stand-in takes
 * here are not video, so a take the node tried to decode would fail it. A kept entry that no
 * longer reads is scored again. The engine's memo is shared by every key of one node type and
 * version, and by nothing else.
 */
import { describe, expect, it } from 'vitest';
import { defineNode, Engine, hashBytes, MemoryCache, memoKey, NodeRegistry, param, WORKFLOW_FORMAT, WORKFLOW_VERSION, type WorkflowDocument } from '../../src/engine';
import { parseReport, SCORED_TAKE_CODEC, type ScoredTake } from '../../src/metrics/report';
import compare, { scoresKey } from '../../src/nodes/compare';
import { clip, scored } from '../support/scored-take';

/** Two stand-in takes into Compare, with these Compare params. */
function compareGraph(params: Record<string, unknown>): WorkflowDocument {
  const clips = [0, 1].map((n) => ({ id: `clip-${n}`, type: 'test.clip', version: 1, position: { x: 0, y: 0 }, params: { n } }));
  return {
    format: WORKFLOW_FORMAT,
    version: WORKFLOW_VERSION,
    id: 'weights',
    name: 'weights',
    nodes: [...clips, { id: 'compare', type: 'analyse.compare', version: 1, position: { x: 0, y: 0 }, params }],
    edges: clips.map((c) => ({ id: `e-${c.id}`, source: c.id, sourcePort: 'video', target: 'compare', targetPort: 'takes' })),
  };
}

/** A cache holding each stand-in take's scores, as an earlier run of Compare would have left them. */
async function cacheWithScores(takes: readonly ScoredTake[]): Promise<MemoryCache> {
  const cache = new MemoryCache();
  for (const [n, take] of takes.entries()) {
    const hash = await hashBytes(new Blob([String(n)]));
    await cache.put({ key: memoKey(compare, scoresKey(hash, undefined)), nodeType: compare.type, outputs: { value: SCORED_TAKE_CODEC.encode(take) }, createdAt: 0 });
  }
  return cache;
}

async function runCompare(engine: Engine, params: Record<string, unknown>) {
  const summary = await engine.run({ document: compareGraph(params) });
  const result = summary.nodes.compare!;
  return { state: result.state, error: result.error, report: typeof result.outputs?.report === 'string' ? parseReport(result.outputs.report) : undefined, ran: summary.executed.includes('compare') };
}

describe('Compare weights', () => {
  // Take 1 strays from the source a little but moves; take 2 holds the source but barely moves.
  const takes = [scored(0.8, 1), scored(0.98, 0.3)];

  it('rank the kept scores anew on each change, through the engine, decoding no take', async () => {
    const engine = new Engine({ registry: new NodeRegistry([clip, compare]), cache: await cacheWithScores(takes) });
    const byDefault = await runCompare(engine, { weights: '' });
    expect(byDefault).toMatchObject({ state: 'done', ran: true });
    expect(byDefault.report!.ranking).toEqual([0, 1]);
    expect(byDefault.report!.overall.explain).toMatch(/weights: Identity 3, .*Motion 2/);

    const identityFirst = await runCompare(engine, { weights: 'identity=10, motion=1' });
    expect(identityFirst).toMatchObject({ state: 'done', ran: true });
    expect(identityFirst.report!.ranking).toEqual([1, 0]);
    expect(identityFirst.report!.overall).toMatchObject({ weights: { identity: 10, motion: 1 } });
    expect(identityFirst.report!.overall.explain).toMatch(/weights: Identity 10, .*Motion 1/);
    expect(identityFirst.report).toMatchObject({ picked: 1, pickedBy: 'rank' });

    // A Pick made by hand is passed on, and said to be the user's, from the same kept scores.
    const handPicked = await runCompare(engine, { weights: 'identity=10, motion=1', pick: 1 });
    expect(handPicked.report).toMatchObject({ picked: 0, pickedBy: 'user', ranking: [1, 0] });

    // Back to weights already run: the engine's own cache answers, nothing runs.
    expect(await runCompare(engine, { weights: '' })).toMatchObject({ state: 'cached', ran: false });
  });

  it('score a take again when its kept scores no longer read', async () => {
    const cache = await cacheWithScores(takes);
    const key = memoKey(compare, scoresKey(await hashBytes(new Blob(['1'])), undefined));
    await cache.put({ ...(await cache.get(key))!, outputs: { value: '{"scores":{"identity":"high"}}' } });
    const engine = new Engine({ registry: new NodeRegistry([clip, compare]), cache });
    // Scoring again means decoding the stand-in, which is no video: take 2, and only it, is read.
    expect((await runCompare(engine, {})).error).toMatch(/^take 2: it is not a video file this app can read/);
  });
});

describe("a node's memo (RunContext.memo)", () => {
  const text = { encode: (v: number) => String(v), decode: (t: string) => (/^\d+$/.test(t) ? Number(t) : undefined) };
  let made = 0;
  const counter = defineNode({
    type: 'test.memo',
    version: 1,
    title: 'Memo',
    category: 'Utility',
    description: 'Keeps the slow part of its work under a key its params share.',
    inputs: {},
    outputs: { out: { type: 'number', label: 'Out' } },
    params: { base: param.number({ label: 'Base', default: 1, min: 0, max: 99 }), add: param.number({ label: 'Add', default: 0, min: 0, max: 99 }) },
    run: async ({ params, memo }) => ({ out: (await memo(`base:${params.base}`, async () => (made++, params.base * 10), text)) + params.add }),
  });
  const graph = (params: Record<string, unknown>): WorkflowDocument => ({ format: WORKFLOW_FORMAT, version: WORKFLOW_VERSION, id: 'm', name: 'm', nodes: [{ id: 'n', type: 'test.memo', version: 1, position: { x: 0, y: 0 }, params }], edges: [] });

  it('makes a value once for every key of the node that shares it, and again for another', async () => {
    made = 0;
    const engine = new Engine({ registry: new NodeRegistry([counter]) });
    const out = async (params: Record<string, unknown>) => (await engine.run({ document: graph(params) })).nodes.n!.outputs!.out;
    expect(await out({ base: 2, add: 0 })).toBe(20);
    expect(await out({ base: 2, add: 5 })).toBe(25);
    expect(made).toBe(1);
    expect(await out({ base: 3, add: 5 })).toBe(35);
    expect(made).toBe(2);
  });

  it('keeps it where a later engine on the same cache finds it (a reload), apart from any other node type', async () => {
    made = 0;
    const cache = new MemoryCache();
    await new Engine({ registry: new NodeRegistry([counter]), cache }).run({ document: graph({ base: 4 }) });
    const reloaded = new Engine({ registry: new NodeRegistry([counter]), cache });
    expect((await reloaded.run({ document: graph({ base: 4, add: 1 }) })).nodes.n!.outputs!.out).toBe(41);
    expect(made).toBe(1);
    expect(memoKey(counter, 'base:4')).not.toBe(memoKey({ type: 'test.other', version: 1 }, 'base:4'));
    expect(memoKey(counter, 'base:4')).not.toBe(memoKey({ ...counter, version: 2 }, 'base:4'));
  });
});
