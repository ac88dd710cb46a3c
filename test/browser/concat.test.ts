/**
 * Concat and Conform in real Chromium, through the app's engine worker. Clip A is a Local motion
 * push in (320x180, 2 s, 30 fps) with a 440 Hz tone laid under it by Audio mux; clip B a square
 * pan (240x240, 1 s, 24 fps) with no sound, and clip C the same with a 1 kHz tone. Native
 * ffprobe/ffmpeg (oracles) check streams, frame counts, durations, the frames against ffmpeg's own
 * scaling of the sources (PSNR), and where each tone sounds.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowNode } from '../../src/engine';
import { sharedBrowser } from './chromium';
import { motionGraph } from './graphs';
import { assetRef, compare, meanVolume, probe, probeAudio, probeColour, REC709_TAGS, runAndCancel, runGraph, type NodeOutcome, type TestAsset } from './run-graph';

const dir = mkdtempSync(join(tmpdir(), 'stillmotion-concat-'));

function tone(name: string, hz: number): TestAsset {
  const path = join(dir, name);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=${hz}:duration=3:sample_rate=48000`, '-c:a', 'pcm_s16le', path]);
  return { path, name, mime: 'audio/wav' };
}
const LOW = tone('low.wav', 440);
const HIGH = tone('high.wav', 1000);

const at = (x: number, y: number) => ({ x, y });
const node = (id: string, type: string, params: Record<string, unknown>, y = 0): WorkflowNode => ({ id, type, version: 1, position: at(1200, y), params });
const wire = (source: string, target: string, targetPort = 'video', sourcePort = targetPort === 'clips' ? 'video' : targetPort) => ({ id: `${source}-${target}-${targetPort}`, source, sourcePort, target, targetPort });
const concat = (id: string, clips: string[], params: Record<string, unknown>, y: number) => ({ node: node(id, 'video.concat', params, y), edges: clips.map((c) => wire(c, id, 'clips')) });
const conform = (id: string, params: Record<string, unknown>, y: number) => ({ node: node(id, 'video.conform', params, y), edges: [wire('a', id)] });

const parts = [
  concat('cut', ['a', 'b'], {}, 0),
  concat('xfade', ['a', 'c'], { crossfade: 0.5 }, 200),
  concat('webmCat', ['webmA', 'b'], {}, 300),
  concat('single', ['a'], {}, 400),
  concat('tooLong', ['a', 'b'], { crossfade: 0.8 }, 600),
  conform('big', { width: 640, height: 360, fps: 24 }, 800),
  ...(['fit', 'fill', 'stretch'] as const).map((fit, i) => conform(fit, { width: 240, height: 180, fit }, 1000 + 200 * i)),
];

const graph = motionGraph('concat-test', {
  image: { height: 180 },
  nodes: [
    { id: 'square', type: 'image.sample', version: 1, position: at(0, 400), params: { aspect: '1:1', height: 240, seed: 3 } },
    { id: 'pan', type: 'generate.local', version: 1, position: at(400, 400), params: { move: 'pan-left', intensity: 0.5, easing: 'linear', duration: 1, fps: '24', resolution: 'source', handheld: 0, seed: 0 } },
    { id: 'low', type: 'audio.input', version: 1, position: at(0, 800), params: { file: assetRef(LOW) } },
    { id: 'high', type: 'audio.input', version: 1, position: at(0, 1000), params: { file: assetRef(HIGH) } },
    { id: 'a', type: 'audio.mux', version: 1, position: at(800, 0), params: { mode: 'replace' } },
    { id: 'b', type: 'video.trim', version: 1, position: at(800, 400), params: { start: 0, end: 0 } },
    { id: 'webmA', type: 'output.export', version: 1, position: at(800, 200), params: { format: 'webm-vp9', embedWorkflow: false } },
    { id: 'c', type: 'audio.mux', version: 1, position: at(800, 800), params: { mode: 'replace' } },
    ...parts.map((p) => p.node),
  ],
  edges: [
    wire('square', 'pan', 'image'),
    wire('motion', 'a'),
    wire('low', 'a', 'audio'),
    wire('pan', 'b'),
    wire('a', 'webmA'),
    wire('pan', 'c'),
    wire('high', 'c', 'audio'),
    ...parts.flatMap((p) => p.edges),
  ],
});

let browser: Browser;
let nodes: Record<string, NodeOutcome>;

beforeAll(async () => {
  browser = await sharedBrowser();
  nodes = (await runGraph(browser, graph, dir, 'concat', [LOW, HIGH])).nodes;
});

afterAll(async () => {
  await browser?.close();
});

/** The frame of `file` shown at `time` seconds, as a PNG, after `filter` when given. */
function frameAt(file: string, time: number, name: string, filter?: string): string {
  const out = join(dir, `${name}.png`);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-ss', String(time), '-i', file, '-frames:v', '1', ...(filter ? ['-vf', filter] : []), out]);
  return out;
}

