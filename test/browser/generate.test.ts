/**
 * Generate video in the real app against local provider servers, through the Stillmotion
 * server's relay as a user's browser goes: three providers at once (two of them send no CORS
 * headers, as the real ones do not), a reload in the middle that resumes every task and bills
 * nothing twice, faults that end in clear node errors while the rest of the graph finishes, and
 * what a page served without the server says of a provider that refuses browsers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { preview } from 'vite';
import type { WorkflowNode } from '../../src/engine';
import type { AppServer } from '../../src/server/app-server';
import { CONTENT_SECURITY_POLICY } from '../../src/server/security-headers';
import { sharedBrowser, screenshot } from './chromium';
import { freshApp } from './fresh-app';
import { serveApp } from './serve-app';
import { motionGraph } from './graphs';
import { testVideo } from '../providers/fixtures';
import type { FakeProvider } from '../providers/kit';
import { fakeFal } from '../providers/servers/fal';
import { fakeReplicate, VEO_SCHEMA } from '../providers/servers/replicate';
import { fakeRunway } from '../providers/servers/runway';

interface Take {
  id: string;
  provider: string;
  server: () => FakeProvider;
  credentials: { apiKey: string; secretKey?: string };
  params: Record<string, unknown>;
}

/** One take per provider, each on a model that provider serves. */
const TAKES: Take[] = [
  { id: 'kling', provider: 'fal', server: () => fakeFal(testVideo(), 'fal-key'), credentials: { apiKey: 'fal-key' }, params: { model: 'kling-v2.1-master', route: 'fal', duration: '5', resolution: '1080p', aspectRatio: 'auto' } },
  { id: 'veo', provider: 'replicate', server: () => fakeReplicate(testVideo({ audio: true }), 'r8-key', VEO_SCHEMA), credentials: { apiKey: 'r8-key' }, params: { model: 'veo-3.1-fast', route: 'replicate', duration: '6', resolution: '720p', aspectRatio: '16:9', audio: true } },
  { id: 'runway', provider: 'runway', server: () => fakeRunway(testVideo(), 'runway-key'), credentials: { apiKey: 'runway-key' }, params: { model: 'runway-gen-4.5', route: 'runway', duration: '5', resolution: '720p', aspectRatio: '16:9' } },
];

let browser: Browser;
const servers = new Map<string, FakeProvider>();
/** The app, its relay sending each provider's calls to that provider's fake. */
let app: AppServer;

beforeAll(async () => {
  browser = await sharedBrowser();
  for (const take of TAKES) servers.set(take.provider, await take.server().start());
  app = await serveApp(process.cwd(), { upstreams: Object.fromEntries([...servers].map(([provider, server]) => [provider, server.upstream()])) });
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await Promise.all([...servers.values()].map((s) => s.close()));
});

function generateNodes(takes: Take[], extra: (take: Take) => Record<string, unknown> = () => ({})): { nodes: WorkflowNode[]; edges: ReturnType<typeof motionGraph>['edges'] } {
  return {
    nodes: takes.map((take, i) => ({ id: take.id, type: 'generate.video', version: 1, position: { x: 400, y: 300 + 260 * i }, params: { prompt: 'slow push in, waves rolling', ...take.params, ...extra(take) } })),
    edges: takes.map((take) => ({ id: `e-${take.id}`, source: 'image', sourcePort: 'image', target: take.id, targetPort: 'image' })),
  };
}

/** Keys the way the settings panel stores them, then `document` opened in the app `page` shows. */
async function setUp(page: Page, document: ReturnType<typeof motionGraph>, credentials: (take: Take) => Take['credentials'] = (t) => t.credentials, endpoints: Record<string, string> = {}): Promise<void> {
  await page.evaluate(
    async ({ keys, document, endpoints }) => {
      const { session } = (globalThis as any).stillmotion;
      for (const [provider, credentials] of keys) await session.db.put('secrets', { provider, ...credentials, savedAt: Date.now() });
      await session.db.put('settings', { confirmAboveUsd: 1000, timing: { pollMs: 250, maxPollMs: 400, requestTimeoutMs: 3000, deadlineMs: 60_000 }, endpoints }, 'providers');
      await session.create(document);
    },
    { keys: TAKES.map((t) => [t.provider, credentials(t)] as const), document, endpoints },
  );
  await page.locator(`[data-node-id="${document.nodes.find((n) => n.type === 'generate.video')!.id}"]`).waitFor();
}

const stateOf = (page: Page, id: string) => page.locator(`[data-node-id="${id}"]`).getAttribute('data-state');

