/**
 * Editing habits people bring from ComfyUI, Blender and Figma, used as they use them, on a
 * 1280x720 screen: Ctrl+D and Ctrl+Shift+V keep input wires, right-click menus (reachable by
 * keyboard) whose Run asks about money as Run does, bypass, titled frames, ports that cannot take
 * a dragged wire dimmed, and a side panel and minimap that fold away. Screenshots for a reviewer
 * go to test-results/screenshots (habits-*).
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { keepTheDemo, runAndWait, shortenTheDemo, templatePicker } from './app';
import { sharedBrowser, screenshot, watchErrors } from './chromium';

let browser: Browser;
let context: BrowserContext;
let page: Page;
let errors: string[];

const node = (id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);
const card = (id: string) => node(id).locator('.node');
const frame = () => page.locator('.react-flow__node-frame');
const menu = () => page.getByRole('menu');
const edgesInto = (id: string) => page.evaluate((target) => (globalThis as any).stillmotion.documents.document.edges.filter((e: { target: string }) => e.target === target).map((e: { source: string }) => e.source), id);
const nodeIds = () => page.evaluate(() => (globalThis as any).stillmotion.documents.document.nodes.map((n: { id: string }) => n.id) as string[]);
const position = (id: string) => page.evaluate((nodeId) => (globalThis as any).stillmotion.documents.node(nodeId).position as { x: number; y: number }, id);
const saved = () => page.evaluate(() => (globalThis as any).stillmotion.session.flush());

async function centre(locator: Locator) {
  const box = (await locator.boundingBox())!;
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Where `locator` sits once the view has stopped moving (fitting the view animates). */
async function settledCentre(locator: Locator) {
  let last = '';
  await expect
    .poll(async () => {
      const now = JSON.stringify(await locator.boundingBox());
      const still = now === last;
      last = now;
      return still;
    })
    .toBe(true);
  return centre(locator);
}

/** Clicks a node's title, as a person selects a node. */
const select = (id: string) => node(id).locator('.node-title').click();

/** A fresh copy of the offline demo (Sample image and Prompt -> Local motion -> Export) from New, all in view. */
async function freshGraph() {
  await page.getByRole('button', { name: 'Workflows', exact: true }).click();
  await page.locator('.workflow-actions').getByRole('button', { name: 'New', exact: true }).click();
  const picker = templatePicker(page);
  await picker.locator('[data-template="offline-demo"]').click();
  await picker.waitFor({ state: 'detached' });
  await expect.poll(nodeIds).toEqual(['image', 'motion', 'export', 'prompt']);
  await node('image').waitFor();
  await page.keyboard.press('f');
  await page.waitForTimeout(300);
}

beforeAll(async () => {
  browser = await sharedBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  page = await context.newPage();
  errors = watchErrors(page);
  await page.goto(inject('baseUrl'));
  await node('image').waitFor();
  await keepTheDemo(page);
});

afterAll(async () => {
  await browser?.close();
});

describe('duplicate and paste keep what feeds the copies', () => {
  it('Ctrl+D selects a copy beside the original, on top, wired from what fed it, undone in one step', async () => {
    await freshGraph();
    await select('motion');
    const before = await position('motion');
    await page.keyboard.press('Control+d');
    await node('local-1').waitFor();
    expect(await position('local-1')).toEqual({ x: before.x + 40, y: before.y + 40 });
    expect(await edgesInto('local-1')).toEqual(['image', 'prompt']);
    await expect.poll(() => node('local-1').getAttribute('class')).toContain('selected');
    expect(await node('motion').getAttribute('class')).not.toContain('selected');
    // On top: where the two overlap, the copy is what a click reaches.
    const overlap = (await node('local-1').boundingBox())!;
    expect(await page.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.closest('.react-flow__node')?.getAttribute('data-id'), { x: overlap.x + 20, y: overlap.y + 20 })).toBe('local-1');
    await page.keyboard.press('Control+z');
    await expect.poll(nodeIds).toEqual(['image', 'motion', 'export', 'prompt']);
    expect(await edgesInto('image')).toEqual([]);
    expect(await edgesInto('motion')).toEqual(['image', 'prompt']);
  });

  it('Ctrl+Shift+V pastes with the wires into the copied nodes; Ctrl+V without', async () => {
    await freshGraph();
    await select('motion');
    await page.keyboard.press('Control+c');
    const pane = (await page.locator('.react-flow__pane').boundingBox())!;
    await page.mouse.move(pane.x + 120, pane.y + pane.height - 120);
    await page.keyboard.press('Control+Shift+v');
    await node('local-1').waitFor();
    expect(await edgesInto('local-1')).toEqual(['image', 'prompt']);
    await page.mouse.move(pane.x + 420, pane.y + pane.height - 120);
    await page.keyboard.press('Control+v');
    await node('local-2').waitFor();
    expect(await edgesInto('local-2')).toEqual([]);
  });
});

