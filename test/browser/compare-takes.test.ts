/**
 * Compare answers "which take, and is this current?", in real Chromium through the Stillmotion
 * server, with a fal generation made by the local fal server (test/providers/servers/fal.ts) and a
 * Local motion take: each take is labelled with its node's title (as text, never HTML), the model,
 * route and cost of a generation; the wide view shows the takes side by side or one at a time,
 * plays them together, and closes on Escape without the canvas behind hearing the key; new weights
 * re-rank through the engine from the kept scores, much faster than scoring; a Pick made by hand
 * is marked on the node and in the viewer, puts what it feeds out of date, and Batch warns that it
 * applies to every photo; a take whose node changed since says so; a result being made again is
 * offered for download only as an earlier one.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServer } from '../../src/server/app-server';
import { parseReport, type CompareReport } from '../../src/metrics/report';
import { testVideo } from '../providers/fixtures';
import { fakeFal, type FakeFal } from '../providers/servers/fal';
import { runAndWait } from './app';
import { sharedBrowser, screenshot, watchErrors } from './chromium';
import { motionGraph } from './graphs';
import { serveApp } from './serve-app';

/** Sample image -> Local motion (take 1) and a fal generation (take 2) -> Compare -> Trim. */
const graph = motionGraph('compare-takes', {
  motion: { duration: 1 },
  nodes: [
    { id: 'kling', type: 'generate.video', version: 1, position: { x: 400, y: 300 }, title: 'Kling <i>hero</i>', params: { prompt: 'slow push in', model: 'kling-v2.1-master', route: 'fal', duration: '5', resolution: '1080p', aspectRatio: 'auto' } },
    { id: 'compare', type: 'analyse.compare', version: 1, position: { x: 800, y: 0 }, params: { pick: 0 } },
    { id: 'trim', type: 'video.trim', version: 1, position: { x: 1200, y: 0 }, params: { start: 0, end: 0.5 } },
  ],
  edges: [
    { id: 'e-kling', source: 'image', sourcePort: 'image', target: 'kling', targetPort: 'image' },
    { id: 't1', source: 'motion', sourcePort: 'video', target: 'compare', targetPort: 'takes' },
    { id: 't2', source: 'kling', sourcePort: 'video', target: 'compare', targetPort: 'takes' },
    { id: 'e-trim', source: 'compare', sourcePort: 'pick', target: 'trim', targetPort: 'video' },
  ],
});
graph.nodes[1]!.title = 'Local push-in';

let browser: Browser;
let page: Page;
let errors: string[];
let fal: FakeFal;
let app: AppServer;

beforeAll(async () => {
  browser = await sharedBrowser();
  fal = await fakeFal(testVideo(), 'fal-key').start();
  app = await serveApp(process.cwd(), { upstreams: { fal: fal.upstream() } });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  errors = watchErrors(page);
  await page.goto(app.url);
  await page.locator('.react-flow__node').first().waitFor();
  await page.evaluate(async (document) => {
    const { session } = (globalThis as any).stillmotion;
    await session.db.put('secrets', { provider: 'fal', apiKey: 'fal-key', savedAt: Date.now() });
    await session.db.put('settings', { confirmAboveUsd: 1000, timing: { pollMs: 250, maxPollMs: 400, requestTimeoutMs: 3000, deadlineMs: 60_000 }, endpoints: {} }, 'providers');
    await session.create(document);
  }, graph);
  await page.locator('[data-node-id="compare"]').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await fal?.close();
});

const stateOf = (id: string) => page.locator(`[data-node-id="${id}"]`).getAttribute('data-state');
const compareRun = () =>
  page.evaluate(() => {
    const run = (globalThis as any).stillmotion.runs.node('compare');
    return { state: run?.state as string, ms: run?.ms as number | undefined, report: run?.outputs?.report as string | undefined };
  });
const report = async (): Promise<CompareReport> => parseReport((await compareRun()).report!)!;
const view = () => page.locator('.inspector .compare-view');

/** Selects a node by its title bar, as a person would. */
async function select(id: string): Promise<void> {
  await page.locator(`[data-node-id="${id}"] .node-header`).click({ position: { x: 8, y: 8 } });
}

