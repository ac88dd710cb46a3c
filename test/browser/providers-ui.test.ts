/**
 * Money and keys, as a person meets them in the built app: a provider key is saved and never
 * shown again; a model narrows what can be chosen; the cost is shown before Run; a run above the
 * user's threshold asks first, and cancelling sends nothing; the journal of generations is listed.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { formatUsd } from '../../src/editor/run-cost';
import type { WorkflowDocument } from '../../src/engine';
import { findModel, findRoute, routeCapabilities } from '../../src/providers/catalog/catalog';
import generateVideo from '../../src/nodes/generate-video';
import { PROVIDERS } from '../../src/providers/providers';
import { sharedBrowser, screenshot, watchErrors } from './chromium';

const KEY = 'fal-test-key-7f3a9c1e-never-shown';
/** A model whose durations (4, 6, 8 s) do not include the default 5 s. */
const NARROW_MODEL = 'veo-3.1-fast';

let browser: Browser;
let page: Page;
let errors: string[];
/** Requests that left the app's own origin: a paid request would be one. */
const external: string[] = [];

const gen = () => page.locator('.react-flow__node[data-id="gen"]');
const param = (label: string) => gen().locator('.param').filter({ has: page.locator('label', { hasText: new RegExp(`^${label}$`) }) });
const providers = () => page.getByRole('dialog', { name: 'Providers' });
const confirmation = () => page.getByRole('alertdialog', { name: 'Confirm a paid run' });
/** Takes the focus out of a form field, so the editor's shortcuts apply. */
const leaveField = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
const runLog = () => page.locator('.run-log li').allTextContents();

/** Reads a store of the app's database as the app left it. */
function readStore(store: string, key?: string): Promise<unknown> {
  return page.evaluate(
    ({ store, key }) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('stillmotion');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const request = key === undefined ? db.transaction(store).objectStore(store).getAll() : db.transaction(store).objectStore(store).get(key);
          request.onsuccess = () => (db.close(), resolve(request.result));
          request.onerror = () => reject(request.error);
        };
      }),
    { store, key },
  );
}

function writeStore(store: string, values: unknown[]): Promise<void> {
  return page.evaluate(
    ({ store, values }) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('stillmotion');
        open.onsuccess = () => {
          const tx = open.result.transaction(store, 'readwrite');
          for (const value of values) tx.objectStore(store).put(value);
          tx.oncomplete = () => (open.result.close(), resolve());
          tx.onerror = () => reject(tx.error);
        };
      }),
    { store, values },
  );
}

/** A sample image feeding a Generate video node: priced, and never sent (no route it uses has a reachable key). */
const WORKFLOW: WorkflowDocument = {
  format: 'stillmotion.workflow',
  version: 1,
  id: 'paid-ui',
  name: 'Paid UI',
  nodes: [
    { id: 'image', type: 'image.sample', version: 1, position: { x: 20, y: 20 }, params: { aspect: '16:9', height: 180, seed: 3 } },
    { id: 'gen', type: 'generate.video', version: 1, position: { x: 330, y: 20 }, params: {} },
  ],
  edges: [{ id: 'e1', source: 'image', sourcePort: 'image', target: 'gen', targetPort: 'image' }],
  viewport: { x: 0, y: 0, zoom: 1 },
};

beforeAll(async () => {
  browser = await sharedBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  errors = watchErrors(page);
  const own = new URL(inject('baseUrl')).origin;
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(own) && !url.startsWith('blob:') && !url.startsWith('data:')) external.push(url);
  });
  await page.goto(inject('baseUrl'));
  await page.locator('.react-flow__node[data-id="image"]').waitFor();
  await page.evaluate((doc) => (globalThis as any).stillmotion.session.create(doc), WORKFLOW);
  await gen().waitFor();
});

afterAll(async () => {
  await browser?.close();
});

