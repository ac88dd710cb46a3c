/**
 * Suite `run-cost`: what the toolbar's run estimate costs the page. It is recomputed at most once
 * a frame while the graph changes (a drag moves nodes every frame), so it must stay well inside a
 * 16.7 ms frame on a big graph.
 *
 * Graph: 500 Sample image -> Generate video pairs (1,000 nodes, 500 paid), all with results shown
 * as done (the expensive case: every paid node's signature is compared). Measured, median of
 * REPEATS after WARMUPS: an estimate right after a node is moved (a new document, so every
 * signature is looked at again: what a drag costs per frame; the move itself is not timed), and
 * an estimate with nothing changed since the last.
 *
 * Ratio `estimate_after_edit_vs_frame` = estimate after an edit / 16.7 ms (below 0.1 leaves the
 * frame to drawing).
 */
import { GraphCommands } from '../../src/editor/commands';
import { DocumentStore } from '../../src/editor/document-store';
import { RunCostEstimator } from '../../src/editor/run-cost';
import { RunStore } from '../../src/editor/run-store';
import { emptyWorkflow, type RunEvent } from '../../src/engine';
import { createRegistry } from '../../src/nodes';
import { report } from '../lib/report';
import { median, now, nsToMs, round } from '../lib/timing';

const PAIRS = 500;
const REPEATS = 15;
/** Discarded first: the first estimates run cold (JIT, a young heap) at several times the steady cost. */
const WARMUPS = 10;
const FRAME_MS = 1000 / 60;

const registry = createRegistry();
const documents = new DocumentStore(emptyWorkflow('bench', 'run cost'));
const commands = new GraphCommands(documents, registry);
const runs = new RunStore();
const costs = new RunCostEstimator(registry, runs, () => documents.document);

const paid: string[] = [];
for (let i = 0; i < PAIRS; i++) {
  const image = commands.addNode('image.sample', { x: 0, y: i * 300 });
  const gen = commands.addNode('generate.video', { x: 300, y: i * 300 });
  commands.connect({ source: image, sourcePort: 'image', target: gen, targetPort: 'image' });
  paid.push(gen);
}
const done = documents.document.nodes.map((n): RunEvent => ({ type: 'node', runId: 'bench', nodeId: n.id, state: 'done', outputs: {}, cacheKey: n.id, ms: 1 }));
costs.resultsOf(documents.document);
runs.apply(done, (id) => id);

/** Median time of `measure`, each repeat after `prepare` (not timed). */
function time(measure: () => void, prepare: () => void = () => {}): number {
  for (let i = 0; i < WARMUPS; i++) prepare(), measure();
  const samples: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    prepare();
    const start = now();
    measure();
    samples.push(nsToMs(now() - start));
  }
  return median(samples);
}

let x = 0;
const afterEdit = time(
  () => {
    if (costs.estimate().nodes.length !== 0) throw new Error('a moved node must not count as changed work');
  },
  () => void commands.move([{ id: paid[0]!, position: { x: ++x, y: 0 } }]),
);
const unchanged = time(() => void costs.estimate());
commands.setParam(paid[0]!, 'duration', '10');
const counted = costs.estimate().nodes.length;
if (counted !== 1) throw new Error(`after one param change, 1 node should count, not ${counted}`);

report(
  'run-cost',
  [
    { name: 'nodes', value: PAIRS * 2, unit: 'nodes' },
    { name: 'paid_nodes', value: PAIRS, unit: 'nodes' },
    { name: 'estimate_after_edit', value: round(afterEdit), unit: 'ms' },
    { name: 'estimate_unchanged', value: round(unchanged), unit: 'ms' },
  ],
  { estimate_after_edit_vs_frame: round(afterEdit / FRAME_MS) },
);
