/**
 * Local motion's depth renderer on WebGPU (SwiftShader here) against its CPU path, and the node
 * run end to end on each.
 *
 * Agreement is measured on raw frames, before any encoding: the WGSL shader and the TypeScript
 * renderer are bundled (esbuild) into a blank page and render the same poses. Tolerance: at
 * most GPU_CPU_MAX_DIFF (2) levels on any channel and a mean absolute difference under
 * GPU_CPU_MEAN_DIFF (0.05); the only source of difference is f32 against f64 arithmetic.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { WorkflowDocument } from '../../src/engine';
import type { MotionSpec } from '../../src/media/motion/parallax';
import { GPU_CPU_MAX_DIFF, GPU_CPU_MEAN_DIFF } from '../../src/media/motion/parallax-gpu';
import { sharedBrowser } from './chromium';
import { motionGraph } from './graphs';
import type { Agreement } from './local-motion-gpu.harness';
import { runGraph } from './run-graph';

let browser: Browser;
const dir = mkdtempSync(join(tmpdir(), 'stillmotion-local-motion-gpu-'));

beforeAll(async () => {
  browser = await sharedBrowser();
});

afterAll(async () => {
  await browser?.close();
});

async function harness(): Promise<string> {
  const entry = fileURLToPath(new URL('./local-motion-gpu.harness.ts', import.meta.url));
  const result = await build({ entryPoints: [entry], bundle: true, write: false, format: 'iife', platform: 'browser', target: 'es2022', logLevel: 'silent' });
  return result.outputFiles[0]!.text;
}

const base: MotionSpec = { move: 'push-in', intensity: 1, easing: 'ease-in-out', parallax: 1, handheld: 1, seed: 5, duration: 2, ambient: 'none' };
const CASES: { label: string; spec: MotionSpec; t: number }[] = [
  { label: 'push in + parallax, t 0', spec: base, t: 0 },
  { label: 'push in + parallax, t 1', spec: base, t: 1 },
  { label: 'pan right + parallax + sway, t 0.6', spec: { ...base, move: 'pan-right', ambient: 'sway' }, t: 0.6 },
  { label: 'orbit left + shimmer, t 0.7', spec: { ...base, move: 'orbit-left', ambient: 'shimmer' }, t: 0.7 },
  { label: 'dolly zoom in, t 1', spec: { ...base, move: 'dolly-zoom-in' }, t: 1 },
  { label: 'dolly zoom out, t 0.5', spec: { ...base, move: 'dolly-zoom-out', handheld: 0 }, t: 0.5 },
];

/** The base graph as a version-2 Local motion with `params`. */
function graph(id: string, params: Record<string, unknown>): WorkflowDocument {
  const document = motionGraph(id, { motion: params });
  document.nodes[1]!.version = 2;
  return document;
}

function decode(file: string): Buffer {
  const { stdout, status } = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 1 << 30 });
  expect(status).toBe(0);
  return stdout;
}

describe('Local motion on WebGPU', () => {
  it(`renders the same frames on GPU and CPU (max diff <= ${GPU_CPU_MAX_DIFF}, mean < ${GPU_CPU_MEAN_DIFF}) and frees its GPU buffers`, async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      // A page of our own on the app's origin: localhost is a secure context, which WebGPU needs.
      const url = new URL('/local-motion-gpu-harness.html', inject('baseUrl')).href;
      const script = await harness();
      await page.route(url, (route) => route.fulfill({ contentType: 'text/html', body: `<!doctype html><script>${script}</script>` }));
      await page.goto(url);
      const result = await page.evaluate(
        (cases) => (globalThis as any).compareParallax([800, 450], [640, 360], cases) as Promise<{ adapter: string; agreements: Agreement[]; destroyed: boolean }>,
        CASES,
      );
      console.log(`WebGPU adapter: ${result.adapter}`);
      expect(result.agreements).toHaveLength(CASES.length);
      for (const a of result.agreements) {
        console.log(`GPU vs CPU, ${a.label}: max ${a.max}, mean ${a.mean.toFixed(4)}, ${(a.differing * 100).toFixed(3)}% of values differ`);
        expect(a.max, a.label).toBeLessThanOrEqual(GPU_CPU_MAX_DIFF);
        expect(a.mean, a.label).toBeLessThan(GPU_CPU_MEAN_DIFF);
      }
      expect(result.destroyed).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('makes the same clip through the node on GPU and on CPU', async () => {
    const params = { move: 'orbit-right', intensity: 1, ambient: 'shimmer', duration: 1, seed: 4 };
    const gpu = await runGraph(browser, graph('lm-gpu', { ...params, renderer: 'gpu' }), dir, 'gpu');
    const cpu = await runGraph(browser, graph('lm-cpu', { ...params, renderer: 'cpu' }), dir, 'cpu');
    expect(gpu.nodes.motion).toMatchObject({ state: 'done', message: expect.stringMatching(/ \(GPU\)$/) });
    expect(cpu.nodes.motion).toMatchObject({ state: 'done', message: expect.stringMatching(/ \(CPU\)$/) });
    const [a, b] = [decode(gpu.nodes.motion!.file!), decode(cpu.nodes.motion!.file!)];
    expect(a.length).toBe(640 * 360 * 3 * 30);
    let sum = 0;
    for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
    const psnr = sum === 0 ? Infinity : 10 * Math.log10((255 * 255) / (sum / a.length));
    console.log(`node on GPU (${(gpu.nodes.motion!.ms! / 1000).toFixed(2)} s) vs CPU (${(cpu.nodes.motion!.ms! / 1000).toFixed(2)} s): decoded clips ${psnr.toFixed(1)} dB apart`);
    // The encoder sees inputs at most 2 levels apart; H.264 itself is not bit-exact across runs.
    expect(psnr).toBeGreaterThanOrEqual(45);
  });
});
