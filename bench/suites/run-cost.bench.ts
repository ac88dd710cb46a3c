/**
 * Suite `run-cost`: what the engine's plan costs, the figure behind the toolbar's estimate, the
 * question before a paid run and the dry runs. The page asks the worker for a plan after each edit
 * (debounced), so it must come back well inside the time a person notices.
 *
 * Graph: 500 Sample image -> Generate video pairs (1,000 nodes, 500 paid), every result in the
 * cache (the expensive case: every node is keyed and looked up). The generations' results are put
 * there by a stand-in run of the same node type (a cache key depends on type, version, params and
 * inputs, never on the run function), so nothing is sent anywhere. Measured, median of REPEATS
 * after WARMUPS: a plan after a node is moved (nothing would run), and a plan after one prompt
 * changed (one paid node would run).
 *
 * Ratio `plan_after_edit_vs_100ms` = plan after a move / 100 ms (what feels immediate).
 */
import { GraphCommands } from '../../src/editor/commands';
import { DocumentStore } from '../../src/editor/document-store';
import { createMedia, emptyWorkflow, Engine, NodeRegistry, type WorkflowDocument } from '../../src/engine';
import { createRegistry } from '../../src/nodes';
import { report } from '../lib/report';
import { median, now, nsToMs, round } from '../lib/timing';

const PAIRS = 500;
const REPEATS = 15;
const WARMUPS = 5;

const nodes = createRegistry();
const documents = new DocumentStore(emptyWorkflow('bench', 'run cost'));
const commands = new GraphCommands(documents, nodes);
const paid: string[] = [];
const images: string[] = [];
for (let i = 0; i < PAIRS; i++) {
  const image = commands.addNode('image.sample', { x: 0, y: i * 300 }, { height: 64 });
  const gen = commands.addNode('generate.video', { x: 300, y: i * 300 }, { prompt: `take ${i}` });
  commands.connect({ source: image, sourcePort: 'image', target: gen, targetPort: 'image' });
  images.push(image);
  paid.push(gen);
}

/** The real definitions, but a generation's run returns a made-up clip instead of calling anyone. */
const video = await createMedia('video', new Blob([new Uint8Array(16)], { type: 'video/mp4' }), { mime: 'video/mp4', width: 64, height: 64, duration: 5, fps: 24, hasAudio: false });
const standIns = new NodeRegistry(nodes.list().map((d) => (d.type === 'generate.video' ? { ...d, run: async () => ({ video }) } : d)));
const filler = new Engine({ registry: standIns });
await filler.run({ document: documents.document });
const engine = new Engine({ registry: nodes, cache: filler.cache });

/** Median time of `measure`, each repeat after `prepare` (not timed). */
async function time(measure: (document: WorkflowDocument) => Promise<void>, prepare: () => void): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < WARMUPS + REPEATS; i++) {
    prepare();
    const start = now();
    await measure(documents.document);
    if (i >= WARMUPS) samples.push(nsToMs(now() - start));
  }
  return median(samples);
}

let x = 0;
const afterMove = await time(
  async (document) => {
    if ((await engine.plan(document)).paid.length !== 0) throw new Error('a moved node must not count as changed work');
  },
  () => void commands.move([{ id: paid[0]!, position: { x: ++x, y: 0 } }]),
);
const afterPrompt = await time(
  async (document) => {
    const plan = await engine.plan(document);
    if (plan.paid.length !== 1) throw new Error(`after one prompt changed, 1 node should run, not ${plan.paid.length}`);
  },
  () => void commands.setParam(paid[0]!, 'prompt', `edited ${++x}`),
);

report(
  'run-cost',
  [
    { name: 'nodes', value: PAIRS * 2, unit: 'nodes' },
    { name: 'paid_nodes', value: PAIRS, unit: 'nodes' },
    { name: 'plan_after_move', value: round(afterMove), unit: 'ms' },
    { name: 'plan_after_prompt_edit', value: round(afterPrompt), unit: 'ms' },
  ],
  { plan_after_edit_vs_100ms: round(afterMove / 100) },
);
