/**
 * Nothing is lost, workflows travel: real IndexedDB in headless Chromium. A reload reopens the
 * same graph with its results; files import and export; a bad file changes nothing; two tabs on
 * one workflow never overwrite each other silently; a share link opens a copy.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { keepTheDemo, runAndWait, shortenTheDemo, templatePicker } from './app';
import { sharedBrowser, screenshot, watchErrors } from './chromium';

let browser: Browser;
let context: BrowserContext;
let page: Page;
let errors: string[];

const node = (p: Page, id: string) => p.locator(`.react-flow__node[data-id="${id}"]`);
const promptText = (p: Page) => node(p, 'prompt').locator('textarea');
const workflowNames = async (p: Page) => {
  await p.getByRole('button', { name: 'Workflows', exact: true }).click();
  const names = await p.locator('.workflow-title').allTextContents();
  await p.getByRole('button', { name: 'Close workflows' }).click();
  return names.sort();
};

/** A tab of the app; the first one is a first start, whose templates it closes. */
async function openApp(first = false): Promise<Page> {
  const p = await context.newPage();
  await p.goto(inject('baseUrl'));
  await node(p, 'image').waitFor();
  if (first) await keepTheDemo(p);
  return p;
}

/** Waits until the change just made has been saved (autosave waits for a pause in editing). */
const saved = (p: Page) => p.evaluate(() => (globalThis as any).stillmotion.session.flush());

beforeAll(async () => {
  browser = await sharedBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 720 }, acceptDownloads: true });
  page = await openApp(true);
  errors = watchErrors(page);
});

afterAll(async () => {
  await browser?.close();
});

