/**
 * Suite `editor`: the canvas with big graphs in headless Chromium, driven as a person would.
 *
 * 1,000 nodes (the document handed to the app directly):
 * - open: from handing the app the document to every node drawn and measured;
 * - drag: a node dragged across the canvas, all nodes in view; frame interval while dragging;
 * - pan: the background dragged, all nodes in view; frame interval while panning.
 * 5,000 nodes (a `.stillmotion.json` file, as a person brings one):
 * - import: from choosing the file in Workflows > Import to the workflow open, saved and drawn;
 *   the longest frame gap meanwhile is how long the page froze;
 * - drag: a node dragged at zoom 1 with the rest of the graph around it;
 * - run: Run pressed to the run finished (5,000 trivial text nodes: every one executes);
 * - reload: the page reloaded with that workflow last open, to the workflow drawn again.
 * Frame intervals are rAF-to-rAF times in the page (16.7 ms is every frame at 60 Hz); reported
 * as mean and 95th percentile over the gesture, median of REPEATS gestures.
 *
 * Ratio `drag_ms_per_frame_1000_nodes` = mean frame interval while dragging (goal <= 16 ms;
 * the display's own 60 Hz interval is the floor). Goals at 5,000 nodes (ratios `*_5000_nodes`):
 * import < 3 s, drag at frame rate, a run < 5 s.
 *
 * Measured on the 2-core build machine before these goals were set: import 16.7 s with a 13.9 s
 * frozen frame, drag mean 128 ms (p95 500 ms) a frame, a run not finished in 180 s.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { WORKFLOW_FORMAT, WORKFLOW_VERSION, type WorkflowDocument } from '../../src/engine';
import { launch } from '../../src/cli/chromium';
import { serveApp } from '../../test/browser/serve-app';
import { report, type BenchResult } from '../lib/report';
import { median, round } from '../lib/timing';

const NODES = 1000;
const BIG = 5000;
const COLUMNS = 40;
const SPACING = { x: 320, y: 360 };
const REPEATS = 3;
const MOVES = 60;
const GOAL_MS = 16;
/** How long one 5,000-node step may take before it is reported as not finished. */
const STEP_LIMIT_MS = 180_000;

interface Scope {
  stillmotion: { documents: { replace(document: WorkflowDocument): void; document: WorkflowDocument } };
  __frames?: number[];
}

/** Prompt and Join text nodes in pairs, each prompt wired to its join: `count` nodes, count / 2 wires. */
function bigGraph(count: number): WorkflowDocument {
  const nodes = Array.from({ length: count }, (_, i) => {
    const isPrompt = i % 2 === 0;
    return {
      id: `n${i}`,
      type: isPrompt ? 'text.prompt' : 'text.join',
      version: 1,
      position: { x: (i % COLUMNS) * SPACING.x, y: Math.floor(i / COLUMNS) * SPACING.y },
      params: isPrompt ? { text: `Shot ${i}: slow push in` } : { separator: ', ' },
    };
  });
  const edges = Array.from({ length: count / 2 }, (_, i) => ({ id: `e${i}`, source: `n${2 * i}`, sourcePort: 'text', target: `n${2 * i + 1}`, targetPort: 'parts' }));
  return { format: WORKFLOW_FORMAT, version: WORKFLOW_VERSION, id: 'bench', name: `${count} nodes`, nodes, edges };
}

/** Opens the graph and returns the milliseconds until all its nodes are drawn and measured. */
async function open(page: Page, document: WorkflowDocument): Promise<number> {
  return page.evaluate(
    ({ document, count }) =>
      new Promise<number>((resolve) => {
        const started = performance.now();
        (globalThis as unknown as Scope).stillmotion.documents.replace(document);
        const check = () => {
          const drawn = globalThis.document.querySelectorAll('.react-flow__node');
          const measured = drawn.length === count && [...drawn].every((n) => (n as HTMLElement).style.visibility !== 'hidden');
          if (measured) resolve(performance.now() - started);
          else requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      }),
    { document, count: NODES },
  );
}

const startFrames = (page: Page) =>
  page.evaluate(() => {
    const scope = globalThis as unknown as Scope;
    scope.__frames = [];
    const tick = (t: number) => {
      if (!scope.__frames) return;
      scope.__frames.push(t);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });

const stopFrames = (page: Page) =>
  page.evaluate(() => {
    const scope = globalThis as unknown as Scope;
    const frames = scope.__frames ?? [];
    delete scope.__frames;
    return frames.slice(1).map((t, i) => t - frames[i]!);
  });

/** Presses at `from`, moves MOVES steps of `step`, releases; returns frame intervals meanwhile. */
async function gesture(page: Page, from: { x: number; y: number }, step: { x: number; y: number }): Promise<number[]> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await startFrames(page);
  for (let i = 1; i <= MOVES; i++) await page.mouse.move(from.x + step.x * i, from.y + step.y * i);
  await page.mouse.up();
  await page.waitForTimeout(50);
  return stopFrames(page);
}

/** A point on the bare background, between nodes, found by asking the page what is there. */
async function backgroundPoint(page: Page): Promise<{ x: number; y: number }> {
  const point = await page.evaluate(() => {
    const pane = document.querySelector('.react-flow__pane')!.getBoundingClientRect();
    for (let y = pane.top + 20; y < pane.bottom - 200; y += 3) {
      for (let x = pane.left + 20; x < pane.right - 240; x += 3) {
        if (document.elementFromPoint(x, y)?.classList.contains('react-flow__pane')) return { x, y };
      }
    }
    return null;
  });
  if (!point) throw new Error('no bare background to pan from');
  return point;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.95)] ?? NaN;