describe('provider keys', () => {
  it('saves a key into the secrets store, and never shows it again', async () => {
    await page.getByRole('button', { name: 'Providers', exact: true }).click();
    const fal = providers().locator('[data-provider="fal"]');
    const field = fal.getByLabel('API key');
    expect(await field.getAttribute('type')).toBe('password');
    expect(await field.getAttribute('autocomplete')).toBe('off');
    expect(await fal.locator('.key-status').textContent()).toBe('No key');
    expect(await fal.getByRole('link', { name: 'Get a key' }).getAttribute('href')).toBe('https://fal.ai/dashboard/keys');

    // One row per provider; a keyless one (a local ComfyUI server) asks for no key (a token per server only behind a login proxy).
    expect(await providers().locator('.provider-row').count()).toBe(Object.keys(PROVIDERS).length);
    expect(await providers().locator('[data-provider="comfyui"] .provider-keys input[type="password"]').count()).toBe(0);

    await field.fill(KEY);
    await fal.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => fal.locator('.key-status').textContent()).toBe('Key saved');
    await screenshot(page, 'providers-panel');

    expect(await readStore('secrets', 'fal')).toMatchObject({ provider: 'fal', apiKey: KEY });
    expect(await page.content()).not.toContain(KEY);
    expect(await page.evaluate(() => [...document.querySelectorAll('input, textarea')].map((e) => (e as HTMLInputElement).value))).not.toContain(KEY);
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }))).not.toContain(KEY);
    expect(JSON.stringify(await readStore('workflows'))).not.toContain(KEY);
  });

  it('takes a key pair where the provider signs with two keys (Kling)', async () => {
    const kling = providers().locator('[data-provider="kling"]');
    const info = PROVIDERS.kling!;
    expect(await kling.locator('input[type="password"]').count()).toBe(2);
    await kling.getByLabel(info.keyLabel, { exact: true }).fill('kling-access-1');
    await kling.getByLabel(info.secretKeyLabel!, { exact: true }).fill('kling-secret-2');
    await kling.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => kling.locator('.key-status').textContent()).toBe('Key saved');
    expect(await readStore('secrets', 'kling')).toMatchObject({ apiKey: 'kling-access-1', secretKey: 'kling-secret-2' });
    expect(await page.content()).not.toContain('kling-secret-2');
  });

  it('removes a key, and saves it again', async () => {
    const fal = providers().locator('[data-provider="fal"]');
    await fal.getByRole('button', { name: 'Remove the fal key' }).click();
    await expect.poll(() => fal.locator('.key-status').textContent()).toBe('No key');
    expect(await readStore('secrets', 'fal')).toBeUndefined();
    await fal.getByLabel('API key').fill(KEY);
    await fal.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => fal.locator('.key-status').textContent()).toBe('Key saved');
  });

  it('takes an endpoint override only as a web address, and says the key goes there', async () => {
    const fal = providers().locator('[data-provider="fal"]');
    await fal.getByText('Advanced: endpoint').click();
    const endpoint = fal.getByLabel('Send requests to');
    await endpoint.fill('javascript:alert(1)');
    await fal.getByRole('button', { name: 'Use this endpoint' }).click();
    await expect.poll(() => fal.getByRole('alert').isVisible()).toBe(true);
    expect(await readStore('settings', 'providers')).toBeUndefined();

    await endpoint.fill('http://127.0.0.1:9/fal-proxy');
    await fal.getByRole('button', { name: 'Use this endpoint' }).click();
    await expect.poll(() => readStore('settings', 'providers')).toMatchObject({ endpoints: { fal: 'http://127.0.0.1:9/fal-proxy' } });
    expect(await fal.locator('.provider-endpoint').textContent()).toContain('key is sent to this endpoint’s origin instead of https://queue.fal.run');

    await fal.getByRole('button', { name: 'Use https://queue.fal.run' }).click();
    await expect.poll(() => readStore('settings', 'providers')).toMatchObject({ endpoints: {} });
  });

  it('says that calls go through the Stillmotion server serving the page', async () => {
    await expect.poll(() => providers().locator('.relay-status').getAttribute('data-relay')).toBe('on');
    expect(await providers().locator('.needs-server').count()).toBe(0);
  });

  it('keeps the ComfyUI servers the app may reach: a bad address named, a good one normalised, one removed', async () => {
    const comfy = providers().locator('[data-provider="comfyui"]');
    expect(await comfy.locator('li > span').allTextContents()).toEqual(['http://127.0.0.1:8188']);
    // A token for a server behind a login proxy: written, kept with the keys under that server, never shown.
    await comfy.getByLabel('Token (only behind a login proxy)').fill('proxy-token');
    await comfy.locator('.server-token').getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => readStore('secrets', 'comfyui:http://127.0.0.1:8188')).toMatchObject({ apiKey: 'proxy-token' });
    expect(await comfy.getByLabel('Token saved; replace it').inputValue()).toBe('');
    const field = comfy.getByLabel('Add a server');
    await field.fill('gpu box:8188');
    await comfy.getByRole('button', { name: 'Add' }).click();
    await expect.poll(() => comfy.getByRole('alert').textContent()).toContain('"gpu box:8188" is not a server address');
    await field.fill('192.168.1.20:8188/');
    await comfy.getByRole('button', { name: 'Add' }).click();
    await expect.poll(() => readStore('settings', 'providers')).toMatchObject({ comfyuiServers: ['http://127.0.0.1:8188', 'http://192.168.1.20:8188'] });
    expect(await comfy.textContent()).toContain('needs no --enable-cors-header');
    await comfy.getByRole('button', { name: 'Remove the ComfyUI server http://127.0.0.1:8188' }).click();
    await expect.poll(() => readStore('settings', 'providers')).toMatchObject({ comfyuiServers: ['http://192.168.1.20:8188'] });
  });

  it('keeps the confirmation threshold the user sets', async () => {
    const threshold = providers().getByLabel('Ask before a run estimated above $');
    await threshold.fill('0.25');
    await threshold.press('Enter');
    await expect.poll(() => readStore('settings', 'providers')).toMatchObject({ confirmAboveUsd: 0.25 });
    await page.getByRole('button', { name: 'Close providers' }).click();
  });
});