describe('Generate video in the app', () => {
  it('generates with several providers at once, resumes after a reload, and bills nothing twice', async () => {
    for (const server of servers.values()) server.pollsToFinish = 8;
    const { page, errors } = await freshApp(browser, app.url);
    await setUp(page, motionGraph('generate-resume', generateNodes(TAKES)));
    await page.evaluate(() => (globalThis as any).stillmotion.runner.run());
    // Every provider has the task; then the tab reloads in the middle of polling.
    await expect.poll(() => [...servers.values()].every((s) => s.accepted >= 1 && [...s.tasks.values()].every((t) => t.polls >= 1)), { timeout: 30_000 }).toBe(true);
    await page.reload();
    for (const take of TAKES) await expect.poll(() => stateOf(page, take.id), { timeout: 60_000 }).toBe('done');
    await screenshot(page, 'generate-resumed');
    for (const server of servers.values()) expect(server.accepted).toBe(TAKES.filter((t) => servers.get(t.provider) === server).length);

    // Reloading again shows the results from the cache: not one more request.
    const requests = [...servers.values()].map((s) => s.log.length);
    await page.reload();
    for (const take of TAKES) await expect.poll(() => stateOf(page, take.id), { timeout: 30_000 }).toBe('cached');
    expect([...servers.values()].map((s) => s.log.length)).toEqual(requests);
    expect(errors).toEqual([]);
  });

  it('ends every fault in a clear node error and finishes the rest of the graph', async () => {
    for (const server of servers.values()) server.pollsToFinish = 2;
    // A rejected key at fal, a refused request at Replicate, a failed task at Runway.
    servers.get('replicate')!.fail('submit', { type: 'status', status: 422, body: { title: 'Input validation failed', detail: '- input.duration: must be one of 4, 6, 8', status: 422 } });
    servers.get('runway')!.nextOutcome = 'fail';
    const expected: Record<string, RegExp> = { kling: /fal rejected the API key/, veo: /Replicate refused the request \(HTTP 422\).*duration/, runway: /Runway could not make the video/ };
    const { page } = await freshApp(browser, app.url);
    // A different prompt makes this fresh work, not the cached results of the test above.
    await setUp(page, motionGraph('generate-faults', generateNodes(TAKES, () => ({ prompt: 'faults' }))), (t) => (t.provider === 'fal' ? { apiKey: 'wrong' } : t.credentials));
    await page.evaluate(() => (globalThis as any).stillmotion.runner.run());
    for (const take of TAKES) {
      await expect.poll(() => stateOf(page, take.id), { timeout: 30_000 }).toBe('failed');
      expect(await page.locator(`[data-node-id="${take.id}"] .node-error`).innerText()).toMatch(expected[take.id]!);
    }
    await expect.poll(() => stateOf(page, 'motion'), { timeout: 60_000 }).toBe('done');
    await screenshot(page, 'generate-faults');
  });

  it('never cancels paid work on Escape; Cancel asks first and says an accepted generation may still be billed', async () => {
    const fal = servers.get('fal')!;
    fal.pollsToFinish = 10_000; // in flight until cancelled
    const { page, errors } = await freshApp(browser, app.url);
    const [kling] = TAKES;
    await setUp(page, motionGraph('generate-cancel', generateNodes([kling!], () => ({ prompt: 'asked before cancelling' }))));
    const accepted = fal.accepted;
    await page.evaluate(() => (globalThis as any).stillmotion.runner.run());
    await expect.poll(() => fal.accepted, { timeout: 30_000 }).toBe(accepted + 1);
    const task = [...fal.tasks.values()].at(-1)!;

    // Escape on the canvas clears the selection, and the generation goes on being polled.
    await page.locator(`[data-node-id="kling"] .node-title`).click();
    await expect.poll(() => page.locator('.inspector h2').textContent()).toBe('Generate video');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('.inspector').textContent()).toBe('Select a node to see its outputs here.');
    const polls = task.polls;
    await expect.poll(() => task.polls, { timeout: 30_000 }).toBeGreaterThan(polls + 1);
    expect(await stateOf(page, 'kling')).toBe('running');

    // Cancel asks first; Escape there (the safe answer) keeps it running.
    const question = page.getByRole('alertdialog', { name: 'Cancel while paid generations run' });
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect.poll(() => question.isVisible()).toBe(true);
    expect(await question.textContent()).toMatch(/A paid generation is in flight.*may still be billed.*Generate video/);
    await screenshot(page, 'cancel-paid-question');
    await page.keyboard.press('Escape');
    await expect.poll(() => question.count()).toBe(0);
    expect(await stateOf(page, 'kling')).toBe('running');

    // Agreeing cancels: the task is cancelled at the provider, never re-sent.
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await question.getByRole('button', { name: 'Cancel the run' }).click();
    await expect.poll(() => stateOf(page, 'kling'), { timeout: 30_000 }).toBe('cancelled');
    await expect.poll(() => task.cancelled, { timeout: 30_000 }).toBe(true);
    expect(fal.accepted).toBe(accepted + 1);
    expect(errors).toEqual([]);
  });

  it("reaches a proxy the user set through the server's relay, as the page it serves reaches only its own origin", async () => {
    const veo = TAKES.find((t) => t.provider === 'replicate')!;
    const proxy = servers.get('replicate')!;
    proxy.pollsToFinish = 2;
    // This server's own route to Replicate is its real API: only the proxy can answer here.
    const served = await serveApp(process.cwd(), { upstreams: { replicate: { keyed: ['https://api.replicate.com'], open: proxy.upstream().open } } });
    const page = await browser.newPage();
    const elsewhere: string[] = [];
    page.on('request', (r) => void (new URL(r.url()).origin !== new URL(served.url).origin && !/^(blob|data):/.test(r.url()) && elsewhere.push(r.url())));
    try {
      const before = proxy.accepted;
      // Its first call (the submit, the image in it) meets a relay that does not know the proxy yet: refused, added, sent again.
      await page.goto(served.url);
      await page.locator('.react-flow__node').first().waitFor();
      await setUp(page, motionGraph('generate-proxy', generateNodes([veo], () => ({ prompt: 'through my proxy' }))), (t) => t.credentials, { replicate: proxy.url });
      await page.evaluate(() => (globalThis as any).stillmotion.runner.run());
      await expect.poll(() => stateOf(page, veo.id), { timeout: 30_000 }).toBe('done');
      expect(proxy.accepted).toBe(before + 1);
      expect(proxy.log.filter((r) => !r.cdn).every((r) => r.headers.authorization === 'Bearer r8-key')).toBe(true);
      expect(elsewhere).toEqual([]);
      // The page itself may not connect anywhere else: its policy says so.
      const refused = await page.evaluate(
        (url) =>
          new Promise<string>((resolve) => {
            addEventListener('securitypolicyviolation', (e) => resolve(e.effectiveDirective), { once: true });
            void fetch(url).catch(() => undefined);
          }),
        `${proxy.url}/v1/account`,
      );
      expect(refused).toBe('connect-src');
    } finally {
      await page.close();
      await served.close();
    }
  });

  it('says, on a page served without the Stillmotion server, which providers need it', async () => {
    // dist/ on a plain static host: no relay, so the page calls each provider itself.
    const staticHost = await preview({ root: process.cwd(), configFile: false, logLevel: 'warn', preview: { host: '127.0.0.1', port: 0, strictPort: false, headers: { 'Content-Security-Policy': CONTENT_SECURITY_POLICY } } });
    const address = staticHost.httpServer.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    try {
      const { page } = await freshApp(browser, `http://127.0.0.1:${address.port}/`);
      const veo = TAKES.find((t) => t.provider === 'replicate')!;
      await setUp(page, motionGraph('generate-no-relay', generateNodes([veo], () => ({ prompt: 'no relay' }))));
      await page.evaluate(() => (globalThis as any).stillmotion.runner.run());
      await expect.poll(() => stateOf(page, veo.id), { timeout: 30_000 }).toBe('failed');
      expect(await page.locator(`[data-node-id="${veo.id}"] .node-error`).innerText()).toMatch(/Replicate does not accept calls from a browser page: open Stillmotion through `npm start`, whose server relays the call, or set a proxy in Settings > Providers > Replicate/);
      await screenshot(page, 'generate-without-relay');
      // Settings > Providers says the same, for every provider that needs the server.
      await page.getByRole('button', { name: 'Providers', exact: true }).click();
      const panel = page.getByRole('dialog', { name: 'Providers' });
      await expect.poll(() => panel.locator('.relay-status').getAttribute('data-relay')).toBe('off');
      expect(await panel.locator('.relay-status').textContent()).toMatch(/Replicate, Runway, Kling, BytePlus, MiniMax, LTX, PixVerse refuse calls from a browser page/);
      expect(await panel.locator('[data-provider="replicate"] .needs-server').count()).toBe(1);
      expect(await panel.locator('[data-provider="fal"] .needs-server').count()).toBe(0);
    } finally {
      await staticHost.close();
    }
  });
});