/** Drags node `id` by its title REPEATS times; mean and p95 frame intervals, median over gestures. */
async function dragNode(page: Page, id: string): Promise<{ mean: number; p95: number }> {
  const drag = { mean: [] as number[], p95: [] as number[] };
  for (let r = 0; r < REPEATS; r++) {
    const box = (await page.locator(`.react-flow__node[data-id="${id}"] .node-header`).boundingBox())!;
    const frames = await gesture(page, { x: box.x + box.width / 2, y: box.y + box.height / 2 }, { x: r % 2 ? -3 : 3, y: 2 });
    drag.mean.push(mean(frames));
    drag.p95.push(p95(frames));
  }
  return { mean: median(drag.mean), p95: median(drag.p95) };
}

async function thousand(page: Page): Promise<BenchResult[]> {
  const document = bigGraph(NODES);
  const openMs: number[] = [];
  for (let r = 0; r < REPEATS; r++) openMs.push(await open(page, { ...document, id: `bench-${r}` }));
  await page.keyboard.press('f');
  await page.waitForTimeout(500);
  const drag = await dragNode(page, 'n0');
  const pan = { mean: [] as number[], p95: [] as number[] };
  for (let r = 0; r < REPEATS; r++) {
    const frames = await gesture(page, await backgroundPoint(page), { x: r % 2 ? -2 : 2, y: 1 });
    pan.mean.push(mean(frames));
    pan.p95.push(p95(frames));
  }
  return [
    { name: 'open_1000_nodes_ms', value: round(median(openMs), 1), unit: 'ms' },
    { name: 'drag_frame_mean_ms', value: round(drag.mean, 2), unit: 'ms/frame' },
    { name: 'drag_frame_p95_ms', value: round(drag.p95, 2), unit: 'ms/frame' },
    { name: 'pan_frame_mean_ms', value: round(median(pan.mean), 2), unit: 'ms/frame' },
    { name: 'pan_frame_p95_ms', value: round(median(pan.p95), 2), unit: 'ms/frame' },
  ];
}

