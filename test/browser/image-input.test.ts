/**
 * Image input with real files in headless Chromium: formats the browser decodes, EXIF rotation,
 * framing to an aspect, a broken file named in its error, and files dropped onto the canvas.
 * Test images are made by native ffmpeg (an oracle tool, not an app dependency).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runAndWait } from './app';
import { sharedBrowser, screenshot } from './chromium';
import { assetRef, runGraph, type TestAsset } from './run-graph';
import { WORKFLOW_FORMAT, WORKFLOW_VERSION, type WorkflowDocument } from '../../src/engine';

let browser: Browser;
let page: Page;
const dir = mkdtempSync(join(tmpdir(), 'stillmotion-images-'));

/** A PNG chunk: length, type, data, CRC. */
function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const framed = Buffer.alloc(body.length + 8);
  framed.writeUInt32BE(data.length, 0);
  body.copy(framed, 4);
  framed.writeUInt32BE(crc32(body), body.length + 4);
  return framed;
}

/** A PNG of `width` x `height` 8-bit samples of colour type `colour` (0 gray, 6 RGBA), rows unfiltered, with `extra` chunks before the pixels. */
function pngFile(width: number, height: number, colour: 0 | 6, samples: Buffer, extra: Buffer[] = []): Buffer {
  const row = width * (colour === 6 ? 4 : 1);
  const rows = Buffer.alloc(height * (row + 1));
  for (let y = 0; y < height; y++) samples.copy(rows, y * (row + 1) + 1, y * row, (y + 1) * row); // filter byte 0
  return pngOfRows(width, height, colour, rows, extra);
}

/** pngFile's file from the rows as stored: each one's filter byte, then its samples. */
function pngOfRows(width: number, height: number, colour: 0 | 6, rows: Buffer, extra: Buffer[] = []): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, colour, 0, 0, 0], 8);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, pngChunk('IHDR', header), ...extra, pngChunk('IDAT', deflateSync(rows, { level: 1 })), pngChunk('IEND', Buffer.alloc(0))]);
}

/** A valid all-black 8-bit gray PNG (ffmpeg makes nothing over 16383 a side), deflated fast: about 1 MB that decodes to `width` x `height`. */
function grayPng(width: number, height: number): Buffer {
  // Black rows, unfiltered, are all zeros: no samples to copy in (a 268-megapixel copy took 1.6 s).
  return pngOfRows(width, height, 0, Buffer.alloc(height * (width + 1)));
}

/** A 640x480 test picture in `format`, written by ffmpeg. */
function picture(name: string, args: string[] = []): string {
  const path = join(dir, name);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=640x480', '-frames:v', '1', ...args, path]);
  return path;
}

/** The JPEG with an EXIF APP1 segment saying "rotate 90° clockwise to view" (orientation 6). */
function withExifOrientation6(jpegPath: string): string {
  const jpeg = readFileSync(jpegPath);
  const tiff = Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0]);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, (body.length + 2) >> 8, (body.length + 2) & 0xff]), body]);
  const path = jpegPath.replace('.jpg', '-rotated.jpg');
  writeFileSync(path, Buffer.concat([jpeg.subarray(0, 2), app1, jpeg.subarray(2)]));
  return path;
}

const node = (id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);

/** Adds an Image input through the palette and returns its id. */
async function addImageInput(): Promise<string> {
  await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
  await page.locator('.react-flow__pane').dblclick({ position: { x: 20, y: 20 } });
  await page.keyboard.type('image input');
  await page.keyboard.press('Enter');
  await expect.poll(() => page.locator('.react-flow__node.selected').count()).toBe(1);
  return (await page.locator('.react-flow__node.selected').getAttribute('data-id'))!;
}

/** Runs node `id` alone and returns its output size, or its error. */
async function runNode(id: string): Promise<{ size?: [number, number]; error?: string }> {
  await runAndWait(page, () => node(id).getByRole('button', { name: 'Run this node' }).click());
  const state = await node(id).locator('.node').getAttribute('data-state');
  if (state === 'failed') return { error: (await node(id).locator('.node-error').textContent())! };
  const img = node(id).locator('.node-preview img');
  const size = await img.evaluate((el: HTMLImageElement) => el.decode().then((): [number, number] => [el.naturalWidth, el.naturalHeight]));
  return { size };
}

beforeAll(async () => {
  browser = await sharedBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(inject('baseUrl'));
  await node('image').waitFor();
  // Make room for new nodes: only the new one matters here.
  await page.evaluate(() => {
    const { commands, documents } = (globalThis as any).stillmotion;
    commands.remove(documents.document.nodes.map((n: { id: string }) => n.id));
  });
});

