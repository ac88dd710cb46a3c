/**
 * Local motion in real Chromium, run through the app's engine worker: the MP4 it makes is
 * checked by native ffprobe/ffmpeg (oracle tools, not app dependencies) for codec, size, length
 * and frame count; a push in starts on the source image; equal seeds give equal frames.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowDocument } from '../../src/engine';
import { launch } from './chromium';
import { motionGraph } from './graphs';
import { probe, runAndCancel, runGraph } from './run-graph';

let browser: Browser;
const dir = mkdtempSync(join(tmpdir(), 'stillmotion-local-motion-'));

const run = (document: WorkflowDocument, tag: string) => runGraph(browser, document, dir, tag);

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

/** Sample image (640x360) into Local motion with `params` over the node's defaults. */
function graph(params: Record<string, unknown>): WorkflowDocument {
  return motionGraph('local-motion-test', { motion: params });
}

/** Frame `n` of `video` as a file in `format` ('rawvideo' rgb24 bytes, or 'png'). */
function frameOf(video: string, n: number, format: 'rawvideo' | 'png'): string {
  const out = `${video}-frame${n}.${format === 'png' ? 'png' : 'rgb'}`;
  const args = ['-v', 'error', '-y', '-i', video, '-vf', `select=eq(n\\,${n})`, '-frames:v', '1', ...(format === 'png' ? [] : ['-f', 'rawvideo', '-pix_fmt', 'rgb24']), out];
  execFileSync('ffmpeg', args);
  return out;
}

/**
 * SSIM (All) of two same-size images by native ffmpeg, in RGB or after converting both to
 * 4:2:0 YUV, the space H.264 stores, so chroma subsampling does not count as a difference.
 */
function ssim(a: string, b: string, space: 'rgb' | 'yuv420p' = 'yuv420p'): number {
  const filter = space === 'rgb' ? 'ssim' : '[0]format=yuv420p[a];[1]format=yuv420p[b];[a][b]ssim';
  const { stderr } = spawnSync('ffmpeg', ['-i', a, '-i', b, '-lavfi', filter, '-f', 'null', '-'], { encoding: 'utf8' });
  const match = /All:([\d.]+)/.exec(stderr);
  if (!match) throw new Error(`ffmpeg printed no SSIM:\n${stderr}`);
  return Number(match[1]);
}

/** PSNR in dB of two equal-length byte arrays; Infinity when identical. */
function psnr(a: Buffer, b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
  return sum === 0 ? Infinity : 10 * Math.log10((255 * 255) / (sum / a.length));
}

describe('Local motion', () => {
  it('makes an H.264 MP4 of the asked size, length and frame count, starting on the source image', async () => {
    const { nodes } = await run(graph({}), 'push');
    expect(nodes.motion).toMatchObject({ state: 'done', meta: { kind: 'video', mime: 'video/mp4', width: 640, height: 360, duration: 2, fps: 30, hasAudio: false } });
    const facts = probe(nodes.motion!.file!);
    console.log('ffprobe, 640x360 push in, 2 s at 30 fps:', JSON.stringify(facts));
    expect(facts.streams).toHaveLength(1);
    expect(facts.streams[0]).toMatchObject({ codec_name: 'h264', width: 640, height: 360, r_frame_rate: '30/1', nb_read_frames: '60' });
    expect(Math.abs(Number(facts.format.duration) - 2)).toBeLessThanOrEqual(1 / 30);

    const firstFrame = frameOf(nodes.motion!.file!, 0, 'png');
    const first = ssim(firstFrame, nodes.image!.file!);
    console.log(`SSIM of the first frame against the source image: ${first} in YUV 4:2:0, ${ssim(firstFrame, nodes.image!.file!, 'rgb')} in RGB`);
    // In RGB, 4:2:0 chroma alone caps this picture's SSIM near 0.987, and Chromium's RGB to YUV
    // conversion costs a little more; in the codec's own space the frame is the source.
    expect(first).toBeGreaterThanOrEqual(0.98);
    // The end is zoomed in: it should differ from the source clearly.
    expect(ssim(frameOf(nodes.motion!.file!, 59, 'png'), nodes.image!.file!)).toBeLessThan(0.9);
  });

  it('gives the same first and last frames for the same seed, handheld drift included', async () => {
    const params = { move: 'pan-right', handheld: 1, seed: 42, fps: '25', duration: 1.2 };
    const [a, b] = [await run(graph(params), 'seed-a'), await run(graph(params), 'seed-b')];
    // The files differ in the MP4 header's creation times (mediabunny writes the wall clock).
    const same = readFileSync(a.nodes.motion!.file!).equals(readFileSync(b.nodes.motion!.file!));
    expect(probe(a.nodes.motion!.file!).streams[0]!.nb_read_frames).toBe('30');
    for (const n of [0, 29]) {
      const pa = readFileSync(frameOf(a.nodes.motion!.file!, n, 'rawvideo'));
      const pb = readFileSync(frameOf(b.nodes.motion!.file!, n, 'rawvideo'));
      expect(pa.length).toBe(640 * 360 * 3);
      // H.264 encoders need not be bit-exact across runs, so decoded frames are compared by PSNR.
      const db = psnr(pa, pb);
      console.log(`seed 42, frame ${n}: files ${same ? 'identical' : 'differ'}, decoded frames ${db === Infinity ? 'byte-identical' : `${db.toFixed(1)} dB apart`}`);
      expect(db).toBeGreaterThanOrEqual(50);
    }
  });

  it('stops between frames when the run is cancelled', async () => {
    const outcome = await runAndCancel(browser, graph({ resolution: '1080p', duration: 20 }), 'motion', 0.1);
    expect(outcome).toMatchObject({ status: 'cancelled', state: 'cancelled' });
    expect(outcome.stopMs).toBeLessThan(2000);
  });

  it.each([
    ['720p', 1280, 720],
    ['1080p', 1920, 1080],
  ] as const)('renders %s at its frame size and reports the encode speed', async (resolution, width, height) => {
    const { ms, nodes } = await run(graph({ resolution, duration: 5, handheld: 0.5 }), resolution);
    const facts = probe(nodes.motion!.file!);
    expect(facts.streams[0]).toMatchObject({ codec_name: 'h264', width, height, nb_read_frames: '150' });
    console.log(`${resolution}: 150 frames rendered and encoded in ${(ms / 1000).toFixed(2)} s (${((150 * 1000) / ms).toFixed(1)} fps, sample image included)`);
  });
});