/** Waits for `done` in the page, frame by frame; milliseconds taken and the longest frame gap, or the limit. */
async function until(page: Page, start: () => Promise<void>, done: (count: number) => boolean): Promise<{ ms: number; longestFrameMs: number; finished: boolean }> {
  await page.evaluate(() => void ((globalThis as unknown as { __t0: number }).__t0 = performance.now()));
  await startFrames(page);
  await start();
  const finished = await page
    .waitForFunction(done, BIG, { timeout: STEP_LIMIT_MS, polling: 'raf' })
    .then(() => true)
    .catch((error: unknown) => {
      console.log(`  not finished: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      return false;
    });
  return page.evaluate((finished) => {
    const scope = globalThis as unknown as Scope & { __t0: number };
    const frames = [scope.__t0, ...(scope.__frames ?? [])];
    delete scope.__frames;
    const gaps = frames.slice(1).map((t, i) => t - frames[i]!);
    return { ms: performance.now() - scope.__t0, longestFrameMs: Math.max(0, ...gaps), finished };
  }, finished);
}

async function fiveThousand(page: Page): Promise<BenchResult[]> {
  const path = join(tmpdir(), `bench-${BIG}-nodes.stillmotion.json`);
  // Opened at zoom 1 on its first nodes, where a person works on part of a big graph.
  writeFileSync(path, JSON.stringify({ ...bigGraph(BIG), viewport: { x: 40, y: 40, zoom: 1 } }));
  await page.getByRole('button', { name: 'Workflows', exact: true }).click();
  const opened = (count: number) =>
    (globalThis as unknown as Scope).stillmotion.documents.document.nodes.length === count && document.querySelector('.react-flow__node[data-id="n0"] .node-header') !== null && !document.querySelector('.workflows-panel');
  const imported = await until(page, () => page.locator('input[aria-label="Import a workflow file"]').setInputFiles(path), opened);
  console.log(`import ${BIG}: ${imported.finished ? `${round(imported.ms, 0)} ms` : 'not finished'}, longest frame ${round(imported.longestFrameMs, 0)} ms`);
  const results: BenchResult[] = [
    { name: `import_${BIG}_nodes_ms`, value: imported.finished ? round(imported.ms, 0) : STEP_LIMIT_MS, unit: imported.finished ? 'ms' : 'ms (not finished)' },
    { name: `import_${BIG}_longest_frame_ms`, value: round(imported.longestFrameMs, 0), unit: 'ms' },
  ];
  if (!imported.finished) return results;
  const drag = await dragNode(page, 'n0');
  console.log(`drag at ${BIG}: mean ${round(drag.mean, 2)} ms, p95 ${round(drag.p95, 2)} ms`);
  results.push({ name: `drag_${BIG}_frame_mean_ms`, value: round(drag.mean, 2), unit: 'ms/frame' }, { name: `drag_${BIG}_frame_p95_ms`, value: round(drag.p95, 2), unit: 'ms/frame' });

  const ran = await until(page, () => page.getByRole('button', { name: 'Run', exact: true }).click(), () => (document.querySelector('.run-status') as HTMLElement | null)?.dataset.status === 'done');
  console.log(`run ${BIG}: ${ran.finished ? `${round(ran.ms, 0)} ms` : 'not finished'}, longest frame ${round(ran.longestFrameMs, 0)} ms`);
  results.push(
    { name: `run_${BIG}_nodes_ms`, value: ran.finished ? round(ran.ms, 0) : STEP_LIMIT_MS, unit: ran.finished ? 'ms' : 'ms (not finished)' },
    { name: `run_${BIG}_longest_frame_ms`, value: round(ran.longestFrameMs, 0), unit: 'ms' },
  );

  await page.evaluate(() => (globalThis as unknown as { stillmotion: { session: { flush(): Promise<void> } } }).stillmotion.session.flush());
  const started = Date.now();
  await page.reload();
  const reopened = await page
    .waitForFunction((count) => (globalThis as unknown as Partial<Scope>).stillmotion?.documents.document.nodes.length === count && document.querySelector('.react-flow__node') !== null, BIG, { timeout: STEP_LIMIT_MS, polling: 200 })
    .then(() => true)
    .catch(() => false);
  console.log(`reload with ${BIG} open: ${reopened ? `${Date.now() - started} ms` : 'not finished'}`);
  results.push({ name: `reload_${BIG}_nodes_ms`, value: reopened ? Date.now() - started : STEP_LIMIT_MS, unit: reopened ? 'ms' : 'ms (not finished)' });
  return results;
}

async function main() {
  const app = await serveApp();
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    // tsx compiles with keepNames, which wraps functions passed to evaluate() in __name().
    await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
    await page.goto(app.url);
    await page.locator('.react-flow__node').first().waitFor();
    const results = [...(await thousand(page)), ...(await fiveThousand(page))];
    const byName = new Map(results.map((r) => [r.name, r.value]));
    const ratio = byName.get('drag_frame_mean_ms')!;
    const big = { drag_ms_per_frame_5000_nodes: byName.get(`drag_${BIG}_frame_mean_ms`) ?? NaN, import_s_5000_nodes: (byName.get(`import_${BIG}_nodes_ms`) ?? NaN) / 1000, run_s_5000_nodes: (byName.get(`run_${BIG}_nodes_ms`) ?? NaN) / 1000 };
    report('editor', results, { drag_ms_per_frame_1000_nodes: ratio, pan_ms_per_frame_1000_nodes: byName.get('pan_frame_mean_ms')!, ...big });
    console.log(`drag frame goal <= ${GOAL_MS} ms (60 Hz floor 16.7 ms): ${ratio <= GOAL_MS + 1 ? 'met' : 'NOT met'} (${ratio} ms)`);
    console.log(`${BIG} nodes: import goal < 3 s ${big.import_s_5000_nodes < 3 ? 'met' : 'NOT met'}, run goal < 5 s ${big.run_s_5000_nodes < 5 ? 'met' : 'NOT met'}, drag at frame rate ${big.drag_ms_per_frame_5000_nodes <= GOAL_MS + 1 ? 'met' : 'NOT met'}`);
  } finally {
    await browser.close();
    await app.close();
  }
}

await main();
