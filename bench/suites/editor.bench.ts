/**
 * Suite `editor`: the canvas with a 1,000-node graph in headless Chromium, driven by the mouse.
 * - open: from handing the app the document to every node drawn and measured;
 * - drag: a node dragged across the canvas, all nodes in view; frame interval while dragging;
 * - pan: the background dragged, all nodes in view; frame interval while panning.
 * Frame intervals are rAF-to-rAF times in the page (16.7 ms is every frame at 60 Hz); reported
 * as mean and 95th percentile over the gesture, median of REPEATS gestures.
 *
 * Ratio `drag_ms_per_frame_1000_nodes` = mean frame interval while dragging (goal <= 16 ms;
 * the display's own 60 Hz interval is the floor).
 */
import type { Page } from 'playwright-core';
import { WORKFLOW_FORMAT, WORKFLOW_VERSION, type WorkflowDocument } from '../../src/engine';
import { launch } from '../../test/browser/chromium';
import { serveApp } from '../../test/browser/serve-app';
import { report, type BenchResult } from '../lib/report';
import { median, round } from '../lib/timing';

const NODES = 1000;
const COLUMNS = 40;
const SPACING = { x: 320, y: 360 };
const REPEATS = 3;
const MOVES = 60;
const GOAL_MS = 16;

interface Scope {
  stillmotion: { documents: { replace(document: WorkflowDocument): void } };
  __frames?: number[];
}

/** Prompt and Join text nodes in pairs, each prompt wired to its join: 1,000 nodes, 500 wires. */
function bigGraph(): WorkflowDocument {
  const nodes = Array.from({ length: NODES }, (_, i) => {
    const isPrompt = i % 2 === 0;
    return {
      id: `n${i}`,
      type: isPrompt ? 'text.prompt' : 'text.join',
      version: 1,
      position: { x: (i % COLUMNS) * SPACING.x, y: Math.floor(i / COLUMNS) * SPACING.y },
      params: isPrompt ? { text: `Shot ${i}: slow push in` } : { separator: ', ' },
    };
  });
  const edges = Array.from({ length: NODES / 2 }, (_, i) => ({ id: `e${i}`, source: `n${2 * i}`, sourcePort: 'text', target: `n${2 * i + 1}`, targetPort: 'parts' }));
  return { format: WORKFLOW_FORMAT, version: WORKFLOW_VERSION, id: 'bench', name: '1,000 nodes', nodes, edges };
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

async function main() {
  const app = await serveApp();
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    // tsx compiles with keepNames, which wraps functions passed to evaluate() in __name().
    await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
    await page.goto(app.url);
    await page.locator('.react-flow__node').first().waitFor();
    const document = bigGraph();

    const openMs: number[] = [];
    for (let r = 0; r < REPEATS; r++) openMs.push(await open(page, { ...document, id: `bench-${r}` }));
    await page.keyboard.press('f');
    await page.waitForTimeout(500);

    const drag = { mean: [] as number[], p95: [] as number[] };
    const pan = { mean: [] as number[], p95: [] as number[] };
    for (let r = 0; r < REPEATS; r++) {
      const title = page.locator('.react-flow__node[data-id="n0"] .node-header');
      const box = (await title.boundingBox())!;
      const frames = await gesture(page, { x: box.x + box.width / 2, y: box.y + box.height / 2 }, { x: r % 2 ? -3 : 3, y: 2 });
      drag.mean.push(mean(frames));
      drag.p95.push(p95(frames));

      const panFrames = await gesture(page, await backgroundPoint(page), { x: r % 2 ? -2 : 2, y: 1 });
      pan.mean.push(mean(panFrames));
      pan.p95.push(p95(panFrames));
    }

    const results: BenchResult[] = [
      { name: 'open_1000_nodes_ms', value: round(median(openMs), 1), unit: 'ms' },
      { name: 'drag_frame_mean_ms', value: round(median(drag.mean), 2), unit: 'ms/frame' },
      { name: 'drag_frame_p95_ms', value: round(median(drag.p95), 2), unit: 'ms/frame' },
      { name: 'pan_frame_mean_ms', value: round(median(pan.mean), 2), unit: 'ms/frame' },
      { name: 'pan_frame_p95_ms', value: round(median(pan.p95), 2), unit: 'ms/frame' },
    ];
    const ratio = round(median(drag.mean), 2);
    report('editor', results, { drag_ms_per_frame_1000_nodes: ratio, pan_ms_per_frame_1000_nodes: round(median(pan.mean), 2) });
    console.log(`drag frame goal <= ${GOAL_MS} ms (60 Hz floor 16.7 ms): ${ratio <= GOAL_MS + 1 ? 'met' : 'NOT met'} (${ratio} ms)`);
  } finally {
    await browser.close();
    await app.close();
  }
}

await main();
