/**
 * The Export formats made by ffmpeg.wasm, in headless Chromium through the app's engine worker:
 * an animated GIF at the GIF frame rate and width asked for, and MP4 with the video as H.264 and
 * the audio encoded to AAC (which Chromium cannot encode itself), workflow kept. Native ffprobe checks the files (an oracle, not a dependency).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKFLOW_FORMAT, WORKFLOW_VERSION, type WorkflowDocument } from '../../src/engine';
import { launch } from './chromium';
import { motionGraph } from './graphs';
import { assetRef, probe, runGraph, type TestAsset } from './run-graph';

let browser: Browser;
const dir = mkdtempSync(join(tmpdir(), 'stillmotion-ffmpeg-export-'));

beforeAll(async () => {
  browser = await launch();
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

/** Video input reading `file` -> Export with `params`. */
function fileExport(id: string, file: TestAsset, params: Record<string, unknown>): WorkflowDocument {
  return {
    format: WORKFLOW_FORMAT,
    version: WORKFLOW_VERSION,
    id,
    name: id,
    nodes: [{ id: 'input', type: 'video.input', version: 1, position: { x: 0, y: 0 }, params: { file: assetRef(file) } }, exportNode(params)],
    edges: [{ id: 'e-export', source: 'input', sourcePort: 'video', target: 'export', targetPort: 'video' }],
  };
}

function streams(file: string, kind: 'a' | 'v'): string[] {
  const out = execFileSync('ffprobe', ['-v', 'error', '-select_streams', kind, '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', file], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
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

  it('encodes the audio of a WebM (VP9 + Opus) to AAC beside H.264 video, workflow embedded, moov first', async () => {
    const source = join(dir, 'vp9-opus.webm');
    const sources = ['-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'];
    execFileSync('ffmpeg', ['-v', 'error', '-y', ...sources, '-t', '1', '-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-c:a', 'libopus', source]);
    const file = { path: source, name: basename(source), mime: 'video/webm' };
    const { nodes } = await runGraph(browser, fileExport('aac', file, { format: 'mp4-h264-aac' }), dir, 'aac', [file]);
    const node = nodes.export!;
    expect(node.error).toBeUndefined();
    expect(node.message).toBe('encoded; audio encoded to AAC');
    expect(node.meta).toMatchObject({ mime: 'video/mp4', width: 320, height: 180, hasAudio: true });
    expect(streams(node.file!, 'v')).toEqual(['h264']);
    expect(streams(node.file!, 'a')).toEqual(['aac']);
    const info = probe(node.file!);
    expect(info.streams[0]!.nb_read_frames).toBe('30');
    expect(JSON.parse(info.format.tags!.workflow!)).toMatchObject({ id: 'aac' });
    const bytes = readFileSync(node.file!);
    expect(bytes.indexOf('moov')).toBeLessThan(bytes.indexOf('mdat'));
  });

  it('writes a plain H.264 MP4 when "H.264 + AAC" is asked of a video without audio', async () => {
    const { nodes } = await runGraph(browser, motionExport('aac-silent', { format: 'mp4-h264-aac' }), dir, 'aac-silent');
    expect(nodes.export).toMatchObject({ state: 'done', message: 'copied without re-encoding', meta: { mime: 'video/mp4', hasAudio: false } });
    expect(streams(nodes.export!.file!, 'a')).toEqual([]);
  });
});
