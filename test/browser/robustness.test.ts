/**
 * Nothing the editor accepts can lock work away, and nothing a file carries can take the tab down:
 * real IndexedDB in headless Chromium, each case doing what a person did when it broke (issue 20).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DOCUMENT_LIMITS, WORKFLOW_FORMAT, WORKFLOW_VERSION, type WorkflowDocument } from '../../src/engine';
import { defaultWorkflow } from '../../src/workflows/default-workflow';
import { sharedBrowser, watchErrors } from './chromium';

let browser: Browser;
let context: BrowserContext;
const dir = mkdtempSync(join(tmpdir(), 'stillmotion-robustness-'));

const node = (p: Page, id: string) => p.locator(`.react-flow__node[data-id="${id}"]`);
const hints = (p: Page) => p.locator('.hint');
const lastHint = (p: Page) => hints(p).last();
const workflows = (p: Page) => p.getByRole('button', { name: 'Workflows', exact: true });
const saved = (p: Page) => p.evaluate(() => (globalThis as any).stillmotion.session.flush());
const openDocument = (p: Page) => p.evaluate(() => (globalThis as any).stillmotion.documents.document as WorkflowDocument);
const storedNames = (p: Page) => p.evaluate(async () => ((await (globalThis as any).stillmotion.session.store.list()) as { name: string }[]).map((w) => w.name).sort());

/** A tab of the app, showing the workflow open last. */
async function openApp(): Promise<Page> {
  const p = await context.newPage();
  await p.goto(inject('baseUrl'));
  // Until the app has started, `stillmotion` is absent: that is not a workflow open.
  await p.waitForFunction(() => {
    const app = (globalThis as any).stillmotion;
    return app !== undefined && app.documents.document.id !== 'opening';
  });
  // Said, not assumed: every test here needs the browser's storage.
  expect(await p.evaluate(() => (globalThis as any).stillmotion.storageProblem)).toBeUndefined();
  return p;
}

/** A tab with a new workflow of the default graph, named `name`, open (and so open last). */
async function openFresh(name: string): Promise<Page> {
  const p = await openApp();
  await p.evaluate((document) => (globalThis as any).stillmotion.session.create(document), { ...defaultWorkflow('fresh'), name });
  await node(p, 'image').waitFor();
  return p;
}

/** A record written straight into storage, as an older Stillmotion (or a damaged disk) left it. */
async function storeRaw(p: Page, id: string, name: string, document: unknown, lastOpened = false): Promise<void> {
  await p.evaluate(
    async ({ id, name, document, lastOpened }) => {
      const { db } = (globalThis as any).stillmotion.session;
      await db.put('workflows', { id, name, document, updatedAt: Date.now(), openedAt: null });
      if (lastOpened) await db.put('settings', id, 'lastWorkflowId');
    },
    { id, name, document, lastOpened },
  );
}

function workflow(name: string, nodes: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { format: WORKFLOW_FORMAT, version: WORKFLOW_VERSION, id: name, name, nodes, edges: [], ...extra };
}

const prompt = (id: string, text = 'Slow push in', x = 0) => ({ id, type: 'text.prompt', version: 1, position: { x, y: 0 }, params: { text } });

/** `count` prompts in rows: a big graph of cheap nodes. */
const bigNodes = (count: number) => Array.from({ length: count }, (_, i) => ({ ...prompt(`n${i}`, `Shot ${i}`), position: { x: (i % 40) * 320, y: Math.floor(i / 40) * 360 } }));

/** JSON text of a workflow whose one unknown node keeps params nested `depth` deep (too deep to build as an object in Node). */
function deepWorkflowText(depth: number): string {
  const deep = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  return JSON.stringify(workflow('Deep plugin data', [{ id: 'p', type: 'plugin.deep', version: 1, position: { x: 0, y: 0 }, params: { kept: 1, deep: 0 } }])).replace('"deep":0', `"deep":${deep}`);
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function importFile(p: Page, path: string): Promise<void> {
  await workflows(p).click();
  await p.locator('input[aria-label="Import a workflow file"]').setInputFiles(path);
}

beforeAll(async () => {
  browser = await sharedBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 720 }, acceptDownloads: true });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
});

afterAll(async () => {
  await browser?.close();
});

