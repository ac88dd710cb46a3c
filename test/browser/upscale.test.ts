/**
 * The Upscale node in real Chromium, run through the app's engine worker: the WebGPU and CPU
 * paths make the same pixels (within the stated tolerance), the sizes are right, and a result
 * too large to make is refused with a message naming its size.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { WorkflowDocument, WorkflowEdge, WorkflowNode } from '../../src/engine';
import { GPU_CPU_MAX_DIFF, GPU_CPU_MEAN_DIFF } from '../../src/media/resample/lanczos-gpu';
import { sharedBrowser, watchErrors } from './chromium';

let browser: Browser;
let page: Page;
let errors: string[];

beforeAll(async () => {
  browser = await sharedBrowser();
  page = await browser.newPage();
  errors = watchErrors(page);
  await page.goto(inject('baseUrl'));
  await page.locator('[data-node-id="image"]').waitFor();
});

afterAll(async () => {
  await browser?.close();
});

function sample(height: number): WorkflowNode {
  return { id: 'image', type: 'image.sample', version: 1, position: { x: 0, y: 0 }, params: { aspect: '16:9', height, seed: 7 } };
}

function upscale(id: string, params: Record<string, unknown>): WorkflowNode {
  return { id, type: 'image.upscale', version: 1, position: { x: 400, y: 0 }, params };
}

function graph(source: WorkflowNode, upscales: WorkflowNode[]): WorkflowDocument {
  const edges: WorkflowEdge[] = upscales.map((u) => ({ id: `e-${u.id}`, source: source.id, sourcePort: 'image', target: u.id, targetPort: 'image' }));
  return { format: 'stillmotion.workflow', version: 1, id: 'upscale-test', name: 'Upscale test', nodes: [source, ...upscales], edges };
}

interface NodeOutcome {
  state: string;
  error?: string;
  size?: [number, number];
}

interface Agreement {
  max: number;
  mean: number;
  differing: number;
}

/**
 * Runs `document` in the app's engine worker; for each [a, b] pair, decodes both nodes' output
 * images in the page and measures how far apart they are (colour channels; alpha is 255 in both).
 */
async function runInPage(document: WorkflowDocument, pairs: [string, string][] = []) {
  return page.evaluate(
    async ({ document, pairs }) => {
      const { engine } = (globalThis as any).stillmotion;
      const summary = await engine.run(document, { onEvents: () => {} }).done;
      const nodes: Record<string, NodeOutcome> = {};
      for (const [id, result] of Object.entries<any>(summary.nodes)) {
        const image = result.outputs?.image;
        nodes[id] = { state: result.state, ...(result.error ? { error: result.error } : {}), ...(image ? { size: [image.width, image.height] } : {}) };
      }
      const pixels = async (blob: Blob) => {
        const bitmap = await createImageBitmap(blob, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
        const context = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d', { willReadFrequently: true })!;
        context.drawImage(bitmap, 0, 0);
        bitmap.close();
        return context.getImageData(0, 0, context.canvas.width, context.canvas.height).data;
      };
      const agreements: Agreement[] = [];
      for (const [a, b] of pairs) {
        const [pa, pb] = await Promise.all([pixels(summary.nodes[a].outputs.image.blob), pixels(summary.nodes[b].outputs.image.blob)]);
        let max = 0;
        let sum = 0;
        let differing = 0;
        for (let i = 0; i < pa.length; i++) {
          if (i % 4 === 3) continue;
          const d = Math.abs(pa[i]! - pb[i]!);
          max = Math.max(max, d);
          sum += d;
          if (d > 0) differing++;
        }
        agreements.push({ max, mean: sum / ((pa.length / 4) * 3), differing });
      }
      return { nodes, agreements };
    },
    { document, pairs },
  );
}

describe('Upscale in the browser', () => {
  it('has WebGPU (SwiftShader here) and says which adapter', async () => {
    const adapter = await page.evaluate(async () => {
      const found = await navigator.gpu?.requestAdapter();
      if (!found) return null;
      const { vendor, architecture, device, description, isFallbackAdapter } = found.info;
      return { vendor, architecture, device, description, isFallbackAdapter };
    });
    console.log('WebGPU adapter:', JSON.stringify(adapter));
    expect(adapter).not.toBeNull();
  });

  it(`makes the same pixels on GPU and CPU (max diff <= ${GPU_CPU_MAX_DIFF}, mean < ${GPU_CPU_MEAN_DIFF}) at the right sizes`, async () => {
    const document = graph(sample(180), [
      upscale('gpu', { mode: '2x', backend: 'gpu' }),
      upscale('cpu', { mode: '2x', backend: 'cpu' }),
      upscale('gpu-fit', { mode: 'target', width: 500, height: 500, sharpen: 1, backend: 'gpu' }),
      upscale('cpu-fit', { mode: 'target', width: 500, height: 500, sharpen: 1, backend: 'cpu' }),
      upscale('auto', { mode: '4x', sharpen: 0 }),
    ]);
    const { nodes, agreements } = await runInPage(document, [['gpu', 'cpu'], ['gpu-fit', 'cpu-fit']]);
    expect(nodes.image).toEqual({ state: 'done', size: [320, 180] });
    expect(nodes.gpu).toEqual({ state: 'done', size: [640, 360] });
    expect(nodes.cpu).toEqual({ state: 'done', size: [640, 360] });
    // 320x180 fitted inside 500x500 keeps its aspect: 500x281.
    expect(nodes['gpu-fit']).toEqual({ state: 'done', size: [500, 281] });
    expect(nodes['cpu-fit']).toEqual({ state: 'done', size: [500, 281] });
    expect(nodes.auto).toEqual({ state: 'done', size: [1280, 720] });
    for (const [i, agreement] of agreements.entries()) {
      console.log(`GPU vs CPU, ${i === 0 ? '2x, sharpen 0.2' : 'fit 500x500, sharpen 1'}: ${JSON.stringify(agreement)}`);
      expect(agreement.max).toBeLessThanOrEqual(GPU_CPU_MAX_DIFF);
      expect(agreement.mean).toBeLessThan(GPU_CPU_MEAN_DIFF);
    }
  });

  it('refuses a result above 8192 px a side, naming the size', async () => {
    const { nodes } = await runInPage(graph(sample(2160), [upscale('huge', { mode: '4x', backend: 'auto' })]));
    expect(nodes.image).toEqual({ state: 'done', size: [3840, 2160] });
    expect(nodes.huge!.state).toBe('failed');
    expect(nodes.huge!.error).toContain('15360x8640');
    expect(nodes.huge!.error).toContain('8192 px');
  });

  it('raised no page errors', () => {
    expect(errors).toEqual([]);
  });
});