describe('constraints and cost on the node', () => {
  it('offers only the durations the chosen model has, and undoes the model and duration together', async () => {
    const before = await param('Duration').locator('option').allTextContents();
    expect(before).toContain('15 s');
    expect(await param('ComfyUI server').count()).toBe(0);

    await param('Model').locator('select').selectOption(NARROW_MODEL);
    const model = findModel(NARROW_MODEL)!;
    const durations = routeCapabilities(model, findRoute(model, 'fal')!).durations.map((d) => `${d} s`);
    await expect.poll(() => param('Duration').locator('option').allTextContents()).toEqual(durations);
    expect(await param('Duration').locator('select').inputValue()).toBe('4');
    await screenshot(page, 'generate-video-constrained');

    await leaveField();
    await page.keyboard.press('Control+z');
    await expect.poll(() => param('Model').locator('select').inputValue()).toBe('seedance-2.0-fast');
    expect(await param('Duration').locator('select').inputValue()).toBe('5');
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => param('Duration').locator('select').inputValue()).toBe('4');
  });

  it('shows the node’s estimate with its basis, and what Run would spend', async () => {
    const params = await page.evaluate(() => (globalThis as any).stillmotion.documents.node('gen').params);
    const estimate = generateVideo.cost!({ ...Object.fromEntries(Object.entries(generateVideo.params).map(([k, s]) => [k, s.default])), ...params })!;
    const badge = gen().locator('.badge-cost');
    expect(await badge.textContent()).toContain(formatUsd(estimate.usd));
    expect(await badge.getAttribute('title')).toContain(estimate.basis);
    if (estimate.assumed) expect(await badge.textContent()).toMatch(/^≈ .*\*$/);
    // The toolbar asks the engine for a plan once the graph is still.
    await expect.poll(() => page.locator('.run-estimate').textContent()).toContain(formatUsd(estimate.usd));
    expect(await page.locator('.run-estimate').textContent()).toContain('Estimate');
  });
});