describe('what the editor accepts, it opens again', () => {
  it('a node name and a workflow name typed far over the limit are kept to it, and the workflow reopens after a reload', async () => {
    const page = await openFresh('Long names');
    const errors = watchErrors(page);
    await node(page, 'prompt').locator('.node-title').dblclick();
    await page.getByRole('textbox', { name: 'Node name' }).fill('Opening shot, '.repeat(30));
    await page.keyboard.press('Enter');
    await page.locator('.workflow-name-button').click();
    await page.getByRole('textbox', { name: 'Workflow name' }).fill('A long name. '.repeat(60));
    await page.keyboard.press('Enter');
    await saved(page);
    await page.reload();
    await node(page, 'prompt').waitFor();
    const title = await node(page, 'prompt').locator('.node-title').textContent();
    expect(title!.length).toBeLessThanOrEqual(DOCUMENT_LIMITS.title);
    expect(title).toMatch(/^Opening shot, Opening shot/);
    expect((await page.locator('.workflow-name-button').textContent())!.length).toBeLessThanOrEqual(DOCUMENT_LIMITS.name);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a stored workflow with a field no longer allowed opens with a warning; one that cannot open still offers Export', async () => {
    const page = await openFresh('Stored oddities');
    const old = workflow('Typed before the limits', [{ ...prompt('a'), title: 'T'.repeat(300) }, { ...prompt('b'), position: { x: Infinity, y: 0 } }]);
    const future = { ...workflow('From a newer Stillmotion', []), version: WORKFLOW_VERSION + 1, futureField: true };
    await storeRaw(page, 'older', 'Typed before the limits', old);
    await storeRaw(page, 'future', 'From a newer Stillmotion', future);

    await workflows(page).click();
    await page.locator('.workflow-open', { hasText: 'Typed before the limits' }).click();
    await expect.poll(() => page.locator('.workflow-name-button').textContent()).toBe('Typed before the limits');
    await expect.poll(() => lastHint(page).textContent()).toMatch(/^“Typed before the limits” opened with 2 changes: nodes\[0\]\.title: longer than 200 characters; shortened; nodes\[1\]\.position: \(Infinity, 0\) is off the canvas/);

    await workflows(page).click();
    await page.locator('.workflow-open', { hasText: 'From a newer Stillmotion' }).click();
    const refusal = page.locator('.hint-error', { hasText: '“From a newer Stillmotion” could not be opened' });
    await expect.poll(() => refusal.textContent()).toMatch(/newer Stillmotion \(format 2; this one reads up to 1\).*Export it to keep it as a file/);
    const [download] = await Promise.all([page.waitForEvent('download'), refusal.getByRole('button', { name: 'Export' }).click()]);
    const path = join(dir, 'exported-future.json');
    await download.saveAs(path);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(future);
    await page.close();
  });
});

