/**
 * Live preview, used as a person uses it: a node with a preview says when it has no input yet;
 * once the node upstream has run, dragging a Local motion slider redraws the preview (drawn by the
 * preview worker onto the node's canvas, CPU path here: WebGPU is SwiftShader); a run started
 * while dragging finishes with its own full-size result, and the output cache holds the run's
 * results and nothing of the preview. Screenshots go to test-results/screenshots.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runAndWait } from './app';
import { launch, screenshot, watchErrors } from './chromium';
import { motionGraph } from './graphs';

let browser: Browser;
let page: Page;
let errors: string[];

const node = (id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);
const livePreview = () => node('motion').locator('.preview-canvas');
/** The number of the request the preview last answered (drawn or failed). */
const answered = async () => Number((await livePreview().getAttribute('data-preview-seq')) ?? 0);

/** Drags the range input `slider` from `from` to `to` (fractions of its width), in steps, as a hand does. */
async function dragSlider(slider: Locator, from: number, to: number): Promise<void> {
  const box = (await slider.boundingBox())!;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * from, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * to, y, { steps: 12 });
  await page.mouse.up();
}

/** Waits until the preview has drawn a request newer than `after`, and is not waiting on another. */
async function drawnAfter(after: number): Promise<number> {
  await expect.poll(async () => (await livePreview().getAttribute('data-preview')) === 'drawn' && (await answered()) > after, { timeout: 30_000 }).toBe(true);
  return answered();
}

beforeAll(async () => {
  browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  errors = watchErrors(page);
  await page.goto(inject('baseUrl'));
  await node('motion').waitFor();
});

afterAll(async () => {
  await browser?.close();
});

describe('the live preview', () => {
  it('says there is no input yet, and draws nothing, before the node upstream has run', async () => {
    const message = node('motion').locator('[data-preview="no-input"]');
    await expect.poll(() => message.textContent()).toBe('No input yet: run "Sample image" to see a preview here.');
    expect(await node('motion').locator('.live-preview canvas').count()).toBe(0);
  });

  it('redraws while a Local motion slider is dragged, from the upstream result, on the CPU path', async () => {
    // A depth move (parallax) at 720p over a 640x360 picture: the run's frames are 1280x720, the preview's 640x360.
    const document = motionGraph('live-preview', { motion: { parallax: 0.5, ambient: 'none', sound: 'none', renderer: 'auto', resolution: '720p', duration: 2 } });
    document.nodes[1]!.version = 3;
    await page.evaluate((doc) => (globalThis as any).stillmotion.session.create(doc), document);
    await node('image').locator('.node-run').click();
    const first = await drawnAfter(0);
    expect(await livePreview().locator('.preview-caption').textContent()).toMatch(/^CPU · \d+ ms/);
    const before = await livePreview().locator('canvas').screenshot();

    await dragSlider(node('motion').getByLabel('Intensity slider'), 0.5, 1);
    await drawnAfter(first);
    expect(await node('motion').getByLabel('Intensity slider').inputValue()).toBe('1');
    const after = await livePreview().locator('canvas').screenshot();
    expect(after.equals(before)).toBe(false);
    console.log(`preview redraw after a drag step: ${await livePreview().getAttribute('data-preview-ms')} ms (load ${(await import('node:os')).loadavg()[0]!.toFixed(1)})`);
    await screenshot(page, 'live-preview');
    expect(errors).toEqual([]);
  });

  it('lets a run started meanwhile finish with its own result, and keeps the preview out of the cache', async () => {
    await runAndWait(page, async () => {
      await page.getByRole('button', { name: 'Run', exact: true }).click();
      await expect.poll(() => node('motion').locator('.node').getAttribute('data-state')).toBe('running');
      // Dragging during the run: the preview still answers, one frame per change.
      const during = await answered();
      await dragSlider(node('motion').getByLabel('Parallax slider'), 0.5, 0.1);
      await drawnAfter(during);
    });
    const result = await page.evaluate(async () => {
      const { runs, session } = (globalThis as any).stillmotion;
      const video = runs.node('motion').outputs.video;
      const db = session.db;
      const cached = (await db.getAll('outputs')) as { key: string; outputs: Record<string, { kind: string; width: number; height: number }> }[];
      return { state: runs.node('motion').state, width: video.width, height: video.height, cached: cached.map((e) => Object.values(e.outputs).map((v) => `${v.kind} ${v.width}x${v.height}`)).flat().sort() };
    });
    expect(result).toMatchObject({ state: 'done', width: 1280, height: 720 });
    // The sample image and the run's clip: nothing at the preview's 640x360 but the image itself.
    expect(result.cached).toEqual(['image 640x360', 'video 1280x720']);
    expect(errors).toEqual([]);
  });
});
