/**
 * Handing a whole project to someone: a bundle carries the workflow and its files, opens in a
 * browser that has never seen them, refuses damage, and never carries an API key. The key test
 * scans the bytes of every way a workflow leaves the app (bundle, file, link).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync, zipSync } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { keepTheDemo, runAndWait, shortenTheDemo } from './app';
import { sharedBrowser } from './chromium';

const SECRET = 'sk-live-TEST-7f3a9c1e-never-leaves';
const dir = mkdtempSync(join(tmpdir(), 'stillmotion-bundle-'));
let browser: Browser;
let bundlePath: string;

const node = (page: Page, id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);

async function openApp(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, acceptDownloads: true });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page = await context.newPage();
  await page.goto(inject('baseUrl'));
  await node(page, 'image').waitFor();
  await keepTheDemo(page);
  return page;
}

/** Clicks a button in the Workflows panel and returns the file it downloads. */
async function downloadFrom(page: Page, button: string): Promise<Buffer> {
  await page.getByRole('button', { name: 'Workflows', exact: true }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button, exact: true }).click()]);
  const path = join(dir, download.suggestedFilename());
  await download.saveAs(path);
  await page.getByRole('button', { name: 'Close workflows' }).click();
  return readFileSync(path);
}

beforeAll(async () => {
  browser = await sharedBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe('project bundles', () => {
  const picture = join(dir, 'holiday.png');

  it('carry the workflow and every file it uses, and never an API key (nor do files, links or videos)', async () => {
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=640x480', '-frames:v', '1', picture]);
    const page = await openApp();
    await page.evaluate((key) => (globalThis as any).stillmotion.session.db.put('secrets', { provider: 'fal', apiKey: key, savedAt: 1 }), SECRET);
    await page.evaluate(() => {
      const { commands } = (globalThis as any).stillmotion;
      commands.addNode('image.input', { x: 40, y: 700 });
    });
    await node(page, 'input-1').locator('input[type="file"]').setInputFiles(picture);
    await expect.poll(() => node(page, 'input-1').locator('.asset-name').textContent()).toMatch(/^holiday\.png/);

    const bundle = await downloadFrom(page, 'Export bundle');
    const file = await downloadFrom(page, 'Export');
    await page.getByRole('button', { name: 'Workflows', exact: true }).click();
    await page.getByRole('button', { name: 'Copy link' }).click();
    const link = await page.evaluate(() => navigator.clipboard.readText());
    await page.getByRole('button', { name: 'Close workflows' }).click();
    await shortenTheDemo(page);
    await runAndWait(page, () => page.getByRole('button', { name: 'Run', exact: true }).click());
    const video = Buffer.from(
      await page.evaluate(async () => {
        const blob: Blob = (globalThis as any).stillmotion.runs.node('export').outputs.video.blob;
        return [...new Uint8Array(await blob.arrayBuffer())];
      }),
    );
    expect(video.includes('"format":"stillmotion.workflow"')).toBe(true); // the workflow is in there
    for (const bytes of [bundle, file, Buffer.from(link), video]) expect(bytes.includes(SECRET)).toBe(false);

    const entries = unzipSync(new Uint8Array(bundle));
    const hash = createHash('sha256').update(readFileSync(picture)).digest('hex');
    expect(Object.keys(entries).sort()).toEqual([`assets/${hash}`, 'workflow.stillmotion.json']);
    expect(JSON.parse(strFromU8(entries['workflow.stillmotion.json']!)).nodes.find((n: any) => n.id === 'input-1').params.file).toMatchObject({ hash, name: 'holiday.png' });
    bundlePath = join(dir, 'project.stillmotion.zip');
    writeFileSync(bundlePath, bundle);
    await page.context().close();
  });

  it('open in a browser that has never seen the files, and run', async () => {
    const page = await openApp();
    await page.getByRole('button', { name: 'Workflows', exact: true }).click();
    await page.locator('input[aria-label="Import a workflow file"]').setInputFiles(bundlePath);
    await node(page, 'input-1').waitFor();
    await runAndWait(page, () => node(page, 'input-1').getByRole('button', { name: 'Run this node' }).click());
    expect(await node(page, 'input-1').locator('.node').getAttribute('data-state')).toBe('done');
    await page.context().close();
  });

  it('refuse a bundle whose file was damaged, importing nothing', async () => {
    const entries = unzipSync(new Uint8Array(readFileSync(bundlePath)));
    const assetPath = Object.keys(entries).find((k) => k.startsWith('assets/'))!;
    const asset = entries[assetPath]!;
    asset[100] = asset[100]! ^ 0xff;
    const damaged = join(dir, 'damaged.stillmotion.zip');
    writeFileSync(damaged, zipSync(entries));
    const page = await openApp();
    await page.getByRole('button', { name: 'Workflows', exact: true }).click();
    const before = await page.locator('.workflow-title').count();
    await page.locator('input[aria-label="Import a workflow file"]').setInputFiles(damaged);
    await expect.poll(() => page.locator('.hint-error').last().textContent()).toBe(`"damaged.stillmotion.zip" was not opened: ${assetPath}: ${assetPath} in the bundle is damaged (its content does not match its hash); nothing was imported`);
    expect(await page.locator('.workflow-title').count()).toBe(before);
    await page.context().close();
  });
});