describe('data nested thousands deep', () => {
  it('in an imported file: the workflow opens without that param, the message says where', async () => {
    const page = await openFresh('Deep import');
    const errors = watchErrors(page);
    await importFile(page, file('deep.stillmotion.json', deepWorkflowText(5000)));
    await node(page, 'p').waitFor();
    await expect.poll(() => lastHint(page).textContent()).toContain('nodes[0].params.deep.a.a.a.a.a.a.a.a.a…: nested deeper than 64 levels; the parameter "deep" was not kept');
    expect((await openDocument(page)).nodes[0]!.params).toEqual({ kept: 1 });
    await saved(page);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('pasted: the node is pasted without that param, and says so', async () => {
    const page = await openFresh('Deep paste');
    await page.evaluate((text) => navigator.clipboard.writeText(text), deepWorkflowText(5000));
    // Bare canvas, right of Local motion and below Export.
    await page.locator('.react-flow__pane').click({ position: { x: 680, y: 640 } });
    await page.keyboard.press('Control+v');
    await node(page, 'deep-1').waitFor();
    await expect.poll(() => lastHint(page).textContent()).toMatch(/^Pasted with 2 changes: nodes\[0\]\.params\.deep\.a\.a.*nested deeper than 64 levels/);
    await page.close();
  });

  it('in a 300-byte share link: the app draws, then opens the workflow, saying what it left out', async () => {
    const packed = deflateRawSync(Buffer.from(deepWorkflowText(5000))).toString('base64url');
    const link = `${inject('baseUrl')}#workflow=${packed}`;
    expect(link.length).toBeLessThan(400);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(link);
    await node(page, 'p').waitFor();
    await expect.poll(() => page.locator('.workflow-name-button').textContent()).toBe('Deep plugin data');
    await expect.poll(() => lastHint(page).textContent()).toMatch(/^The shared workflow opened with 2 changes: nodes\[0\]\.params\.deep\.a\.a.*nested deeper than 64 levels/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('pasted after a byte-order mark, as some editors copy it: pasted like a file with one', async () => {
    const page = await openFresh('BOM paste');
    await page.evaluate((text) => navigator.clipboard.writeText(`\uFEFF${text}`), JSON.stringify(workflow('bom', [prompt('from-editor', 'Copied from a text editor')])));
    // Bare canvas, right of Local motion and below Export.
    await page.locator('.react-flow__pane').click({ position: { x: 680, y: 640 } });
    await page.keyboard.press('Control+v');
    await node(page, 'prompt-1').waitFor();
    expect(await node(page, 'prompt-1').locator('textarea').inputValue()).toBe('Copied from a text editor');
    await page.close();
  });
});

describe('two tabs on one workflow', () => {
  it('editing within a millisecond of each other: neither edit is lost, four times out of four', async () => {
    const a = await openFresh('Two tabs');
    const b = await openApp();
    await node(b, 'prompt').waitFor();
    const edit = (p: Page, text: string) => p.evaluate((text) => (globalThis as any).stillmotion.commands.setParam('prompt', 'text', text), text);
    for (let trial = 0; trial < 4; trial++) {
      // Both tabs hold an edit before either saves (an edit made after hearing the other tab's
      // save would rightly go over it), then both save at once; the stored revision is checked
      // inside each save.
      await Promise.all([edit(a, `A${trial}`), edit(b, `B${trial}`)]);
      await Promise.all([saved(a), saved(b)]);
      const stored = await a.evaluate(async () => {
        const { session, documents } = (globalThis as any).stillmotion;
        const loaded = await session.store.get(documents.document.id);
        return loaded.document.nodes.find((n: { id: string }) => n.id === 'prompt').params.text as string;
      });
      expect([`A${trial}`, `B${trial}`]).toContain(stored);
      const [winner, loser, mine] = stored.startsWith('A') ? [a, b, `B${trial}`] : [b, a, `A${trial}`];
      // The other tab keeps its edit and asks; its choice keeps it as a copy.
      const banner = loser.getByRole('alert').filter({ hasText: 'changed in another tab' });
      await banner.waitFor();
      expect((await openDocument(loser)).nodes.find((n) => n.id === 'prompt')!.params.text).toBe(mine);
      await banner.getByRole('button', { name: 'Load the other tab’s version' }).click();
      await expect.poll(async () => (await openDocument(loser)).nodes.find((n) => n.id === 'prompt')!.params.text).toBe(stored);
      expect(await winner.getByRole('alert').count()).toBe(0);
    }
    await Promise.all([a.close(), b.close()]);
  });

  it('deleted in one tab: the other says so and asks, rather than making it again by itself', async () => {
    const first = await openFresh('Deleted elsewhere');
    const second = await openApp();
    await expect.poll(() => second.locator('.workflow-name-button').textContent()).toBe('Deleted elsewhere');

    await workflows(first).click();
    await first.getByRole('button', { name: 'Delete Deleted elsewhere' }).click();
    const banner = second.getByRole('alert').filter({ hasText: 'deleted in another tab' });
    await banner.waitFor();
    // An edit here afterwards, and its autosave, does not store it again.
    await second.evaluate(() => (globalThis as any).stillmotion.commands.setParam('prompt', 'text', 'Edited after the delete'));
    await saved(second);
    expect(await storedNames(second)).not.toContain('Deleted elsewhere');
    await banner.getByRole('button', { name: 'Keep it' }).click();
    await expect.poll(() => storedNames(second)).toContain('Deleted elsewhere');
    await Promise.all([first.close(), second.close()]);
  });
});

describe('big graphs', () => {
  it('importing 6,000 nodes says it is big; a start does not reopen it by itself, and offers it', async () => {
    const page = await openFresh('Before the big graph');
    await importFile(page, file('big.stillmotion.json', JSON.stringify(workflow('Six thousand shots', bigNodes(6000), { viewport: { x: 40, y: 40, zoom: 1 } }))));
    await node(page, 'n0').waitFor();
    await expect.poll(() => lastHint(page).textContent()).toMatch(/this is a big workflow \(6,000 nodes, [\d.]+ MB\): the editor is measured fluid up to 5,000 nodes/);
    await saved(page);

    await page.reload();
    const offer = page.getByRole('status').filter({ hasText: '“Six thousand shots” (6,000 nodes) was open last' });
    await offer.waitFor();
    await node(page, 'image').waitFor();
    expect((await openDocument(page)).name).not.toBe('Six thousand shots');
    await offer.getByRole('button', { name: 'Open it' }).click();
    await node(page, 'n0').waitFor();
    expect((await openDocument(page)).nodes).toHaveLength(6000);
    await page.close();
  });
});

describe('videos that carry a workflow', () => {
  it('one whose workflow this version cannot open says so, and offers the video itself', async () => {
    const video = join(dir, 'from-the-future.mp4');
    const embedded = JSON.stringify({ ...workflow('Future', []), version: WORKFLOW_VERSION + 1 });
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=30', '-t', '1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-movflags', '+use_metadata_tags+faststart', '-metadata', `workflow=${embedded}`, video]);
    const page = await openFresh('Future video');
    const dataTransfer = await page.evaluateHandle((data) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], 'from-the-future.mp4', { type: 'video/mp4' }));
      return transfer;
    }, readFileSync(video).toString('base64'));
    await page.dispatchEvent('.react-flow__pane', 'drop', { dataTransfer });
    const said = page.locator('.hint-error', { hasText: '"from-the-future.mp4" was not opened' });
    await expect.poll(() => said.textContent()).toMatch(/the video carries a Stillmotion workflow this version cannot open.*newer Stillmotion/);
    expect(await page.locator('.react-flow__node', { hasText: 'Video input' }).count()).toBe(0);
    await said.getByRole('button', { name: 'Use the video instead' }).click();
    await page.locator('.react-flow__node', { hasText: 'Video input' }).waitFor();
    await page.close();
  });
});
