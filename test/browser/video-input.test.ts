/**
 * Video input in headless Chromium, run through the app's engine worker: a clip WebCodecs decodes
 * passes through untouched; a ProRes MOV (which it cannot decode) is converted to H.264 by
 * ffmpeg.wasm, loaded from our own build; a damaged file fails with an error naming it. Test
 * clips are made by native ffmpeg, which also checks the results (an oracle, not a dependency).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKFLOW_FORMAT, WORKFLOW_VERSION, type WorkflowDocument } from '../../src/engine';
import { sharedBrowser } from './chromium';
import { psnr } from './psnr';
import { assetRef, probe, runAndCancel, runGraph, type TestAsset } from './run-graph';

let browser: Browser;
const dir = mkdtempSync(join(tmpdir(), 'stillmotion-video-input-'));

/** A 320x180, 30 fps, 1 s test clip with a 440 Hz tone, encoded by native ffmpeg with `codecs`. */
export function testClip(name: string, codecs: string[], seconds = 1): string {
  const path = join(dir, name);
  const sources = ['-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'];
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...sources, '-t', String(seconds), ...codecs, path]);
  return path;
}

/** A graph of one Video input (`input`) reading `file`. */
function inputGraph(id: string, file: TestAsset): WorkflowDocument {
  return {
    format: WORKFLOW_FORMAT,
    version: WORKFLOW_VERSION,
    id,
    name: id,
    nodes: [{ id: 'input', type: 'video.input', version: 1, position: { x: 0, y: 0 }, params: { file: assetRef(file) } }],
    edges: [],
  };
}

async function runInput(id: string, file: TestAsset) {
  const { nodes } = await runGraph(browser, inputGraph(id, file), dir, id, [file]);
  return nodes.input!;
}

beforeAll(async () => {
  browser = await sharedBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe('Video input', () => {
  it('passes an H.264 MP4 with audio through unchanged, with its size, length, rate and audio', async () => {
    const path = testClip('clip.mp4', ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac']);
    const node = await runInput('h264', { path, name: basename(path), mime: 'video/mp4' });
    expect(node.error).toBeUndefined();
    expect(node.meta).toMatchObject({ kind: 'video', mime: 'video/mp4', width: 320, height: 180, fps: 30, hasAudio: true });
    expect(node.meta!.duration).toBeCloseTo(1, 1);
    expect(node.message).toMatch(/read as is/);
    expect(readFileSync(node.file!).equals(readFileSync(path))).toBe(true);
  });

  it('converts a ProRes MOV, which WebCodecs cannot decode, to H.264 + AAC through ffmpeg.wasm, saying so', async () => {
    const path = testClip('prores.mov', ['-c:v', 'prores_ks', '-profile:v', '2', '-c:a', 'pcm_s16le']);
    const node = await runInput('prores', { path, name: basename(path), mime: 'video/quicktime' });
    expect(node.error).toBeUndefined();
    expect(node.message).toMatch(/cannot decode.*converted to H\.264 with ffmpeg\.wasm/);
    expect(node.meta).toMatchObject({ mime: 'video/mp4', width: 320, height: 180, fps: 30, hasAudio: true });
    const info = probe(node.file!);
    expect(info.streams[0]).toMatchObject({ codec_name: 'h264', width: 320, height: 180, nb_read_frames: '30' });
    const audio = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', node.file!], { encoding: 'utf8' });
    expect(audio.trim()).toBe('aac');
    // x264 at CRF 18 of a clean test pattern: close to the source, frame for frame.
    expect(psnr(node.file!, path).average).toBeGreaterThan(35);
  });

  it('ends the ffmpeg.wasm conversion within a second of a cancel', async () => {
    const path = testClip('long-prores.mov', ['-c:v', 'prores_ks', '-profile:v', '0', '-an'], 8);
    const file = { path, name: basename(path), mime: 'video/quicktime' };
    const outcome = await runAndCancel(browser, inputGraph('prores-cancel', file), 'input', 0.1, [file]);
    expect(outcome).toMatchObject({ status: 'cancelled', state: 'cancelled' });
    expect(outcome.stopMs).toBeLessThan(1000);
  });

  it('fails a damaged file with an error that names it', async () => {
    const good = readFileSync(testClip('for-damage.mp4', ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-an']));
    const damaged = join(dir, 'damaged.mp4');
    writeFileSync(damaged, Buffer.concat([good.subarray(0, 64), Buffer.alloc(4096, 0x5a)]));
    const node = await runInput('damaged', { path: damaged, name: basename(damaged), mime: 'video/mp4' });
    expect(node.state).toBe('failed');
    expect(node.error).toMatch(/"damaged\.mp4" is not a video this app can read \(ffmpeg\.wasm failed/);
  });

  it('refuses an MP4 cut short (its index first, its last frames missing) instead of passing it on as done', async () => {
    const whole = readFileSync(testClip('for-cut.mp4', ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-movflags', '+faststart'], 2));
    const cut = join(dir, 'cut-short.mp4');
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const node = await runInput('cut-short', { path: cut, name: basename(cut), mime: 'video/mp4' });
    expect(node.state).toBe('failed');
    expect(node.error).toMatch(/"cut-short\.mp4" cannot be used: the file is cut short: its last frames are not in it/);
  });
});

