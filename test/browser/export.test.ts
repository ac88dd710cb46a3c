/**
 * Export in real Chromium, run through the app's engine worker: Sample image -> Local motion ->
 * Export to each format. Native ffprobe (an oracle, not an app dependency) checks codec, size,
 * frames, duration and the embedded workflow tag; readEmbeddedWorkflow, bundled and run in a
 * page, must read the same document back; MP4s must have `moov` before `mdat`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKFLOW_FORMAT, WORKFLOW_VERSION, type WorkflowDocument } from '../../src/engine';
import { sharedBrowser } from './chromium';
import { motionGraph } from './graphs';
import { assetRef, meanVolume, probe, probeAudio, runAndCancel, runGraph, type TestAsset } from './run-graph';

let browser: Browser;
/** readEmbeddedWorkflow bundled as one ES module, imported in a blank page from a blob: URL. */
let readerCode: string;
const dir = mkdtempSync(join(tmpdir(), 'stillmotion-export-'));

beforeAll(async () => {
  browser = await sharedBrowser();
  readerCode = await bundleReader();
});

afterAll(async () => {
  await browser?.close();
});

async function bundleReader(): Promise<string> {
  const entry = fileURLToPath(new URL('../../src/editor/workflow-from-video.ts', import.meta.url));
  const result = await build({ configFile: false, logLevel: 'warn', build: { write: false, minify: false, lib: { entry, formats: ['es'], fileName: 'reader' } } });
  const outputs = (Array.isArray(result) ? result : [result]) as { output: { type: string; code?: string }[] }[];
  const chunks = outputs.flatMap((o) => o.output).filter((o) => o.type === 'chunk');
  expect(chunks).toHaveLength(1);
  return chunks[0]!.code!;
}

type Format = 'mp4-h264' | 'mp4-av1' | 'webm-vp9';

/** Sample image (height 360) -> Local motion -> Export with `exportParams` over its defaults. */
function graph(format: Format, motion: Record<string, unknown> = {}, exportParams: Record<string, unknown> = {}): WorkflowDocument {
  return motionGraph(`export-${format}`, {
    motion: { duration: 1, ...motion },
    nodes: [{ id: 'export', type: 'output.export', version: 1, position: { x: 800, y: 40 }, params: { format, quality: 'high', bitrate: 0, embedWorkflow: true, ...exportParams } }],
    edges: [{ id: 'e-export', source: 'motion', sourcePort: 'video', target: 'export', targetPort: 'video' }],
  });
}

/** Video input reading `file` -> Export (saved at `version`) with `params`. */
function fileExport(id: string, file: TestAsset, params: Record<string, unknown>, version = 2): WorkflowDocument {
  return {
    format: WORKFLOW_FORMAT,
    version: WORKFLOW_VERSION,
    id,
    name: id,
    nodes: [
      { id: 'input', type: 'video.input', version: 1, position: { x: 0, y: 0 }, params: { file: assetRef(file) } },
      { id: 'export', type: 'output.export', version, position: { x: 800, y: 0 }, params: { quality: 'high', bitrate: 0, embedWorkflow: true, ...params } },
    ],
    edges: [{ id: 'e-export', source: 'input', sourcePort: 'video', target: 'export', targetPort: 'video' }],
  };
}

/** A 1 s VP9 + Opus WebM made by native ffmpeg: a 440 Hz tone over a test pattern. */
function opusWebm(): TestAsset {
  const path = join(dir, 'vp9-opus.webm');
  const sources = ['-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'];
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...sources, '-t', '1', '-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-c:a', 'libopus', path]);
  return { path, name: basename(path), mime: 'video/webm' };
}

interface Exported {
  state: string;
  meta: Record<string, unknown>;
  file: string;
  /** The node's last progress message. */
  message?: string;
}

/** Runs `document` in a fresh browser context and returns what its Export node wrote. */
async function runExport(document: WorkflowDocument): Promise<Exported> {
  const { export: node } = (await runGraph(browser, document, dir, `${document.id}-${Date.now()}`)).nodes;
  expect(node?.file, node?.error).toBeDefined();
  return { state: node!.state, meta: node!.meta!, file: node!.file!, ...(node!.message ? { message: node!.message } : {}) };
}

/** Top-level ISO BMFF box types in file order. */
function topLevelBoxes(bytes: Buffer): string[] {
  const types: string[] = [];
  for (let at = 0; at + 8 <= bytes.length; ) {
    let size = bytes.readUInt32BE(at);
    types.push(bytes.toString('latin1', at + 4, at + 8));
    if (size === 1) size = Number(bytes.readBigUInt64BE(at + 8));
    if (size === 0) break; // runs to the end of the file
    at += size;
  }
  return types;
}