describe('persistence', () => {
  it('reopens the same graph, edits and results after a reload, without running anything', async () => {
    await promptText(page).fill('Orbit slowly around the rock');
    await shortenTheDemo(page);
    await runAndWait(page, () => page.getByRole('button', { name: 'Run', exact: true }).click());
    await saved(page);
    await page.reload();
    await node(page, 'image').waitFor();
    await expect.poll(() => node(page, 'motion').locator('.node').getAttribute('data-state')).toBe('cached');
    expect(await promptText(page).inputValue()).toBe('Orbit slowly around the rock');
    expect(await node(page, 'motion').locator('.node-preview video').count()).toBe(1);
    expect(await page.locator('.run-log li').count()).toBe(0);
    await screenshot(page, 'reopened');
  });

  it('lists workflows; a new one starts from a template or a blank canvas, and the old one is still there', async () => {
    await page.getByRole('button', { name: 'Workflows', exact: true }).click();
    await page.getByRole('button', { name: 'New', exact: true }).click();
    await templatePicker(page).getByRole('button', { name: /^Blank canvas/ }).click();
    // The templates close once the new workflow is open.
    await templatePicker(page).waitFor({ state: 'detached' });
    await expect.poll(() => workflowNames(page)).toEqual(['Coast at dusk', 'Untitled']);
    await page.getByRole('button', { name: 'Workflows', exact: true }).click();
    await page.locator('.workflow-open', { hasText: 'Coast at dusk' }).click();
    await expect.poll(() => promptText(page).inputValue()).toBe('Orbit slowly around the rock');
  });

  it('exports the workflow as a file that imports back as a copy', async () => {
    await page.getByRole('button', { name: 'Workflows', exact: true }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export', exact: true }).click()]);
    expect(download.suggestedFilename()).toBe('Coast at dusk.stillmotion.json');
    const path = join(tmpdir(), `exported-${Date.now()}.stillmotion.json`);
    await download.saveAs(path);
    const exported = JSON.parse(readFileSync(path, 'utf8'));
    expect(exported).toMatchObject({ format: 'stillmotion.workflow', name: 'Coast at dusk' });
    await page.locator('input[aria-label="Import a workflow file"]').setInputFiles(path);
    // The panel closes once the copy is open; workflowNames, called before that, closed it first
    // and then waited 30 s for its Close button (two full runs in three).
    await page.getByRole('button', { name: 'Close workflows' }).waitFor({ state: 'detached' });
    await expect.poll(() => workflowNames(page)).toEqual(['Coast at dusk', 'Coast at dusk', 'Untitled']);
  });

  it('refuses a bad file by path, and a file from a newer Stillmotion, changing nothing', async () => {
    const before = await workflowNames(page);
    const document = await page.evaluate(() => (globalThis as any).stillmotion.documents.document);
    const bad = { ...document, nodes: document.nodes.map((n: any) => (n.id === 'image' ? { ...n, params: { ...n.params, height: 99999 } } : n)) };
    const badPath = join(tmpdir(), 'bad.stillmotion.json');
    writeFileSync(badPath, JSON.stringify(bad));
    await page.getByRole('button', { name: 'Workflows', exact: true }).click();
    await page.locator('input[aria-label="Import a workflow file"]').setInputFiles(badPath);
    await expect.poll(() => page.locator('.hint-error').last().textContent()).toBe('"bad.stillmotion.json" was not opened: nodes[0].params.height: expected 64..2160');

    const newerPath = join(tmpdir(), 'newer.stillmotion.json');
    writeFileSync(newerPath, JSON.stringify({ ...document, version: 99 }));
    await page.locator('input[aria-label="Import a workflow file"]').setInputFiles(newerPath);
    await expect.poll(() => page.locator('.hint-error').last().textContent()).toMatch(/newer Stillmotion \(format 99/);
    await page.getByRole('button', { name: 'Close workflows' }).click();
    expect(await workflowNames(page)).toEqual(before);
  });

  it('with two tabs on one workflow, takes the other tab’s saved change when nothing is pending here', async () => {
    const other = await openApp();
    await promptText(page).fill('Edited in the first tab');
    await saved(page);
    await expect.poll(() => promptText(other).inputValue()).toBe('Edited in the first tab');
    await other.close();
  });

  it('with edits pending in both tabs, stops saving in one and asks which version to keep', async () => {
    const other = await openApp();
    await other.evaluate(() => (globalThis as any).stillmotion.commands.setParam('prompt', 'text', 'Pending in the second tab'));
    await page.evaluate(async () => {
      const { commands, session } = (globalThis as any).stillmotion;
      commands.setParam('prompt', 'text', 'Saved by the first tab');
      await session.flush();
    });
    const banner = other.getByRole('alert').filter({ hasText: 'changed in another tab' });
    await banner.waitFor();
    await screenshot(other, 'two-tabs');
    await other.waitForTimeout(600); // longer than autosave waits: nothing may have been written
    expect(await promptText(page).inputValue()).toBe('Saved by the first tab');
    await banner.getByRole('button', { name: 'Keep mine as a copy' }).click();
    await expect.poll(() => workflowNames(other)).toContain('Coast at dusk (other tab)');
    expect(await promptText(other).inputValue()).toBe('Pending in the second tab');
    await other.close();
  });

  it('opens a share link as a copy of the workflow it carries', async () => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.locator('.workflow-name-button').click();
    await page.getByRole('textbox', { name: 'Workflow name' }).fill('Shared with me');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Workflows', exact: true }).click();
    await page.getByRole('button', { name: 'Copy link' }).click();
    await page.getByRole('button', { name: 'Close workflows' }).click();
    const link = await page.evaluate(() => navigator.clipboard.readText());
    expect(link).toMatch(/#workflow=[\w-]+$/);
    const shared = await context.newPage();
    await shared.goto(link);
    await node(shared, 'image').waitFor();
    await expect.poll(() => shared.locator('.workflow-name-button').textContent()).toBe('Shared with me');
    expect(new URL(shared.url()).hash).toBe('');
    expect((await workflowNames(shared)).filter((n) => n === 'Shared with me')).toHaveLength(2);
    await shared.close();
  });

  it('raised no page errors', () => {
    expect(errors).toEqual([]);
  });
});

describe('videos that carry their workflow', () => {
  it('opens the workflow embedded in an exported video dropped onto the canvas', async () => {
    const p = await openApp();
    await shortenTheDemo(p);
    await runAndWait(p, () => p.getByRole('button', { name: 'Run', exact: true }).click());
    await p.locator('.workflow-name-button').click();
    await p.getByRole('textbox', { name: 'Workflow name' }).fill('Renamed after export');
    await p.keyboard.press('Enter');
    const dataTransfer = await p.evaluateHandle(() => {
      const video = (globalThis as any).stillmotion.runs.node('export').outputs.video;
      const transfer = new DataTransfer();
      transfer.items.add(new File([video.blob], 'Export.mp4', { type: 'video/mp4' }));
      return transfer;
    });
    await p.dispatchEvent('.react-flow__pane', 'drop', { dataTransfer });
    await expect.poll(() => p.locator('.workflow-name-button').textContent()).toBe('Shared with me');
    await p.close();
  });
});