describe('right-click menus', () => {
  it('on a node: run, bypass, duplicate, delete, colour; keyboard-reachable; Escape closes it', async () => {
    await freshGraph();
    await node('motion').locator('.node-title').click({ button: 'right' });
    await expect.poll(() => menu().isVisible()).toBe(true);
    expect(await menu().getAttribute('aria-label')).toBe('Node');
    const items = await menu().locator('.context-label').allTextContents();
    expect(items).toEqual(['Run this node', 'Bypass', 'Duplicate', 'Put in a frame', 'Delete']);
    // Local motion makes a video from an image: nothing of the same kind to pass on.
    const bypass = menu().getByRole('menuitem', { name: /^Bypass/ });
    expect(await bypass.getAttribute('aria-disabled')).toBe('true');
    expect(await bypass.locator('.context-why').textContent()).toBe('Cannot be bypassed: no input of Local motion carries what it puts out (video)');
    await screenshot(page, 'habits-node-menu');
    // The first item has the focus; arrows move it; Enter on a swatch colours the node.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain('Run this node');
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowUp');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Colour: grey');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => (globalThis as any).stillmotion.documents.node('motion').colour)).toBe('purple');
    await expect.poll(() => card('motion').getAttribute('class')).toContain('marked');
    // Shift+F10 opens the selection's menu; Escape closes it and keeps the selection.
    await page.keyboard.press('Shift+F10');
    await expect.poll(() => menu().isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => menu().count()).toBe(0);
    expect(await node('motion').getAttribute('class')).toContain('selected');
  });

  it('duplicates and deletes from the menu, each one undo step', async () => {
    await freshGraph();
    await node('motion').locator('.node-title').click({ button: 'right' });
    await menu().getByRole('menuitem', { name: /^Duplicate/ }).click();
    await node('local-1').waitFor();
    expect(await edgesInto('local-1')).toEqual(['image', 'prompt']);
    await node('local-1').locator('.node-title').click({ button: 'right' });
    await menu().getByRole('menuitem', { name: /^Delete/ }).click();
    await expect.poll(() => node('local-1').count()).toBe(0);
    await page.keyboard.press('Control+z');
    await node('local-1').waitFor();
    expect(await edgesInto('local-1')).toEqual(['image', 'prompt']);
  });

  it('on the canvas: adds a node by search where it was clicked, and pastes there', async () => {
    await freshGraph();
    const pane = (await page.locator('.react-flow__pane').boundingBox())!;
    const spot = { x: pane.x + 140, y: pane.y + pane.height - 90 };
    await page.mouse.click(spot.x, spot.y, { button: 'right' });
    await screenshot(page, 'habits-canvas-menu');
    await expect.poll(() => menu().getAttribute('aria-label')).toBe('Canvas');
    await menu().getByRole('menuitem', { name: /^Add node/ }).click();
    const palette = page.getByRole('dialog', { name: 'Add a node' });
    await expect.poll(() => palette.isVisible()).toBe(true);
    await page.keyboard.type('join');
    await page.keyboard.press('Enter');
    await node('join-1').waitFor();
    const added = (await node('join-1').boundingBox())!;
    expect(Math.abs(added.x - spot.x)).toBeLessThan(4);

    await select('join-1');
    await page.keyboard.press('Control+c');
    await page.mouse.click(spot.x + 300, spot.y, { button: 'right' });
    await menu().getByRole('menuitem', { name: 'Paste', exact: true }).click();
    await node('join-2').waitFor();
    expect(Math.abs((await node('join-2').boundingBox())!.x - (spot.x + 300))).toBeLessThan(4);
  });

  it('"Run this node" asks about the money first, as Run does; cancelling sends nothing', async () => {
    await freshGraph();
    const ids = await page.evaluate(() => {
      const { commands } = (globalThis as any).stillmotion;
      const ids = [commands.addNode('generate.video', { x: 700, y: 420 }), commands.addNode('generate.video', { x: 1000, y: 420 })];
      for (const id of ids) commands.connect({ source: 'image', sourcePort: 'image', target: id, targetPort: 'image' });
      return ids as string[];
    });
    await page.keyboard.press('f');
    await select(ids[0]!);
    await node(ids[1]!).locator('.node-title').click({ modifiers: ['Control'] });
    await node(ids[1]!).locator('.node-title').click({ button: 'right' });
    await menu().getByRole('menuitem', { name: /^Run these 2 nodes/ }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Confirm a paid run' });
    await dialog.waitFor();
    await screenshot(page, 'habits-run-from-menu-asks');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await page.locator('.run-log').textContent()).not.toContain('Run started');
  });
});

