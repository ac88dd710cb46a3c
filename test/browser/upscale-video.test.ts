/**
 * Upscale video in headless Chromium through the app's engine worker: every frame resampled,
 * sound copied, sizes rounded to even; the CPU and the WebGPU path (SwiftShader here) give the
 * same picture; both match native ffmpeg's lanczos closely. Native ffmpeg makes the clips and
 * measures the results (an oracle, not a dependency).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKFLOW_FORMAT, WORKFLOW_VERSION, type WorkflowDocument } from '../../src/engine';
import { sharedBrowser } from './chromium';
import { motionGraph } from './graphs';
import { psnr } from './psnr';
import { assetRef, probe, probeColour, REC709_TAGS, runGraph, type TestAsset } from './run-graph';

let browser: Browser;
const dir = mkdtempSync(join(tmpdir(), 'stillmotion-upscale-video-'));

beforeAll(async () => {
  browser = await sharedBrowser();
});

afterAll(async () => {
  await browser?.close();
});

const upscaleNode = (params: Record<string, unknown>) => ({ id: 'upscale', type: 'video.upscale', version: 1, position: { x: 400, y: 0 }, params: { sharpen: 0, backend: 'cpu', ...params } });

/** Video input reading `file` -> Upscale video with `params`. */
function fileGraph(id: string, file: TestAsset, params: Record<string, unknown>): WorkflowDocument {
  return {
    format: WORKFLOW_FORMAT,
    version: WORKFLOW_VERSION,
    id,
    name: id,
    nodes: [{ id: 'input', type: 'video.input', version: 1, position: { x: 0, y: 0 }, params: { file: assetRef(file) } }, upscaleNode(params)],
    edges: [{ id: 'e-upscale', source: 'input', sourcePort: 'video', target: 'upscale', targetPort: 'video' }],
  };
}

/** A 320x180, 30 fps, 1 s H.264 + AAC test clip with a 440 Hz tone, by native ffmpeg. */
function clip(): TestAsset {
  const path = join(dir, 'clip.mp4');
  const sources = ['-f', 'lavfi', '-i', 'testsrc=size=320x180:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'];
  const bt709 = ['-colorspace', 'bt709', '-color_primaries', 'bt709', '-color_trc', 'bt709', '-color_range', 'tv'];
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...sources, '-t', '1', '-c:v', 'libx264', '-crf', '12', '-pix_fmt', 'yuv420p', ...bt709, '-c:a', 'aac', path]);
  return { path, name: basename(path), mime: 'video/mp4' };
}

function audioCodecs(file: string): string[] {
  const out = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'a', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', file], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

describe('Upscale video', () => {
  it('doubles every frame on the CPU, keeps the sound and the limited-range BT.709 tags, and matches native ffmpeg lanczos', async () => {
    const file = clip();
    const { nodes } = await runGraph(browser, fileGraph('cpu', file, { mode: '2x' }), dir, 'cpu', [file]);
    const node = nodes.upscale!;
    expect(node.error).toBeUndefined();
    expect(node.message).toBe('upscaled to 640x360 on the CPU');
    expect(node.meta).toMatchObject({ mime: 'video/mp4', width: 640, height: 360, fps: 30, hasAudio: true });
    expect(probe(node.file!).streams[0]).toMatchObject({ codec_name: 'h264', width: 640, height: 360, nb_read_frames: '30' });
    expect(audioCodecs(node.file!)).toEqual(['aac']);
    expect(probeColour(node.file!)).toEqual(REC709_TAGS);
    const native = join(dir, 'native-2x.mkv');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', file.path, '-vf', 'scale=640:360:flags=lanczos', '-c:v', 'ffv1', '-an', native]);
    // Luma: the resampling shows there, and what differs is the H.264 re-encode of our frames.
    expect(psnr(node.file!, native).y).toBeGreaterThan(35);
  });

  it('turns a clip upright as its file says (a phone held upright), as native ffmpeg does', async () => {
    const file = clip();
    const turned = { ...file, path: join(dir, 'turned.mp4'), name: 'turned.mp4' };
    // The same frames stored sideways, with a 90 degree turn in the MP4 track matrix for players.
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', file.path, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', turned.path]);
    const node = (await runGraph(browser, fileGraph('turned', turned, { mode: '2x' }), dir, 'turned', [turned])).nodes.upscale!;
    expect(node.error).toBeUndefined();
    expect(node.meta).toMatchObject({ width: 360, height: 640 });
    const native = join(dir, 'native-turned.mkv');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', turned.path, '-vf', 'scale=360:640:flags=lanczos', '-c:v', 'ffv1', '-an', native]);
    expect(psnr(node.file!, native).y).toBeGreaterThan(35);
  });

  it('gives the same picture on the WebGPU path as on the CPU', async () => {
    const file = clip();
    const cpu = (await runGraph(browser, fileGraph('cpu-ref', file, { mode: '2x', sharpen: 0.2 }), dir, 'cpu-ref', [file])).nodes.upscale!;
    const gpu = (await runGraph(browser, fileGraph('gpu', file, { mode: '2x', sharpen: 0.2, backend: 'gpu' }), dir, 'gpu', [file])).nodes.upscale!;
    expect(gpu.error).toBeUndefined();
    expect(gpu.message).toBe('upscaled to 640x360 on the GPU');
    // Frames within 2 levels of each other, through the same encoder: nearly identical files.
    expect(psnr(gpu.file!, cpu.file!).average).toBeGreaterThan(45);
  });

  it('fits inside a target size with even sides, on a clip without sound', async () => {
    const document = motionGraph('target', {
      motion: { duration: 1 },
      nodes: [upscaleNode({ mode: 'target', width: 1000, height: 1000 })],
      edges: [{ id: 'e-upscale', source: 'motion', sourcePort: 'video', target: 'upscale', targetPort: 'video' }],
    });
    const { nodes } = await runGraph(browser, document, dir, 'target');
    // 640x360 scaled by 1000/640: 1000x562.5, rounded to 1000x563, then down to even.
    expect(nodes.upscale).toMatchObject({ state: 'done', meta: { width: 1000, height: 562, hasAudio: false } });
    expect(probe(nodes.upscale!.file!).streams[0]).toMatchObject({ width: 1000, height: 562, nb_read_frames: '30' });
  });
});