const file = (id: string) => nodes[id]!.file!;

describe('Concat', () => {
  it("plays A then B as one 3 s clip at A's size and frame rate, with A's sound then silence", () => {
    expect(nodes.cut).toMatchObject({ state: 'done', meta: { mime: 'video/mp4', width: 320, height: 180, fps: 30, duration: 3, hasAudio: true } });
    const facts = probe(file('cut'));
    const audio = probeAudio(file('cut'));
    console.log(`cut: ${JSON.stringify(facts)} audio ${JSON.stringify(audio)}`);
    expect(facts.streams[0]).toMatchObject({ codec_name: 'h264', width: 320, height: 180, r_frame_rate: '30/1', nb_read_frames: '90' });
    expect(Math.abs(Number(facts.format.duration) - 3)).toBeLessThanOrEqual(0.05);
    expect(audio).toMatchObject({ codec_name: 'aac' });
    expect(probeColour(file('cut'))).toEqual(REC709_TAGS);
    const [during, after] = [meanVolume(file('cut'), 0.2, 1.8), meanVolume(file('cut'), 2.2, 2.9)];
    console.log(`cut: A's tone ${during} dB, B's silence ${after} dB`);
    expect(during).toBeGreaterThan(-25);
    expect(after).toBeLessThan(-60);
  });

  it("shows A's frames as they were, and B's fitted into A's frame with bars", () => {
    const a = compare(frameAt(file('cut'), 0.5, 'cut-0.5'), frameAt(file('a'), 0.5, 'a-0.5'), 'psnr');
    const b = compare(frameAt(file('cut'), 2.5, 'cut-2.5'), frameAt(file('b'), 0.5, 'b-0.5', 'scale=180:180,pad=320:180:70:0'), 'psnr');
    console.log(`PSNR: concat at 0.5 s vs A at 0.5 s ${a} dB; concat at 2.5 s vs B at 0.5 s fitted by ffmpeg ${b} dB`);
    expect(a).toBeGreaterThanOrEqual(35);
    expect(b).toBeGreaterThanOrEqual(28);
  });

  it('crossfades A into C over 0.5 s, picture and sound', () => {
    expect(nodes.xfade).toMatchObject({ state: 'done', meta: { duration: 2.5, hasAudio: true } });
    const facts = probe(file('xfade'));
    expect(facts.streams[0]).toMatchObject({ nb_read_frames: '75' });
    const band = (from: number, to: number, hz: number) => meanVolume(file('xfade'), from, to, `bandpass=f=${hz}:w=100`);
    const [aOnly, cInA, both440, both1k, cOnly, aInC] = [band(0.5, 1.4, 440), band(0.5, 1.4, 1000), band(1.6, 1.9, 440), band(1.6, 1.9, 1000), band(2.1, 2.4, 1000), band(2.1, 2.4, 440)];
    console.log(`xfade: A alone 440 Hz ${aOnly} dB (1 kHz ${cInA}); overlap 440 Hz ${both440} dB, 1 kHz ${both1k} dB; C alone 1 kHz ${cOnly} dB (440 Hz ${aInC})`);
    expect(aOnly - cInA).toBeGreaterThan(20);
    expect(cOnly - aInC).toBeGreaterThan(20);
    expect(both440).toBeGreaterThan(aOnly - 15);
    expect(both1k).toBeGreaterThan(cOnly - 15);
    const middle = frameAt(file('xfade'), 1.75, 'xfade-1.75');
    const [fromA, fromC] = [compare(middle, frameAt(file('a'), 1.75, 'a-1.75'), 'psnr'), compare(middle, frameAt(file('c'), 0.25, 'c-0.25', 'scale=180:180,pad=320:180:70:0'), 'psnr')];
    console.log(`mid-crossfade frame: PSNR ${fromA} dB vs A, ${fromC} dB vs C`);
    expect(fromA).toBeLessThan(30);
    expect(fromC).toBeLessThan(30);
  });

  it('writes WebM (VP9 and Opus) when the first clip is WebM', () => {
    expect(nodes.webmCat).toMatchObject({ state: 'done', meta: { mime: 'video/webm', width: 320, height: 180, duration: 3, hasAudio: true } });
    const facts = probe(file('webmCat'));
    expect(facts.format.format_name).toBe('matroska,webm');
    expect(facts.streams[0]).toMatchObject({ codec_name: 'vp9', nb_read_frames: '90' });
    expect(probeAudio(file('webmCat'))).toMatchObject({ codec_name: 'opus' });
  });

  it('says what is wrong: one clip, or a crossfade longer than half a clip', () => {
    expect(nodes.single).toMatchObject({ state: 'failed', error: expect.stringMatching(/two or more clips; one is connected/) });
    expect(nodes.tooLong).toMatchObject({ state: 'failed', error: expect.stringMatching(/Crossfade \(0\.8 s\) must be at most half the shortest clip \(1\.00 s\)/) });
  });
});