describe('prices and constraints in the pickers', () => {
  it('lists each model with its lowest price per second and speed, each route with its price and the cheapest, and narrows durations by resolution', async () => {
    const models = await param('Model').locator('option').allTextContents();
    expect(models).toContain('Veo 3.1 Fast · from $0.100/s · fast');
    expect(models.some((m) => m.includes('Motion Control'))).toBe(false);
    await param('Resolution').locator('select').selectOption('1080p');
    await expect.poll(() => param('Route').locator('option').allTextContents()).toEqual(['fal · $0.150/s', 'Replicate · $0.150/s', 'Gemini API · $0.120/s · cheapest']);
    await param('Route').locator('select').selectOption('gemini');
    await expect.poll(() => param('Duration').locator('option').allTextContents()).toEqual(['8 s']);
    expect(await param('Duration').locator('.param-note').textContent()).toBe('At 1080p, Veo 3.1 Fast via Gemini API makes 8 s only');
    await screenshot(page, 'generate-video-prices');
    // Back to where the next tests expect the node.
    await param('Route').locator('select').selectOption('fal');
    await param('Resolution').locator('select').selectOption('720p');
    await param('Duration').locator('select').selectOption('4');
  });
});

describe('a run above the threshold', () => {
  it('asks first, listing the paid nodes and the total; cancelling sends nothing', async () => {
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await confirmation().waitFor();
    const text = await confirmation().textContent();
    expect(text).toContain('Generate video');
    // The dialog and the toolbar read the same plan.
    const total = /Estimated total (\$[\d.]+)/.exec(text!)?.[1];
    await expect.poll(async () => (await page.locator('.run-estimate').textContent())?.replace(/^Estimate (≈ )?/, '')).toBe(total);
    await screenshot(page, 'confirm-paid-run');
    await confirmation().getByRole('button', { name: 'Cancel' }).click();
    // The dialog closes on the next render: polled, as a loaded machine takes longer to draw it.
    await expect.poll(() => confirmation().count()).toBe(0);

    // The keyboard's Run asks too; Escape answers no.
    await leaveField();
    await page.keyboard.press('Control+Enter');
    await confirmation().waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => confirmation().count()).toBe(0);

    await page.waitForTimeout(500);
    expect(await runLog()).toEqual([]);
    expect(await page.locator('.run-status').getAttribute('data-status')).toBe('idle');
    expect(await readStore('tasks')).toEqual([]);
    expect(external).toEqual([]);
  });

  it('runs once the user agrees (on a route with no key, the node then fails before sending anything)', async () => {
    await param('Route').locator('select').selectOption('gemini');
    // Said before Run, on the node and in the toolbar's list, with the way to fix it.
    await expect.poll(() => gen().locator('.node-problem').textContent()).toBe('Gemini API has no key: add yours in Providers');
    await page.locator('.run-problems summary').click();
    expect(await page.locator('.run-problems li').allTextContents()).toEqual(['Generate video: Gemini API has no key: add yours in ProvidersOpen Providers']);
    await screenshot(page, 'problems-before-run');
    await page.locator('.run-problems').getByRole('button', { name: 'Open Providers' }).click();
    await providers().waitFor();
    await page.getByRole('button', { name: 'Close providers' }).click();
    await page.locator('.run-problems summary').click();
    await gen().getByRole('button', { name: 'Run this node' }).click();
    await confirmation().waitFor();
    await confirmation().getByRole('button', { name: /^Run and pay/ }).click();
    await expect.poll(() => gen().locator('.node').getAttribute('data-state')).toBe('failed');
    expect(await gen().locator('.node-error').textContent()).toContain('key');
    expect((await runLog()).some((line) => line.includes('Run started'))).toBe(true);
    expect(await readStore('tasks')).toEqual([]);
    expect(external).toEqual([]);
  });
});