/** Every object key anywhere in `value`. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)]);
  return [];
}

/** readEmbeddedWorkflow run in a blank page on the bytes of `file`. */
async function readInPage(file: string): Promise<unknown> {
  const page = await browser.newPage();
  try {
    const url = await page.evaluate((code) => URL.createObjectURL(new Blob([code], { type: 'text/javascript' })), readerCode);
    // A string, so Vitest does not rewrite this import() for Node.
    await page.evaluate(`import(${JSON.stringify(url)}).then((module) => { globalThis.reader = module; })`);
    return await page.evaluate(
      async ({ data, mime }) => {
        const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
        return (globalThis as any).reader.readEmbeddedWorkflow(new Blob([bytes], { type: mime }));
      },
      { data: readFileSync(file).toString('base64'), mime: file.endsWith('.webm') ? 'video/webm' : 'video/mp4' },
    );
  } finally {
    await page.close();
  }
}

const CASES = [
  ['mp4-h264', 'h264', 'mov,mp4,m4a,3gp,3g2,mj2', 'workflow'],
  ['mp4-av1', 'av1', 'mov,mp4,m4a,3gp,3g2,mj2', 'workflow'],
  ['webm-vp9', 'vp9', 'matroska,webm', 'WORKFLOW'],
] as const;

describe('Export', () => {
  it.each(CASES)('writes %s as %s with the workflow embedded', async (format, codec, container, tag) => {
    const document = graph(format);
    const exported = await runExport(document);
    expect(exported).toMatchObject({ state: 'done', meta: { kind: 'video', mime: container === 'matroska,webm' ? 'video/webm' : 'video/mp4', width: 640, height: 360, duration: 1, fps: 30 } });
    const facts = probe(exported.file);
    console.log(`ffprobe ${format}: ${JSON.stringify({ ...facts, format: { ...facts.format, tags: Object.keys(facts.format.tags ?? {}) } })}; ${exported.message}`);
    expect(facts.format.format_name).toBe(container);
    expect(facts.streams[0]).toMatchObject({ codec_name: codec, width: 640, height: 360, nb_read_frames: '30' });
    expect(Math.abs(Number(facts.format.duration) - 1)).toBeLessThanOrEqual(1 / 30);

    const embedded = JSON.parse(facts.format.tags?.[tag] ?? 'null') as unknown;
    expect(embedded).toEqual(document);
    expect(keysOf(embedded).filter((k) => /api.?key|secret|token|password/i.test(k))).toEqual([]);
    expect(await readInPage(exported.file)).toEqual({ kind: 'workflow', value: document });
    if (container !== 'matroska,webm') {
      const boxes = topLevelBoxes(readFileSync(exported.file));
      expect(boxes.indexOf('moov')).toBeGreaterThanOrEqual(0);
      expect(boxes.indexOf('moov')).toBeLessThan(boxes.indexOf('mdat'));
    }
  });

  it('copies H.264 that has what the Quality asks, re-encodes one with less than half, or when a bitrate is set, and can leave the workflow out', async () => {
    // Low asks 0.35 Mb/s at 640x360; Local motion asked for High's 1 Mb/s.
    const copied = await runExport(graph('mp4-h264', {}, { quality: 'low' }));
    expect(copied.message).toBe('copied without re-encoding');
    const plain = await runExport(graph('mp4-h264', {}, { bitrate: 0.2, embedWorkflow: false }));
    expect(plain.message).toBe('encoded (a bitrate of 0.2 Mb/s was set)');
    expect(probe(plain.file).format.tags?.workflow).toBeUndefined();
    expect(await readInPage(plain.file)).toEqual({ kind: 'none' });
    // 0.2 Mb/s for 1 s is about 25 kB; the copied stream is larger.
    expect(readFileSync(plain.file).length).toBeLessThan(readFileSync(copied.file).length);

    // That 0.2 Mb/s file exported at High (1 Mb/s asked) is re-encoded, and says why.
    const starved: TestAsset = { path: plain.file, name: 'starved.mp4', mime: 'video/mp4' };
    const { nodes } = await runGraph(browser, fileExport('starved', starved, { format: 'mp4-h264', quality: 'high' }), dir, 'starved', [starved]);
    expect(nodes.export!.message).toMatch(/^encoded \(the source's 0\.\d Mb\/s is less than high quality's 1\.0 Mb\/s\)$/);
  });

  it('gives an MP4 AAC sound and a WebM Opus sound, whatever the source carried', async () => {
    const file = opusWebm();
    for (const [format, codec] of [['mp4-h264', 'aac'], ['webm-vp9', 'opus']] as const) {
      const { nodes } = await runGraph(browser, fileExport(`sound-${format}`, file, { format }), dir, `sound-${format}`, [file]);
      expect(nodes.export, nodes.export!.error).toMatchObject({ state: 'done', meta: { hasAudio: true } });
      const audio = probeAudio(nodes.export!.file!);
      console.log(`${format} from VP9 + Opus: ${nodes.export!.message}; audio ${JSON.stringify(audio)}`);
      expect(audio).toMatchObject({ codec_name: codec, sample_rate: '48000' });
      expect(meanVolume(nodes.export!.file!, 0.1, 0.9)).toBeGreaterThan(-25);
    }
  });

  it('opens a workflow saved with the old "H.264 + AAC via ffmpeg.wasm" format as the plain MP4, which now has AAC', async () => {
    const file = opusWebm();
    const { nodes } = await runGraph(browser, fileExport('old-aac', file, { format: 'mp4-h264-aac' }, 1), dir, 'old-aac', [file]);
    expect(nodes.export, nodes.export!.error).toMatchObject({ state: 'done', message: 'encoded (the source is vp9)', meta: { mime: 'video/mp4', hasAudio: true } });
    expect(probe(nodes.export!.file!).streams[0]).toMatchObject({ codec_name: 'h264', nb_read_frames: '30' });
    expect(probeAudio(nodes.export!.file!)).toMatchObject({ codec_name: 'aac' });
  });

  it('asks the same bitrate of H.264, VP9 and AV1 at each Quality: comparable sizes where the encoder can spend it', async () => {
    // A Local motion clip made VP8 by native ffmpeg at a high rate: a codec no target copies.
    // At 640x360 (High asks 1 Mb/s) every encoder has fewer bits a pixel to spend than at 720p
    // (5 Mb/s for 4x the pixels), and the nine encodes take a quarter of the time.
    const motion = await runExport(graph('mp4-h264', { duration: 2 }));
    const source: TestAsset = { path: join(dir, 'motion-vp8.webm'), name: 'motion-vp8.webm', mime: 'video/webm' };
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', motion.file, '-c:v', 'libvpx', '-b:v', '30M', '-crf', '4', '-an', source.path]);
    const document = fileExport('sizes', source, { format: 'mp4-h264' });
    const template = document.nodes.pop()!;
    const cases = (['high', 'medium', 'low'] as const).flatMap((quality) => (['mp4-h264', 'webm-vp9', 'mp4-av1'] as const).map((format) => ({ id: `${format}-${quality}`, format, quality })));
    for (const { id, format, quality } of cases) {
      document.nodes.push({ ...template, id, params: { ...template.params, format, quality, embedWorkflow: false } });
      document.edges.push({ id: `e-${id}`, source: 'input', sourcePort: 'video', target: id, targetPort: 'video' });
    }
    const { nodes } = await runGraph(browser, document, dir, 'sizes', [source]);
    const rates = Object.fromEntries(cases.map(({ id }) => [id, (readFileSync(nodes[id]!.file!).length * 8) / 2 / 1e6]));
    console.log(`360p30 Local motion, 2 s, Mb/s delivered (asked: high 1, medium 0.6, low 0.35): ${JSON.stringify(rates)}`);
    for (const quality of ['high', 'medium', 'low']) {
      const [h264, vp9, av1] = ['mp4-h264', 'webm-vp9', 'mp4-av1'].map((format) => rates[`${format}-${quality}`]!) as [number, number, number];
      expect(Math.max(h264, vp9) / Math.min(h264, vp9)).toBeLessThan(1.5);
      // Chromium's AV1 encoder reaches its finest quantizer on this picture near 0.2 Mb/s,
      // whatever is asked (measured 0.18-0.22 over the three): never bigger than the others.
      expect(av1).toBeLessThan(1.15 * Math.max(h264, vp9));
    }
    expect(rates['mp4-h264-high']).toBeGreaterThan(rates['mp4-h264-low']!);
    expect(rates['webm-vp9-high']).toBeGreaterThan(rates['webm-vp9-low']!);
  });

  it('stops re-encoding when the run is cancelled', async () => {
    const outcome = await runAndCancel(browser, graph('webm-vp9', { resolution: '720p', duration: 3 }), 'export', 0.2);
    expect(outcome).toMatchObject({ status: 'cancelled', state: 'cancelled' });
    expect(outcome.stopMs).toBeLessThan(1000);
  });
});