describe('Compare answers which take, and whether it is current', () => {
  let scoringMs = 0;

  it("labels each take with its node's title, and a generation's model, route and cost, as text", async () => {
    await runAndWait(page, () => page.getByRole('button', { name: 'Run', exact: true }).click());
    expect(await stateOf('compare')).toBe('done');
    scoringMs = (await compareRun()).ms!;
    await select('compare');
    await expect.poll(() => view().locator('.compare-cell video').count()).toBe(2);
    const label = (take: number) => view().locator(`.compare-cell[data-take="${take}"] .take-origin`);
    expect(await label(1).innerText()).toBe('Local push-in');
    await expect.poll(() => label(2).locator('.take-origin-title').textContent()).toBe('Kling <i>hero</i>');
    expect(await label(2).locator('i').count()).toBe(0);
    expect(await label(2).locator('.take-origin-model').textContent()).toBe('Kling v2.1 Master · fal');
    expect(await label(2).locator('.take-origin-cost').textContent()).toMatch(/^\$\d+\.\d\d/);
    await view().scrollIntoViewIfNeeded();
    await screenshot(page, 'compare-labels');
  });

  it('opens a wide view, side by side or one at a time, playing the takes together, and Escape closes only it', async () => {
    await view().getByRole('button', { name: 'Wide view' }).click();
    const wide = page.getByRole('dialog', { name: 'Compare takes, wide view' });
    await wide.waitFor();
    await expect.poll(() => wide.locator('.compare-cell video').count()).toBe(2);
    // Side by side: both takes in one row, each far wider than the inspector could show them.
    const boxes = await wide.locator('.compare-cell').evaluateAll((cells) => cells.map((c) => c.getBoundingClientRect()).map((r) => ({ top: r.top, width: r.width })));
    expect(boxes[0]!.top).toBe(boxes[1]!.top);
    expect(boxes[0]!.width).toBeGreaterThan(500);
    await wide.getByRole('button', { name: 'Play' }).click();
    const times = () => wide.locator('video').evaluateAll((videos) => (videos as HTMLVideoElement[]).map((v) => ({ t: v.currentTime, paused: v.paused })));
    await expect.poll(async () => (await times()).every((v) => !v.paused && v.t > 0.2)).toBe(true);
    const [one, two] = await times();
    expect(Math.abs(one!.t - two!.t)).toBeLessThan(0.25);
    await wide.getByRole('button', { name: 'Pause' }).click();
    await screenshot(page, 'compare-wide');

    await wide.getByRole('button', { name: 'One at a time' }).click();
    const shown = wide.locator('.compare-toolbar select');
    expect(await shown.locator('option').nth(1).textContent()).toMatch(/^Take 2 · Kling <i>hero<\/i> · Kling v2\.1 Master · fal · \$\d/);
    await shown.selectOption({ index: 1 });
    await expect.poll(() => wide.locator('.compare-cell').getAttribute('data-take')).toBe('2');
    expect(await wide.locator('video').count()).toBe(1);
    await screenshot(page, 'compare-wide-single');

    // Escape closes the wide view; the canvas does not hear it, so Compare stays selected.
    await page.keyboard.press('Escape');
    await expect.poll(() => wide.count()).toBe(0);
    expect(await page.locator('.inspector h2').textContent()).toBe('Compare takes');
  });

  it('explains the Overall, and new weights re-rank through the engine from the kept scores', async () => {
    expect(await view().locator('.overall-explain').textContent()).toMatch(/^Overall is the weighted mean of the marks \(weights: Identity 3, Drift 2, /);
    await view().getByLabel('Weight of Identity').fill('10');
    const weights = () => page.evaluate(() => (globalThis as any).stillmotion.documents.node('compare').params.weights);
    await expect.poll(weights).toBe('identity=10');
    // Until the run, the table holds the new weight and says the ranking waits for it.
    expect(await view().getByLabel('Weight of Identity').inputValue()).toBe('10');
    expect(await view().locator('.weights-actions').textContent()).toBe('Run again to rank with the new weights. Back to the default weights');
    await expect.poll(() => page.locator('[data-node-id="compare"] .badge-stale').count()).toBe(1);
    await runAndWait(page, () => page.getByRole('button', { name: 'Run', exact: true }).click());
    const { state, ms } = await compareRun();
    expect(state).toBe('done');
    const ranked = await report();
    expect(ranked.overall.weights.identity).toBe(10);
    expect(ranked.overall.explain).toMatch(/weights: Identity 10, /);
    await expect.poll(() => view().locator('.overall-explain').textContent()).toMatch(/Identity 10/);
    expect(await view().locator('.weights-actions').textContent()).toBe('Back to the default weights');
    console.log(`Compare of 2 takes: scored in ${scoringMs.toFixed(0)} ms; re-ranked for new weights in ${ms!.toFixed(0)} ms`);
    expect(ms!).toBeLessThan(scoringMs / 3);
    await screenshot(page, 'compare-weights');
  });

  it('marks a Pick made by hand on the node and in the viewer, puts what it feeds out of date, and Batch warns of it', async () => {
    const other = ((await report()).picked === 0 ? 2 : 1) as 1 | 2;
    await view().locator(`.compare-cell[data-take="${other}"]`).getByRole('button', { name: 'Pick' }).click();
    await expect.poll(() => page.locator('[data-node-id="compare"] .param-note').first().textContent()).toMatch(new RegExp(`^Picked by hand: take ${other} passes on for every photo of a batch`));
    await expect.poll(() => page.locator('[data-node-id="trim"] .badge-stale').getAttribute('title')).toMatch(/Pick changed/);
    await select('trim');
    await expect.poll(() => page.locator('.inspector .earlier-result').textContent()).toMatch(/^Earlier result \(out of date: .*Pick changed/);
    expect(await page.locator('.inspector a.download').textContent()).toBe('Download earlier result');
    await screenshot(page, 'compare-pick-out-of-date');

    await runAndWait(page, () => page.getByRole('button', { name: 'Run', exact: true }).click());
    expect(await stateOf('trim')).toBe('done');
    await expect.poll(() => page.locator('.inspector .earlier-result').count()).toBe(0);
    expect(await page.locator('.inspector a.download').textContent()).toBe('Download');
    await select('compare');
    await expect.poll(() => view().locator('.compare-cell.picked .pick-mark').textContent()).toBe('picked by hand');
    expect(await view().locator('.compare-cell.picked').getAttribute('data-take')).toBe(String(other));
    await screenshot(page, 'compare-hand-pick');

    const batchInput = await page.evaluate(() => (globalThis as any).stillmotion.commands.addNode('image.batch', { x: 0, y: 700 }) as string);
    await page.getByRole('button', { name: 'Batch', exact: true }).click();
    const warning = page.locator('.batch-panel .hand-pick-warning');
    await expect.poll(() => warning.textContent()).toBe(`Compare takes passes take ${other} on for every photo, whatever the scores: its Pick was set by hand in the editor (set it to 0 to pass each photo's best take) Pass each photo's best take`);
    await screenshot(page, 'compare-batch-warning');
    // The warning's button hands the choice back to the scores (undoably), and the warning goes.
    await warning.getByRole('button', { name: "Pass each photo's best take" }).click();
    await expect.poll(() => warning.count()).toBe(0);
    await page.evaluate(() => (globalThis as any).stillmotion.documents.undo());
    await expect.poll(() => warning.count()).toBe(1);
    await page.keyboard.press('Escape');
    await page.evaluate((id) => (globalThis as any).stillmotion.commands.remove([id]), batchInput);
  });

  it('offers a result being made again only as the earlier result', async () => {
    fal.pollsToFinish = 10_000; // the new generation stays in flight until let go
    await page.evaluate(() => (globalThis as any).stillmotion.commands.setParam('kling', 'prompt', 'slow push in, at dusk'));
    // The take's label now describes settings it was not made with, and says so.
    await select('compare');
    await expect.poll(() => view().locator('.compare-cell[data-take="2"] .take-origin-changed').getAttribute('title')).toBe('Prompt changed');
    expect(await view().locator('.compare-cell[data-take="1"] .take-origin-changed').count()).toBe(0);
    await select('trim');
    const finished = runAndWait(page, () => page.evaluate(() => void (globalThis as any).stillmotion.runner.run()));
    await expect.poll(() => stateOf('kling'), { timeout: 30_000 }).toBe('running');
    await expect.poll(() => page.locator('.inspector .earlier-result').textContent()).toBe('Earlier result (the node is running again).');
    expect(await page.locator('.inspector a.download').textContent()).toBe('Download earlier result');
    expect(await page.locator('.inspector a.download').getAttribute('download')).toMatch(/-earlier\.mp4$/);
    await screenshot(page, 'compare-rerun-download');
    fal.pollsToFinish = 1;
    await finished;
    // The new take may or may not be the one passed on: either way Trim's result is current again.
    expect(await stateOf('trim')).toMatch(/^(done|cached)$/);
    await expect.poll(() => page.locator('.inspector a.download').textContent()).toBe('Download');
    expect(errors).toEqual([]);
  });
});
