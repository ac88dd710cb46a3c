/**
 * Extract frame and Trim in real Chromium, run through the app's engine worker on a Local motion
 * push in (2 s, 30 fps). Native ffmpeg/ffprobe (oracles, not app dependencies) check the frames
 * against the source image and against ffmpeg's own extraction, and the trimmed file's length.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowDocument } from '../../src/engine';
import { sharedBrowser } from './chromium';
import { motionGraph } from './graphs';
import { compare, probe, runGraph, type NodeOutcome } from './run-graph';

const dir = mkdtempSync(join(tmpdir(), 'stillmotion-video-edit-'));
const FRAMES = { first: { which: 'first' }, last: { which: 'last' }, at1: { which: 'at', time: 1 }, at5: { which: 'at', time: 5 } };

/** Sample image (640x360) -> Local motion -> one Extract frame per FRAMES entry, Trim 0.5..1.5 s and 0..1 s. */
const graph: WorkflowDocument = motionGraph('video-edit-test', {
  nodes: [
    ...Object.entries(FRAMES).map(([id, params], i) => ({ id, type: 'video.frame', version: 1, position: { x: 800, y: 200 * i }, params: { time: 0, ...params } })),
    { id: 'trim', type: 'video.trim', version: 1, position: { x: 800, y: 800 }, params: { start: 0.5, end: 1.5 } },
    { id: 'head', type: 'video.trim', version: 1, position: { x: 800, y: 1000 }, params: { start: 0, end: 1 } },
  ],
  edges: ['trim', 'head', ...Object.keys(FRAMES)].map((id) => ({ id: `e-${id}`, source: 'motion', sourcePort: 'video', target: id, targetPort: 'video' })),
});

let browser: Browser;
let nodes: Record<string, NodeOutcome>;

beforeAll(async () => {
  browser = await sharedBrowser();
  nodes = (await runGraph(browser, graph, dir, 'edit')).nodes;
});

afterAll(async () => {
  await browser?.close();
});

describe('Extract frame', () => {
  it('gives PNGs at the video size', () => {
    for (const id of ['first', 'last', 'at1']) {
      expect(nodes[id]).toMatchObject({ state: 'done', meta: { kind: 'image', mime: 'image/png', width: 640, height: 360 } });
    }
  });

  it('takes the first frame, which a push in starts on the source image, and a zoomed-in last frame', () => {
    const first = compare(nodes.first!.file!, nodes.image!.file!, 'ssim');
    const last = compare(nodes.last!.file!, nodes.first!.file!, 'ssim');
    console.log(`SSIM (YUV 4:2:0): first frame vs source image ${first}, last frame vs first frame ${last}`);
    expect(first).toBeGreaterThanOrEqual(0.95);
    expect(last).toBeLessThan(0.95);
  });

  it('takes the frame at 1.0 s that ffmpeg takes', () => {
    const reference = join(dir, 'ffmpeg-at1.png');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-ss', '1.0', '-i', nodes.motion!.file!, '-frames:v', '1', reference]);
    const db = compare(nodes.at1!.file!, reference, 'psnr');
    console.log(`PSNR of the frame at 1.0 s against ffmpeg's extraction: ${db} dB`);
    expect(db).toBeGreaterThanOrEqual(35);
  });

  it('refuses a time past the end of the clip, naming its duration', () => {
    expect(nodes.at5).toMatchObject({ state: 'failed' });
    console.log(`5.0 s on a 2 s clip: ${nodes.at5!.error}`);
    expect(nodes.at5!.error).toMatch(/2\.0 s/);
  });
});

describe('Trim', () => {
  it('cuts 0.5..1.5 s to a 1 s H.264 MP4 of 30 frames', () => {
    expect(nodes.trim).toMatchObject({ state: 'done', meta: { kind: 'video', mime: 'video/mp4', width: 640, height: 360, duration: 1, fps: 30 } });
    const facts = probe(nodes.trim!.file!);
    console.log(`Trim 0.5..1.5 s (${nodes.trim!.message}): ffprobe ${JSON.stringify(facts)}`);
    expect(facts.streams[0]).toMatchObject({ codec_name: 'h264', width: 640, height: 360 });
    expect(Math.abs(Number(facts.format.duration) - 1)).toBeLessThanOrEqual(1 / 30);
    expect(Math.abs(Number(facts.streams[0]!.nb_read_frames) - 30)).toBeLessThanOrEqual(1);
  });

  it('copies a cut that starts on the first keyframe without re-encoding', () => {
    expect(nodes.head).toMatchObject({ state: 'done', message: 'cut on a keyframe: copied without re-encoding', meta: { duration: 1 } });
    const facts = probe(nodes.head!.file!);
    console.log(`Trim 0..1 s (${nodes.head!.message}): ffprobe ${JSON.stringify(facts)}`);
    expect(facts.streams[0]).toMatchObject({ codec_name: 'h264', nb_read_frames: '30' });
    expect(Math.abs(Number(facts.format.duration) - 1)).toBeLessThanOrEqual(1 / 30);
  });
});