describe('the generations panel', () => {
  it('lists the journal with status, estimate and error as text, and the total spend', async () => {
    const at = Date.UTC(2026, 10, 24, 12, 0);
    await writeStore('tasks', [
      { id: 't1', nodeKey: 'k1', nodeId: 'gen', provider: 'fal', model: 'veo-3.1-fast', providerTaskId: 'r1', status: 'succeeded', submittedAt: at, updatedAt: at, request: {}, costUsd: 0.4 },
      { id: 't2', nodeKey: 'k2', nodeId: 'gen', provider: 'fal', model: 'kling-v3', providerTaskId: null, status: 'failed', submittedAt: at + 1000, updatedAt: at, request: {}, costUsd: 1.12, error: '<img src=x onerror="window.pwned=1"> moderated' },
    ]);
    await page.getByRole('button', { name: 'Generations', exact: true }).click();
    const panel = page.getByRole('dialog', { name: 'Generations' });
    await expect.poll(() => panel.locator('tbody tr').count()).toBe(2);
    const rows = await panel.locator('tbody tr').allTextContents();
    expect(rows[0]).toContain(findModel('kling-v3')!.name);
    expect(rows[0]).toContain('Generate video');
    expect(rows[0]).toContain('<img src=x onerror="window.pwned=1"> moderated');
    expect(rows[1]).toContain('succeeded');
    expect(rows[1]).toContain('$0.40');
    expect(await panel.locator('img').count()).toBe(0);
    expect(await panel.locator('.generations-total').textContent()).toContain('$0.40');
    await screenshot(page, 'generations-panel');
    await panel.getByRole('button', { name: 'Close generations' }).click();
  });

  it('shows whether each task was likely billed, and lets the user abandon or resubmit one whose state is unknown, asking about the cost first', async () => {
    const at = Date.UTC(2026, 11, 4, 12, 0);
    const unknown = { id: 't3', nodeKey: 'k3', nodeId: 'gen', provider: 'fal', model: 'veo-3.1-fast', providerTaskId: 'r3', status: 'unknown', submittedAt: at + 2000, updatedAt: at, request: {}, costUsd: 0.6, error: 'fal has not answered about the task for 31 min (12 tries; the last: fal had an internal error (HTTP 500))' };
    await writeStore('tasks', [unknown, { ...unknown, id: 't4', nodeKey: 'k4', submittedAt: at + 3000 }]);
    await page.getByRole('button', { name: 'Generations', exact: true }).click();
    const panel = page.getByRole('dialog', { name: 'Generations' });
    await expect.poll(() => panel.locator('tbody tr').count()).toBe(4);
    const row = (id: string) => panel.locator('tbody tr').nth(['t4', 't3', 't2', 't1'].indexOf(id));
    expect(await row('t3').locator('.task-status').textContent()).toContain('unknown: check with the provider');
    expect(await panel.locator('.task-billed').allTextContents()).toEqual(['maybe', 'maybe', 'no', 'likely']);
    expect(await row('t1').locator('.task-billed').getAttribute('title')).toBe('the video was made');
    expect(await panel.locator('.generations-total').textContent()).toMatch(/Likely spent: \$0\.40 and maybe \$1\.20 more/);
    await screenshot(page, 'generations-unknown');

    await row('t4').getByRole('button', { name: 'Abandon' }).click();
    await expect.poll(async () => ((await readStore('tasks', 't4')) as { status: string }).status).toBe('abandoned');

    // Resubmit asks whatever the threshold; saying no changes and sends nothing.
    await row('t3').getByRole('button', { name: 'Resubmit…' }).click();
    await confirmation().waitFor();
    expect(await confirmation().locator('.confirm-reason').textContent()).toMatch(/^Resubmitting "Generate video" sends a new request to fal, as the node is now\. The earlier one, sent .*, may have been billed as well: check your fal dashboard\.$/);
    await confirmation().getByRole('button', { name: 'Cancel' }).click();
    expect(((await readStore('tasks', 't3')) as { status: string }).status).toBe('unknown');

    const runs = async () => (await runLog()).filter((line) => line.includes('Run started')).length;
    const before = await runs();
    await row('t3').getByRole('button', { name: 'Resubmit…' }).click();
    await confirmation().getByRole('button', { name: /^Run and pay/ }).click();
    await expect.poll(async () => ((await readStore('tasks', 't3')) as { status: string; error: string }).error).toMatch(/resubmitted by you$/);
    // The node runs again as it is now (unwired here, so it fails on its input before sending anything).
    await expect.poll(runs).toBe(before + 1);
    await expect.poll(() => gen().locator('.node').getAttribute('data-state')).toBe('failed');
    expect(external).toEqual([]);
    await panel.getByRole('button', { name: 'Close generations' }).click();
  });

  it('had no page errors', () => {
    expect(errors).toEqual([]);
  });
});
