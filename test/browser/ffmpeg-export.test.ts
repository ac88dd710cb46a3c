/**
 * The Export format made by ffmpeg.wasm, in headless Chromium through the app's engine worker: an
 * animated GIF at the GIF frame rate and width asked for. Native ffprobe checks the file (an
 * oracle, not a dependency).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowDocument } from '../../src/engine';
import { sharedBrowser } from './chromium';
import { motionGraph } from './graphs';
import { probe, runGraph } from './run-graph';

let browser: Browser;
const dir = mkdtempSync(join(tmpdir(), 'stillmotion-ffmpeg-export-'));

beforeAll(async () => {
  browser = await sharedBrowser();
});

afterAll(async () => {
  await browser?.close();
});

const exportNode = (params: Record<string, unknown>) => ({ id: 'export', type: 'output.export', version: 1, position: { x: 800, y: 0 }, params: { quality: 'high', bitrate: 0, embedWorkflow: true, ...params } });

/** Sample image (640x360) -> Local motion (`seconds`, 30 fps) -> Export with `params`. */
function motionExport(id: string, params: Record<string, unknown>, seconds = 1): WorkflowDocument {
  return motionGraph(id, {
    motion: { duration: seconds },
    nodes: [exportNode(params)],
    edges: [{ id: 'e-export', source: 'motion', sourcePort: 'video', target: 'export', targetPort: 'video' }],
  });
}

describe('Export through ffmpeg.wasm', () => {
  it('makes a looping GIF at the GIF width and frame rate, keeping the aspect', async () => {
    const { nodes } = await runGraph(browser, motionExport('gif', { format: 'gif', gifWidth: 320, gifFps: 10 }), dir, 'gif');
    const node = nodes.export!;
    expect(node.error).toBeUndefined();
    expect(node.meta).toMatchObject({ mime: 'image/gif', width: 320, height: 180, fps: 10, hasAudio: false });
    expect(node.message).toMatch(/GIF 320x180, 10 fps/);
    const info = probe(node.file!);
    expect(info.streams[0]).toMatchObject({ codec_name: 'gif', width: 320, height: 180, nb_read_frames: '10' });
    expect(Number(info.format.duration)).toBeCloseTo(1, 1);
  });
});
