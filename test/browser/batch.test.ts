/**
 * Run batch in the app: every photo of a Batch input through a paid generation, each item's
 * results in the gallery, and a reload in the middle that carries on without paying twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { WORKFLOW_FORMAT, WORKFLOW_VERSION } from '../../src/engine';
import type { AppServer } from '../../src/server/app-server';
import { sharedBrowser, screenshot, watchErrors } from './chromium';
import { serveApp } from './serve-app';
import { testVideo } from '../providers/fixtures';
import type { FakeProvider } from '../providers/kit';
import { fakeFal } from '../providers/servers/fal';

let browser: Browser;
let fal: FakeProvider;
/** The app, its relay sending fal's calls to the fake. */
let app: AppServer;

beforeAll(async () => {
  browser = await sharedBrowser();
  fal = await fakeFal(testVideo(), 'fal-key').start();
  app = await serveApp(process.cwd(), { upstreams: { fal: fal.upstream() } });
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await fal?.close();
});

/** Photos made in the page (a different colour each), stored as the app stores picked files. */
async function setUp(page: Page, count: number): Promise<void> {
  await page.goto(app.url);
  await page.locator('.react-flow__node').first().waitFor();
  await page.evaluate(
    async ({ count, format, version }) => {
      const { session, engine } = (globalThis as any).stillmotion;
      await session.db.put('secrets', { provider: 'fal', apiKey: 'fal-key', savedAt: Date.now() });
      await session.db.put('settings', { confirmAboveUsd: 1000, timing: { pollMs: 200, maxPollMs: 300, requestTimeoutMs: 3000, deadlineMs: 60_000 } }, 'providers');
      const files = [];
      for (let i = 0; i < count; i++) {
        const canvas = new OffscreenCanvas(160, 90);
        const context = canvas.getContext('2d')!;
        context.fillStyle = `hsl(${(i * 360) / count} 70% 50%)`;
        context.fillRect(0, 0, 160, 90);
        files.push(await engine.putAsset(await canvas.convertToBlob({ type: 'image/png' }), `photo${i}.png`));
      }
      await session.create({
        format,
        version,
        id: 'batch',
        name: 'batch',
        nodes: [
          { id: 'photos', type: 'image.batch', version: 1, position: { x: 0, y: 0 }, params: { files } },
          { id: 'gen', type: 'generate.video', version: 1, position: { x: 320, y: 0 }, params: { model: 'kling-v2.1-master', route: 'fal', duration: '5', resolution: '1080p', aspectRatio: 'auto', prompt: 'batch' } },
        ],
        edges: [{ id: 'e1', source: 'photos', sourcePort: 'image', target: 'gen', targetPort: 'image' }],
      });
    },
    { count, format: WORKFLOW_FORMAT, version: WORKFLOW_VERSION },
  );
  await page.locator('[data-node-id="gen"]').waitFor();
}

const items = (page: Page, status: string) => page.locator(`.batch-item[data-status="${status}"]`).count();

describe('Run batch', () => {
  it('runs every photo, shows each result, and carries on after a reload without paying twice', async () => {
    fal.pollsToFinish = 6;
    const page = await browser.newPage();
    const errors = watchErrors(page);
    await setUp(page, 4);
    await page.getByRole('button', { name: 'Batch', exact: true }).click();
    await expect.poll(() => page.locator('.batch-panel').innerText()).toContain('4 photos through this workflow, each on its own: estimated $5.60');
    await page.getByRole('button', { name: 'Run batch' }).click();
    await expect.poll(() => fal.accepted, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    await page.reload();
    await page.getByRole('button', { name: 'Batch', exact: true }).click();
    await expect.poll(() => items(page, 'done'), { timeout: 90_000 }).toBe(4);
    expect(fal.accepted).toBe(4);
    expect(await page.locator('.batch-item video').count()).toBe(4);
    await screenshot(page, 'batch-gallery');
    expect(errors).toEqual([]);
    await page.close();
  });
});
