/** The engine runs in a Web Worker in real Chromium, and the page shows what it produced. */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { keepTheDemo, runAndWait, shortenTheDemo } from './app';
import { sharedBrowser, screenshot, watchErrors } from './chromium';

let browser: Browser;
let page: Page;
let errors: string[];

beforeAll(async () => {
  browser = await sharedBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  errors = watchErrors(page);
  await page.goto(inject('baseUrl'));
  await page.locator('[data-node-id="image"]').waitFor();
  await keepTheDemo(page);
  await shortenTheDemo(page);
});

afterAll(async () => {
  await browser?.close();
});

describe('the engine in the browser', () => {
  it('lives in a dedicated worker, not on the page', async () => {
    const scope = await page.evaluate(() => (globalThis as any).stillmotion.engine.scope());
    expect(scope).toBe('DedicatedWorkerGlobalScope');
  });

  it('runs the default graph from the Run button and shows the image it made', async () => {
    await screenshot(page, 'default-graph');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect.poll(() => page.locator('.run-status').getAttribute('data-status'), { timeout: 30_000 }).toBe('done');
    expect(await page.locator('[data-node-id="image"]').getAttribute('data-state')).toBe('done');
    const size = await page.locator('[data-node-id="image"] img').evaluate((img: HTMLImageElement) => img.decode().then(() => [img.naturalWidth, img.naturalHeight]));
    expect(size).toEqual([1280, 720]);
    await screenshot(page, 'default-graph-ran');
  });

  it('hashes media with WebCrypto and crosses the worker boundary with the Blob intact', async () => {
    const result = await page.evaluate(async () => {
      const { engine, documents } = (globalThis as any).stillmotion;
      const handle = engine.run(documents.document, { targets: ['image'], onEvents: () => {} });
      const summary = await handle.done;
      const image = summary.nodes.image.outputs.image;
      const digest = await crypto.subtle.digest('SHA-256', await image.blob.arrayBuffer());
      const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
      return { state: summary.nodes.image.state, hash: image.hash, hex, type: image.blob.type };
    });
    expect(result.state).toBe('cached');
    expect(result.hash).toBe(result.hex);
    expect(result.type).toBe('image/png');
  });

  it('re-runs only what a parameter change reaches', async () => {
    await page.locator('[data-node-id="prompt"] textarea').fill('A different prompt');
    await runAndWait(page, () => page.keyboard.press('Control+Enter'));
    expect(await page.locator('.run-status').getAttribute('data-status')).toBe('done');
    expect(await page.locator('[data-node-id="image"]').getAttribute('data-state')).toBe('cached');
    expect(await page.locator('[data-node-id="prompt"]').getAttribute('data-state')).toBe('done');
  });

  it('renders a prompt that looks like HTML as text', async () => {
    const hostile = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
    await page.locator('[data-node-id="prompt"] textarea').fill(hostile);
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.locator('[data-node-id="prompt"] .preview-text').textContent(), { timeout: 30_000 }).toBe(hostile);
    expect(await page.locator('[data-node-id="prompt"] .preview-text img, [data-node-id="prompt"] .preview-text b').count()).toBe(0);
    expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
  });

  it('ships a Content-Security-Policy that allows only our own scripts', async () => {
    const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toMatch(/script-src[^;]*unsafe-inline/);
    const blocked = await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__inline = 1';
      document.head.append(script);
      return (window as any).__inline;
    });
    expect(blocked).toBeUndefined();
  });

  it('raised no page errors', () => {
    expect(errors).toEqual([]);
  });
});
