/**
 * Live preview, used as a person uses it: a node with a preview says when it has no input yet;
 * once the node upstream has run, dragging a Local motion slider redraws the preview (drawn by the
 * preview worker onto the node's canvas, CPU path here: WebGPU is SwiftShader); a run started
 * while dragging finishes with its own full-size result, and the output cache holds the run's
 * results and nothing of the preview; Upscale video and Conform preview a frame of their clip.
 * Screenshots go to test-results/screenshots.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runAndWait } from './app';
import { sharedBrowser, screenshot, watchErrors } from './chromium';
import { motionGraph } from './graphs';

let browser: Browser;
let page: Page;
let errors: string[];

const node = (id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);
const livePreview = (id = 'motion') => node(id).locator('.preview-canvas');
/** The number of the request node `id`'s preview last answered (drawn or failed). */
const answered = async (id = 'motion') => Number((await livePreview(id).getAttribute('data-preview-seq')) ?? 0);

/** Drags the range input `slider` from `from` to `to` (fractions of its width), in steps, as a hand does. */
async function dragSlider(slider: Locator, from: number, to: number): Promise<void> {
  const box = (await slider.boundingBox())!;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * from, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * to, y, { steps: 12 });
  await page.mouse.up();
}

/** Waits until node `id`'s preview has drawn a request newer than `after`, and is not waiting on another. */
async function drawnAfter(after: number, id = 'motion'): Promise<number> {
  await expect.poll(async () => (await livePreview(id).getAttribute('data-preview')) === 'drawn' && (await answered(id)) > after, { timeout: 30_000 }).toBe(true);
  return answered(id);
}

beforeAll(async () => {
  browser = await sharedBrowser();
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

  it('previews Upscale video and Conform on the middle frame of the clip upstream', async () => {
    const document = motionGraph('live-preview-video', {
      motion: { duration: 1, resolution: 'source' },
      nodes: [
        { id: 'upscale', type: 'video.upscale', version: 2, position: { x: 800, y: 0 }, params: { mode: '2x', sharpen: 0.5 } },
        { id: 'conform', type: 'video.conform', version: 1, position: { x: 800, y: 470 }, params: { width: 720, height: 720, fit: 'fit', fps: 0 } },
      ],
      edges: [
        { id: 'e-upscale', source: 'motion', sourcePort: 'video', target: 'upscale', targetPort: 'video' },
        { id: 'e-conform', source: 'motion', sourcePort: 'video', target: 'conform', targetPort: 'video' },
      ],
    });
    document.viewport = { x: 20, y: 20, zoom: 0.75 };
    await page.evaluate((doc) => (globalThis as any).stillmotion.session.create(doc), document);
    await expect.poll(() => node('conform').locator('[data-preview="no-input"]').textContent()).toBe('No input yet: run "Local motion" to see a preview here.');
    await runAndWait(page, () => node('motion').locator('.node-run').click());
    const upscaled = await drawnAfter(0, 'upscale');
    expect(await livePreview('upscale').locator('.preview-caption').textContent()).toMatch(/^CPU, centre of 1280x720 at 1:1 · \d+ ms/);
    const framed = await drawnAfter(0, 'conform');
    expect(await livePreview('conform').locator('.preview-caption').textContent()).toMatch(/^720x720, 30 fps, fit \(bars\) · \d+ ms/);
    const bars = await livePreview('conform').locator('canvas').screenshot();
    await node('conform').getByRole('combobox').selectOption('fill');
    await drawnAfter(framed, 'conform');
    expect((await livePreview('conform').locator('canvas').screenshot()).equals(bars)).toBe(false);
    await node('upscale').getByLabel('Sharpen slider').fill('0');
    await drawnAfter(upscaled, 'upscale');
    await screenshot(page, 'live-preview-video-nodes');
    expect(errors).toEqual([]);
  });
});