describe('bypass', () => {
  it('draws a bypassed node dimmed, saying so; a run passes its input through and never runs it; it is saved', async () => {
    await freshGraph();
    await node('export').locator('.node-title').click({ button: 'right' });
    await menu().getByRole('menuitem', { name: /^Bypass/ }).click();
    await expect.poll(() => card('export').getAttribute('class')).toContain('bypassed');
    expect(await card('export').locator('.badge-bypassed').textContent()).toBe('bypassed');
    await shortenTheDemo(page);
    await runAndWait(page, () => page.getByRole('button', { name: 'Run', exact: true }).click());
    expect(await card('motion').getAttribute('data-state')).toBe('done');
    expect(await card('export').getAttribute('data-state')).toBe('bypassed');
    expect(await page.locator('.run-log').textContent()).not.toMatch(/Export done/);
    expect(await page.locator('.run-log').textContent()).toContain('Export bypassed: its input passed on, nothing run');
    await screenshot(page, 'habits-bypassed');

    await saved();
    await page.reload();
    await node('export').waitFor();
    await expect.poll(() => card('export').getAttribute('class')).toContain('bypassed');
    await select('export');
    await page.keyboard.press('Control+b');
    await expect.poll(() => card('export').getAttribute('class')).not.toContain('bypassed');
  });

  it('says why a node cannot be bypassed when asked by key', async () => {
    await select('motion');
    await page.keyboard.press('Control+b');
    await expect.poll(() => page.locator('.hint').last().textContent()).toContain('Not bypassed: Local motion: no input of Local motion carries what it puts out (video)');
  });
});

describe('Save on Export', () => {
  it('saves the current result under the File name pattern; renaming re-runs nothing', async () => {
    await freshGraph();
    const save = card('export').getByRole('button', { name: 'Save', exact: true });
    expect(await save.isDisabled()).toBe(true);
    expect(await card('export').locator('.node-save-why').textContent()).toBe('Run to make the file first');
    await shortenTheDemo(page);
    await runAndWait(page, () => page.getByRole('button', { name: 'Run', exact: true }).click());
    const today = await page.evaluate(() => new Date().toLocaleDateString('sv'));
    const [first] = await Promise.all([page.waitForEvent('download'), save.click()]);
    // The offline demo: no photo file and no model, so those fields drop out.
    expect(first.suggestedFilename()).toBe(`Coast_at_dusk-${today}.mp4`);

    const name = card('export').getByLabel('File name');
    await name.fill('{node}-{workflow}-{date}');
    await name.press('Enter');
    await expect.poll(() => page.evaluate(() => (globalThis as any).stillmotion.documents.node('export').params.fileName)).toBe('{node}-{workflow}-{date}');
    // Still current: the name is no part of the work, so the plan would take the export from the cache.
    const will = await page.evaluate(async () => {
      const { engine, documents } = (globalThis as any).stillmotion;
      return (await engine.plan(documents.document)).nodes.export.will;
    });
    expect(will).toBe('cache');
    expect(await card('export').locator('.badge-stale').count()).toBe(0);
    const [second] = await Promise.all([page.waitForEvent('download'), save.click()]);
    expect(second.suggestedFilename()).toBe(`Export-Coast_at_dusk-${today}.mp4`);
    await screenshot(page, 'habits-export-save');
  });
});

describe('frames', () => {
  it('Ctrl+G frames the selection behind it with a title; dragging the title carries the nodes; one undo; saved', async () => {
    await freshGraph();
    await select('image');
    await node('prompt').locator('.node-title').click({ modifiers: ['Control'] });
    await page.keyboard.press('Control+g');
    await frame().waitFor();
    expect(await frame().locator('.frame-title').textContent()).toBe('Frame');
    // Behind: a click inside the frame on a node reaches the node.
    const inside = await centre(node('image').locator('.node-title'));
    expect(await page.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.closest('.react-flow__node')?.getAttribute('data-id'), inside)).toBe('image');

    await frame().locator('.frame-title-text').dblclick();
    await page.keyboard.press('Control+a');
    await page.keyboard.type('Inputs');
    await page.keyboard.press('Enter');
    await expect.poll(() => frame().locator('.frame-title').textContent()).toBe('Inputs');
    await screenshot(page, 'habits-frame');

    const [image, prompt, motion] = [await position('image'), await position('prompt'), await position('motion')];
    const frameAt = await page.evaluate(() => (globalThis as any).stillmotion.documents.document.frames[0].position as { x: number; y: number });
    const from = await centre(frame().locator('.frame-title'));
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x + 30, from.y + 20, { steps: 4 });
    await page.mouse.move(from.x + 60, from.y + 40, { steps: 4 });
    await page.mouse.up();
    await expect.poll(() => position('image')).not.toEqual(image);
    const moved = await position('image');
    const framed = await page.evaluate(() => (globalThis as any).stillmotion.documents.document.frames[0].position as { x: number; y: number });
    expect(moved.x - image.x).toBeGreaterThan(20);
    for (const [now, was] of [[framed, frameAt], [await position('prompt'), prompt]] as const) {
      expect(now.x - was.x).toBeCloseTo(moved.x - image.x, 5);
      expect(now.y - was.y).toBeCloseTo(moved.y - image.y, 5);
    }
    expect(await position('motion')).toEqual(motion);

    await page.keyboard.press('Control+z');
    await expect.poll(() => position('image')).toEqual(image);
    expect(await position('prompt')).toEqual(prompt);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => position('image')).toEqual(moved);

    await saved();
    await page.reload();
    await frame().waitFor();
    expect(await frame().locator('.frame-title').textContent()).toBe('Inputs');

    // Its menu colours it, and deletes it while the nodes inside stay.
    await frame().locator('.frame-title').click({ button: 'right' });
    await menu().getByRole('menuitem', { name: 'Colour: teal' }).click();
    await expect.poll(() => page.evaluate(() => (globalThis as any).stillmotion.documents.document.frames[0].colour)).toBe('teal');
    await frame().locator('.frame-title').click({ button: 'right' });
    await menu().getByRole('menuitem', { name: 'Delete frame (keeps its nodes)' }).click();
    await expect.poll(() => frame().count()).toBe(0);
    expect(await nodeIds()).toEqual(['image', 'motion', 'export', 'prompt']);
  });
});