afterAll(async () => {
  await browser?.close();
});

describe('Image input', () => {
  it.each([
    ['PNG', 'photo.png', []],
    ['JPEG', 'photo.jpg', ['-q:v', '3']],
    ['WebP', 'photo.webp', []],
    ['GIF (first frame)', 'photo.gif', []],
    ['AVIF', 'photo.avif', ['-c:v', 'libaom-av1', '-still-picture', '1', '-cpu-used', '8']], // libaom's fastest: its default took 4.7 s
  ] as const)('reads %s files at their own size', async (_, name, args) => {
    const id = await addImageInput();
    await node(id).locator('input[type="file"]').setInputFiles(picture(name, [...args]));
    await expect.poll(() => node(id).locator('.asset-name').textContent()).toMatch(new RegExp(`^${name.replace('.', '\\.')} · `));
    expect(await runNode(id)).toEqual({ size: [640, 480] });
    await page.evaluate((nodeId) => (globalThis as any).stillmotion.commands.remove([nodeId]), id);
  });

  it('honours the EXIF orientation of a photo shot sideways', async () => {
    const id = await addImageInput();
    await node(id).locator('input[type="file"]').setInputFiles(withExifOrientation6(picture('sideways.jpg')));
    expect(await runNode(id)).toEqual({ size: [480, 640] });
  });

  it('crops to 16:9 around the focus point, or fits with bars', async () => {
    const id = (await page.locator('.react-flow__node').first().getAttribute('data-id'))!;
    await node(id).locator('.param-select', { hasText: 'Aspect' }).locator('select').selectOption('16:9');
    expect(await runNode(id)).toEqual({ size: [480, 270] });
    await node(id).locator('.param-select', { hasText: 'Framing' }).locator('select').selectOption('fit');
    expect(await runNode(id)).toEqual({ size: [1136, 640] });
    await screenshot(page, 'image-input');
  });

  it('names a broken file and says why it cannot be read, and keeps the graph', async () => {
    const broken = join(dir, 'holiday.jpg');
    writeFileSync(broken, Buffer.from('this is not a JPEG at all'));
    const id = (await page.locator('.react-flow__node').first().getAttribute('data-id'))!;
    await node(id).locator('input[type="file"]').setInputFiles(broken);
    await expect.poll(() => node(id).locator('.asset-name').textContent()).toMatch(/^holiday\.jpg/);
    const { error } = await runNode(id);
    expect(error).toBe('"holiday.jpg" (image/jpeg, 25 bytes) is not a readable JPEG, PNG, WebP, AVIF or GIF image: its header, which says how big it is, cannot be read');
    expect(await page.locator('.react-flow__node').count()).toBe(1);
  });

  it('refuses a 16384 x 16384 PNG by its header, before decoding it', async () => {
    const huge = join(dir, 'huge.png');
    writeFileSync(huge, grayPng(16384, 16384));
    const id = (await page.locator('.react-flow__node').first().getAttribute('data-id'))!;
    await node(id).locator('input[type="file"]').setInputFiles(huge);
    await expect.poll(() => node(id).locator('.asset-name').textContent()).toMatch(/^huge\.png/);
    const refusal = '"huge.png" is 16384 x 16384 pixels (268 megapixels): Stillmotion opens images of up to 120 megapixels; scale it down first';
    // The node says so as soon as the file is chosen, instead of decoding a gigabyte for a thumbnail.
    await expect.poll(() => node(id).locator('.photo-problem').textContent()).toBe(refusal);
    expect(await node(id).locator('.photo-preview').count()).toBe(0);
    const { error } = await runNode(id);
    expect(error).toBe(refusal);
  });

  it('turns dropped images and sounds into the input nodes that take them, and refuses other files by name', async () => {
    const nodes = (): Promise<[string, string][]> => page.evaluate(() => (globalThis as any).stillmotion.documents.document.nodes.map((n: any) => [n.id, n.type]));
    const before = (await nodes()).map(([id]) => id);
    const png = readFileSync(picture('dropped.png')).toString('base64');
    const dataTransfer = await page.evaluateHandle((b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], 'dropped.png', { type: 'image/png' }));
      transfer.items.add(new File(['just words'], 'notes.txt', { type: 'text/plain' }));
      transfer.items.add(new File([new Uint8Array(44)], 'tone.wav', { type: 'audio/wav' }));
      return transfer;
    }, png);
    await page.dispatchEvent('.react-flow__pane', 'drop', { dataTransfer, clientX: 300, clientY: 300 });
    // Each file is stored before its node is added, one after another: give a busy machine time.
    const added = async () => (await nodes()).filter(([id]) => !before.includes(id));
    await expect.poll(async () => (await added()).map(([, type]) => type).sort(), { timeout: 15_000 }).toEqual(['audio.input', 'image.input']);
    await expect.poll(() => page.locator('.hint-error').textContent()).toBe('"notes.txt" (text/plain) is not a file any node takes; drop images, sound, video or workflow files');
    const id = (await added()).find(([, type]) => type === 'image.input')![0];
    expect(await runNode(id)).toEqual({ size: [640, 480] });
  });
});