describe('Conform', () => {
  it('scales A to 640x360 at 24 fps, keeps its sound and tags it limited-range BT.709', () => {
    expect(nodes.big).toMatchObject({ state: 'done', meta: { width: 640, height: 360, fps: 24, duration: 2, hasAudio: true } });
    const facts = probe(file('big'));
    console.log(`conform 640x360 24 fps: ${JSON.stringify(facts)} audio ${JSON.stringify(probeAudio(file('big')))}`);
    expect(facts.streams[0]).toMatchObject({ codec_name: 'h264', width: 640, height: 360, nb_read_frames: '48' });
    expect(probeAudio(file('big'))).toMatchObject({ codec_name: 'aac' });
    expect(probeColour(file('big'))).toEqual(REC709_TAGS);
    const db = compare(frameAt(file('big'), 1, 'big-1'), frameAt(file('a'), 1, 'a-1-big', 'scale=640:360'), 'psnr');
    console.log(`PSNR conform vs ffmpeg scale at 1 s: ${db} dB`);
    expect(db).toBeGreaterThanOrEqual(30);
  });

  it.each([
    ['fit', 'scale=240:136,pad=240:180:0:22'],
    ['fill', 'scale=320:180,crop=240:180'],
    ['stretch', 'scale=240:180'],
  ])('frames A in 240x180 by %s as ffmpeg does', (id, filter) => {
    expect(nodes[id]).toMatchObject({ state: 'done', meta: { width: 240, height: 180 } });
    const db = compare(frameAt(file(id), 1, `${id}-1`), frameAt(file('a'), 1, `a-1-${id}`, filter), 'psnr');
    console.log(`PSNR ${id} vs ffmpeg ${filter}: ${db} dB`);
    expect(db).toBeGreaterThanOrEqual(28);
  });
});

describe('Concat at 720p', () => {
  /** Local motion at 720p for `duration` s, twice into one Concat (`cat`). */
  const twice = (duration: number, crossfade: number) =>
    motionGraph('concat-720p', {
      motion: { resolution: '720p', duration },
      nodes: [{ id: 'cat', type: 'video.concat', version: 1, position: at(800, 0), params: { crossfade } }],
      edges: [wire('motion', 'cat', 'clips'), { ...wire('motion', 'cat', 'clips'), id: 'again' }],
    });

  it('stops when the run is cancelled', async () => {
    const outcome = await runAndCancel(browser, twice(3, 0), 'cat', 0.2);
    console.log(`Concat cancelled: stopped ${outcome.stopMs.toFixed(0)} ms after the cancel`);
    expect(outcome).toMatchObject({ status: 'cancelled', state: 'cancelled' });
    expect(outcome.stopMs).toBeLessThan(1000);
  });
});
