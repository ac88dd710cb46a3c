/**
 * ComfyUI in the real app, through the Stillmotion server's relay as a user's browser goes:
 * the node says whether the server has the workflow's nodes and models, Settings' Test shows
 * what the server says of itself, and a generation shows its place in the
 * queue and its progress on the node and in the inspector, says "stopping" after Cancel until
 * ComfyUI confirms the interrupt (which lands between nodes), then ends cancelled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { AppServer } from '../../src/server/app-server';
import { sharedBrowser, screenshot } from './chromium';
import { freshApp, type AppPage } from './fresh-app';
import { motionGraph } from './graphs';
import { serveApp } from './serve-app';
import { testVideo } from '../providers/fixtures';
import { fakeComfyui, WAN_MODELS, type FakeComfyui } from '../providers/servers/comfyui';

let browser: Browser;
let comfy: FakeComfyui;
let app: AppServer;

beforeAll(async () => {
  browser = await sharedBrowser();
  comfy = await fakeComfyui(testVideo()).start();
  app = await serveApp(process.cwd(), { comfyuiServers: [comfy.url] });
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await comfy?.close();
});

/** The app with one Generate video node on the ComfyUI route, naming `servers` (all added in Settings). */
async function open(id: string, servers = [comfy.url]): Promise<AppPage> {
  const opened = await freshApp(browser, app.url);
  const { page } = opened;
  const document = motionGraph(id, {
    nodes: [{ id: 'gen', type: 'generate.video', version: 1, position: { x: 400, y: 300 }, params: { model: 'wan-2.2-i2v', route: 'comfyui', server: servers.join(', '), resolution: '480p', duration: '5', aspectRatio: 'auto', prompt: 'waves' } }],
    edges: [{ id: 'e-gen', source: 'image', sourcePort: 'image', target: 'gen', targetPort: 'image' }],
  });
  await page.evaluate(
    async ({ document, servers }) => {
      const { session } = (globalThis as any).stillmotion;
      await session.db.put('settings', { confirmAboveUsd: 1000, comfyuiServers: servers, timing: { pollMs: 250, maxPollMs: 400, requestTimeoutMs: 3000, deadlineMs: 60_000 } }, 'providers');
      await session.create(document);
    },
    { document, servers },
  );
  await page.locator('[data-node-id="gen"]').waitFor();
  return opened;
}

describe('ComfyUI in the app', () => {
  it('shows the queue position and progress on the node and in the inspector, and "stopping" until the interrupt lands', async () => {
    comfy.pollsToFinish = 10;
    // Someone else's prompt runs first, so ours waits behind it.
    const other = JSON.stringify({ prompt: { '1': { class_type: 'SaveImage', inputs: { images: ['2', 0] } }, '2': { class_type: 'VAEDecode', inputs: {} } } });
    expect((await fetch(`${comfy.url}/prompt`, { method: 'POST', body: other })).status).toBe(200);
    const { page, errors } = await open('comfyui-progress');
    // Every line the node's status shows, in order, however briefly.
    await page.evaluate(() => {
      const seen: string[] = ((globalThis as any).statuses = []);
      const node = document.querySelector('[data-node-id="gen"]')!;
      new MutationObserver(() => {
        const text = node.querySelector('.node-status')?.textContent;
        if (text && seen.at(-1) !== text) seen.push(text);
      }).observe(node, { subtree: true, childList: true, characterData: true });
    });
    const statuses = () => page.evaluate(() => (globalThis as any).statuses as string[]);
    await page.evaluate(() => (globalThis as any).stillmotion.runner.run());
    await expect.poll(statuses, { timeout: 30_000 }).toContain('queued (1 ahead)');
    await page.locator('[data-node-id="gen"] .node-header').click();
    await expect.poll(() => page.locator('.inspector .run-line').textContent(), { timeout: 30_000 }).toMatch(/^running, \d+%: generating$/);
    await screenshot(page, 'comfyui-progress');
    await page.evaluate(() => (globalThis as any).stillmotion.runner.cancel());
    await expect.poll(() => page.locator('[data-node-id="gen"]').getAttribute('data-state'), { timeout: 30_000 }).toBe('cancelled');
    expect((await statuses()).slice(-2)).toEqual(['generating', 'stopping']);
    // ComfyUI had stopped our prompt, and only ours, when the node said cancelled.
    const ours = [...comfy.tasks.values()].find((t) => (t.extra.clientId as string | undefined)?.startsWith('stillmotion-'))!;
    expect(ours.cancelled).toBe(true);
    expect(comfy.made()).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('runs on two servers as one pool through the relay, the second added only in Settings', async () => {
    const second = await fakeComfyui(testVideo()).start();
    try {
      comfy.pollsToFinish = 2;
      second.pollsToFinish = 2;
      const before = comfy.made().length;
      const { page } = await open('comfyui-pool', [comfy.url, second.url]);
      await page.evaluate(() => (globalThis as any).stillmotion.runner.run());
      await expect.poll(() => page.locator('[data-node-id="gen"]').getAttribute('data-state'), { timeout: 60_000 }).toBe('done');
      // One of the two made it, once.
      expect(second.made().length + comfy.made().length - before).toBe(1);
    } finally {
      await second.close();
    }
  });

  it('checks the workflow against the server on the node, and tests the server from Settings: its version, devices, queue and installed models', async () => {
    const { page } = await open('comfyui-test');
    // The node asked the server already: it has every node type and model the shipped workflow needs.
    await expect.poll(() => page.locator('[data-node-id="gen"] .param-note').allTextContents(), { timeout: 30_000 }).toContain(`ComfyUI at ${comfy.url} has every node type and model it needs.`);
    await page.getByRole('button', { name: /providers/i }).first().click();
    const row = page.locator('[data-provider="comfyui"]');
    await row.getByRole('button', { name: `Test the connection to the ComfyUI server ${comfy.url}` }).click();
    await expect.poll(() => row.locator('.server-test').textContent(), { timeout: 30_000 }).toBe('ComfyUI 0.3.68 · cpu, 20.0 of 32.0 GiB free · 0 running, 0 waiting · 2 diffusion models, 1 text encoder, 1 VAE');
    // And which models it has, by folder, to name in a workflow.
    await row.getByText('Installed models').click();
    expect(await row.locator('.server-models dd').allTextContents()).toEqual([WAN_MODELS.diffusion_models.join(', '), WAN_MODELS.text_encoders.join(', '), WAN_MODELS.vae.join(', ')]);
  });
});