/** 64x32 RGBA: a grey ramp left to right; the right half fades from opaque (top) to clear (bottom). */
function rampRgba(alpha: boolean): Buffer {
  const [width, height] = [64, 32];
  const out = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = Math.round((x * 255) / (width - 1));
      const a = alpha && x >= width / 2 ? Math.round(255 - (y * 255) / (height - 1)) : 255;
      out.set([v, v, 255 - v, a], (y * width + x) * 4);
    }
  }
  return out;
}

/** A PNG of `rgba` (64x32) written to disk with `extra` chunks, as a test asset. */
function rampAsset(name: string, rgba: Buffer, extra: Buffer[] = []): TestAsset {
  const path = join(dir, name);
  writeFileSync(path, pngFile(64, 32, 6, rgba, extra));
  return { path, name, mime: 'image/png' };
}

/** Runs one Image input on `asset` with `params` and returns its message and its PNG's RGBA, decoded by native ffmpeg. */
async function framed(asset: TestAsset, params: Record<string, unknown> = {}): Promise<{ message?: string; rgba: Buffer }> {
  const id = `pixels-${asset.name}-${Object.values(params).join('-')}`;
  const document: WorkflowDocument = {
    format: WORKFLOW_FORMAT,
    version: WORKFLOW_VERSION,
    id,
    name: id,
    nodes: [{ id: 'image', type: 'image.input', version: 1, position: { x: 0, y: 0 }, params: { file: assetRef(asset), ...params } }],
    edges: [],
  };
  const { nodes } = await runGraph(browser, document, dir, id, [asset]);
  expect(nodes.image, nodes.image!.error).toMatchObject({ state: 'done', meta: { width: 64, height: 32 } });
  const rgba = execFileSync('ffmpeg', ['-v', 'error', '-i', nodes.image!.file!, '-f', 'rawvideo', '-pix_fmt', 'rgba', '-']);
  return { ...(nodes.image!.message ? { message: nodes.image!.message } : {}), rgba };
}

describe('Image input keeps the pixels as providers read them', () => {
  it('ignores a PNG gAMA chunk, as PIL and ffmpeg do: every stored value comes through unchanged', async () => {
    const stored = rampRgba(false);
    const gammaOne = Buffer.alloc(4);
    gammaOne.writeUInt32BE(100_000); // "gamma 1.0": a browser honouring it brightens the midtones a lot
    const { message, rgba } = await framed(rampAsset('gamma-1.png', stored, [pngChunk('gAMA', gammaOne)]));
    expect(message).not.toMatch(/transparen/);
    expect(rgba.equals(stored)).toBe(true);
  });

  it('fills transparency with black by default and says so; white or kept when asked', async () => {
    const stored = rampRgba(true);
    const asset = rampAsset('alpha.png', stored);
    const over = (c: number, a: number, bg: number) => Math.round((c * a + bg * (255 - a)) / 255);
    for (const [transparency, bg] of [['black', 0], ['white', 255]] as const) {
      const { message, rgba } = await framed(asset, { transparency });
      expect(message).toBe(`transparent areas filled with ${transparency}`);
      let worst = 0;
      for (let i = 0; i < stored.length; i += 4) {
        expect(rgba[i + 3]).toBe(255);
        for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(rgba[i + c]! - over(stored[i + c]!, stored[i + 3]!, bg)));
      }
      // A canvas keeps colours premultiplied: one level of rounding.
      expect(worst).toBeLessThanOrEqual(1);
    }
    const kept = await framed(asset, { transparency: 'keep' });
    expect(kept.message).toBe('transparency kept: a model that takes none may see black there');
    for (let i = 0; i < stored.length; i += 4) {
      expect(kept.rgba[i + 3]).toBe(stored[i + 3]);
      if (stored[i + 3] === 255) expect([...kept.rgba.subarray(i, i + 3)]).toEqual([...stored.subarray(i, i + 3)]);
    }
  });
});