describe('while a wire is dragged', () => {
  it('dims the ports that cannot take it, and only those', async () => {
    await freshGraph();
    await page.evaluate(() => (globalThis as any).stillmotion.commands.addNode('text.join', { x: 620, y: 560 }));
    await page.keyboard.press('f');
    const start = await settledCentre(page.locator('.react-flow__handle[data-nodeid="prompt"][data-handleid="text"]'));
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    await page.mouse.move(start.x + 80, start.y - 60, { steps: 6 });
    await screenshot(page, 'habits-wire-dims');
    await expect.poll(() => node('motion').locator('.port-target.port-refused').count()).toBe(1);
    expect(await node('export').locator('.port-target.port-refused').count()).toBe(1);
    expect(await node('join-1').locator('.port-target.port-refused').count()).toBe(0);
    expect(await node('motion').locator('.port-target.port-refused').getAttribute('title')).toBe('Cannot take this wire: a text cannot feed an image input');
    await screenshot(page, 'habits-wire-dims');
    await page.mouse.up();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('.port-refused').count()).toBe(0);
  });
});

describe('a 1280x720 screen', () => {
  it('fits the toolbar, however crowded; the side panel and the minimap fold away, and stay so after a reload', async () => {
    await freshGraph();
    await page.evaluate(() => {
      const { commands } = (globalThis as any).stillmotion;
      commands.renameWorkflow('Product photo to clip: two models, compare, upscale, music and export');
      commands.addNode('image.batch', { x: 0, y: 700 });
      for (const x of [400, 800]) commands.connect({ source: 'image', sourcePort: 'image', target: commands.addNode('generate.video', { x, y: 700 }), targetPort: 'image' });
    });
    await page.locator('.run-estimate').waitFor();
    const toolbar = await page.locator('.toolbar').evaluate((t) => ({ scroll: t.scrollWidth, client: t.clientWidth }));
    expect(toolbar.scroll).toBeLessThanOrEqual(toolbar.client);
    for (const name of ['Workflows', 'Providers', 'Generations', 'Batch', 'Undo', 'Run', 'Cancel']) {
      const box = (await page.getByRole('button', { name, exact: true }).boundingBox())!;
      expect(box.x + box.width, name).toBeLessThanOrEqual(1280);
    }
    await screenshot(page, 'habits-1280x720');

    const canvasWidth = async () => (await page.locator('.canvas').boundingBox())!.width;
    const narrow = await canvasWidth();
    await page.getByRole('button', { name: /Hide panel/ }).click();
    await expect.poll(() => page.locator('.sidebar').count()).toBe(0);
    expect(await canvasWidth()).toBeGreaterThan(narrow + 300);
    await page.getByRole('button', { name: 'Hide the minimap' }).click();
    await expect.poll(() => page.locator('.react-flow__minimap').count()).toBe(0);
    await screenshot(page, 'habits-1280x720-folded');

    await saved();
    await page.reload();
    await node('image').waitFor();
    expect(await page.locator('.sidebar').count()).toBe(0);
    expect(await page.locator('.react-flow__minimap').count()).toBe(0);
    await page.getByRole('button', { name: /Panel/ }).click();
    await page.getByRole('button', { name: 'Show the minimap' }).click();
    await page.locator('.sidebar').waitFor();
    await page.locator('.react-flow__minimap').waitFor();
  });

  it('met no page errors', () => {
    expect(errors.join('\n')).toBe('');
  });
});
