/**
 * Audio input and Audio mux in real Chromium, through the app's engine worker: sound files in
 * every format we promise, made by native ffmpeg, laid under a Local motion clip (320x180, 2 s);
 * Export and Trim then keep that sound. Native ffprobe/ffmpeg (oracles, not app dependencies)
 * check streams, codecs, durations, that the picture was copied bit for bit, and loudness where
 * it proves looping, fades and mixing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { WorkflowNode } from '../../src/engine';
import { runAndWait } from './app';
import { sharedBrowser, screenshot, watchErrors } from './chromium';
import { motionGraph } from './graphs';
import { assetRef, meanVolume, probe, probeAudio, runGraph, type NodeOutcome, type TestAsset } from './run-graph';

const dir = mkdtempSync(join(tmpdir(), 'stillmotion-audio-'));

/** A 1.5 s tone at `hz` written by ffmpeg with `args` (codec, rate, channels). */
function tone(name: string, mime: string, hz: number, args: string[]): TestAsset {
  const path = join(dir, name);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=${hz}:duration=1.5:sample_rate=44100`, ...args, path]);
  return { path, name, mime };
}

const FORMATS = {
  wav: tone('tone.wav', 'audio/wav', 440, ['-c:a', 'pcm_s16le']),
  mp3: tone('tone.mp3', 'audio/mpeg', 440, ['-c:a', 'libmp3lame', '-b:a', '128k']),
  opus: tone('tone.opus.ogg', 'audio/ogg', 440, ['-c:a', 'libopus', '-ar', '48000', '-ac', '2']),
  vorbis: tone('tone.vorbis.ogg', 'audio/ogg', 440, ['-c:a', 'libvorbis', '-ac', '2']),
  flac: tone('tone.flac', 'audio/flac', 440, ['-c:a', 'flac']),
  m4a: tone('tone.m4a', 'audio/mp4', 440, ['-c:a', 'aac', '-b:a', '128k']),
};
const HIGH = tone('high.wav', 'audio/wav', 1000, ['-c:a', 'pcm_s16le', '-ac', '2']);
/** 1.5 s: 440 Hz, then 1 kHz from 0.5 to 1.0 s, then 440 Hz again. */
const SANDWICH: TestAsset = { path: join(dir, 'sandwich.wav'), name: 'sandwich.wav', mime: 'audio/wav' };
execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', "aevalsrc='0.5*sin(2*PI*if(between(t,0.5,1),1000,440)*t)':s=44100:d=1.5", '-c:a', 'pcm_s16le', SANDWICH.path]);
const BROKEN: TestAsset = { path: join(dir, 'song.mp3'), name: 'song.mp3', mime: 'audio/mpeg' };
writeFileSync(BROKEN.path, Buffer.from('ID3 this is no MP3 at all, only words '.repeat(20)));
/** The M4A cut off halfway: ffmpeg writes its index (moov) last, so the index is lost. */
const TRUNCATED: TestAsset = { path: join(dir, 'cut-short.m4a'), name: 'cut-short.m4a', mime: 'audio/mp4' };
writeFileSync(TRUNCATED.path, readFileSync(FORMATS.m4a.path).subarray(0, readFileSync(FORMATS.m4a.path).length / 2));

const audioNode = (id: string, asset: TestAsset, y: number): WorkflowNode => ({ id, type: 'audio.input', version: 1, position: { x: 0, y }, params: { file: assetRef(asset) } });
const muxNode = (id: string, params: Record<string, unknown>, y: number): WorkflowNode => ({ id, type: 'audio.mux', version: 1, position: { x: 800, y }, params });
const wire = (source: string, target: string, port = 'video', sourcePort = port) => ({ id: `${source}-${target}-${port}`, source, sourcePort, target, targetPort: port });

/**
 * Sample image -> Local motion (`motion`, 320x180, 2 s, no sound) -> Audio mux in each mode,
 * then Export and Trim of the clip with sound; plus an Audio input per format and a broken one.
 */
const graph = motionGraph('audio-test', {
  image: { height: 180 },
  nodes: [
    ...Object.entries(FORMATS).map(([id, asset], i) => audioNode(id, asset, 200 + 150 * i)),
    audioNode('high', HIGH, 1200),
    audioNode('broken', BROKEN, 1350),
    audioNode('sandwich', SANDWICH, 1650),
    audioNode('truncated', TRUNCATED, 1500),
    muxNode('replace', { mode: 'replace' }, 0),
    muxNode('once', { mode: 'replace', loop: false }, 150),
    muxNode('fades', { mode: 'replace', fadeIn: 0.5, fadeOut: 0.5 }, 300),
    muxNode('late', { mode: 'replace', offset: 1, loop: false }, 450),
    muxNode('part', { mode: 'replace', skip: 0.5, length: 0.5 }, 500),
    muxNode('mix', { mode: 'mix', clipGain: -12 }, 600),
    muxNode('keep', { mode: 'keep', fadeOut: 1 }, 750),
    muxNode('keepSilent', { mode: 'keep' }, 900),
    muxNode('noSound', { mode: 'mix' }, 1050),
    muxNode('fromBroken', { mode: 'replace' }, 1200),
    { id: 'webm', type: 'output.export', version: 1, position: { x: 1200, y: 0 }, params: { format: 'webm-vp9', embedWorkflow: false } },
    { id: 'mp4', type: 'output.export', version: 1, position: { x: 1200, y: 150 }, params: { format: 'mp4-h264', embedWorkflow: false } },
    muxNode('webmMix', { mode: 'mix', audioGain: -6 }, 1350),
    { id: 'trim', type: 'video.trim', version: 1, position: { x: 1200, y: 300 }, params: { start: 0.5, end: 1.5 } },
    { id: 'head', type: 'video.trim', version: 1, position: { x: 1200, y: 450 }, params: { start: 0, end: 1 } },
  ],
  edges: [
    ...['replace', 'once', 'fades', 'late', 'part', 'keepSilent', 'noSound', 'fromBroken'].map((id) => wire('motion', id)),
    ...['replace', 'once', 'fades', 'late'].map((id) => wire('wav', id, 'audio')),
    wire('sandwich', 'part', 'audio', 'audio'),
    wire('fromBroken', 'fromBroken', 'audio', 'audio'),
    // Mix and Keep start from the clip that Replace gave a 440 Hz tone.
    wire('replace', 'mix'),
    wire('high', 'mix', 'audio'),
    wire('replace', 'keep'),
    ...['webm', 'mp4', 'trim', 'head'].map((id) => wire('replace', id)),
    wire('webm', 'webmMix'),
    wire('flac', 'webmMix', 'audio'),
  ].filter((e) => e.source !== 'fromBroken').concat(wire('broken', 'fromBroken', 'audio')),
});

let browser: Browser;
let nodes: Record<string, NodeOutcome>;

beforeAll(async () => {
  browser = await sharedBrowser();
  nodes = (await runGraph(browser, graph, dir, 'audio', [...Object.values(FORMATS), HIGH, BROKEN, TRUNCATED, SANDWICH])).nodes;
});

afterAll(async () => {
  await browser?.close();
});

/** MD5 of a file's video packets: equal when the picture was copied, not re-encoded. */
function videoPacketsMd5(file: string): string {
  return execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-map', '0:v', '-c', 'copy', '-f', 'md5', '-'], { encoding: 'utf8' }).trim();
}

describe('Audio input', () => {
  it.each(Object.keys(FORMATS))('reads %s, giving its length, rate and channels', (id) => {
    const outcome = nodes[id]!;
    expect(outcome).toMatchObject({ state: 'done', meta: { kind: 'audio' } });
    console.log(`${id}: ${outcome.message} ${JSON.stringify(outcome.meta)}`);
    expect(Math.abs(Number(outcome.meta!.duration) - 1.5)).toBeLessThanOrEqual(0.06);
    expect([44100, 48000]).toContain(outcome.meta!.sampleRate);
  });

  it('names a broken file and says why, and only what depends on it stops', () => {
    expect(nodes.broken).toMatchObject({ state: 'failed' });
    console.log(`broken: ${nodes.broken!.error}`);
    expect(nodes.broken!.error).toMatch(/^"song\.mp3" \(audio\/mpeg, 760 bytes\) is not a readable WAV, MP3, OGG \(Opus or Vorbis\), FLAC or M4A \(AAC\) audio file: /);
    expect(nodes.fromBroken!.state).not.toBe('done');
    expect(nodes.truncated).toMatchObject({ state: 'failed', error: expect.stringMatching(/^"cut-short\.m4a" \(audio\/mp4, \d+ bytes\) is not a readable .* audio file: /) });
    console.log(`truncated: ${nodes.truncated!.error}`);
    expect(nodes.replace!.state).toBe('done');
  });
});

describe('Audio mux', () => {
  it('replaces the sound: H.264 copied bit for bit, AAC audio over the whole clip', () => {
    expect(nodes.replace).toMatchObject({ state: 'done', meta: { kind: 'video', mime: 'video/mp4', width: 320, height: 180, duration: 2, fps: 30, hasAudio: true } });
    const facts = probe(nodes.replace!.file!);
    const audio = probeAudio(nodes.replace!.file!);
    console.log(`replace: ${JSON.stringify(facts)} audio ${JSON.stringify(audio)}`);
    expect(facts.streams[0]).toMatchObject({ codec_name: 'h264', width: 320, height: 180, nb_read_frames: '60' });
    expect(audio).toMatchObject({ codec_name: 'aac', sample_rate: '48000', channels: 2 });
    expect(Math.abs(Number(audio!.duration) - 2)).toBeLessThanOrEqual(0.05);
    expect(videoPacketsMd5(nodes.replace!.file!)).toBe(videoPacketsMd5(nodes.motion!.file!));
  });

  it('loops a 1.5 s sound to the end of a 2 s clip, or leaves silence after it', () => {
    const looped = meanVolume(nodes.replace!.file!, 1.6, 1.9);
    const once = meanVolume(nodes.once!.file!, 1.6, 1.9);
    const during = meanVolume(nodes.once!.file!, 0.5, 1.2);
    console.log(`1.6..1.9 s: looped ${looped} dB, played once ${once} dB (${during} dB while it plays)`);
    expect(looped).toBeGreaterThan(during - 1);
    expect(once).toBeLessThan(-60);
  });

  it('starts the sound at its offset', () => {
    const before = meanVolume(nodes.late!.file!, 0, 0.9);
    const after = meanVolume(nodes.late!.file!, 1.1, 1.9);
    console.log(`offset 1 s: ${before} dB before, ${after} dB after`);
    expect(before).toBeLessThan(-60);
    expect(after).toBeGreaterThan(-25);
  });

  it('loops only the part of the sound that Skip and Length keep', () => {
    // The part kept is the 1 kHz middle of a 440 Hz / 1 kHz / 440 Hz sound, looped over 2 s.
    const file = nodes.part!.file!;
    const high = [0.1, 0.6, 1.1, 1.6].map((t) => meanVolume(file, t, t + 0.3, 'bandpass=f=1000:w=100'));
    const low = meanVolume(file, 0.1, 1.9, 'bandpass=f=440:w=100');
    console.log(`Skip 0.5 s, Length 0.5 s, looped: 1 kHz ${high.join(', ')} dB in 0.3 s windows; 440 Hz ${low} dB`);
    for (const level of high) expect(level).toBeGreaterThan(low + 20);
  });

  it('fades in from silence and out to silence', () => {
    const file = nodes.fades!.file!;
    const [start, middle, end] = [meanVolume(file, 0, 0.1), meanVolume(file, 0.8, 1.2), meanVolume(file, 1.9, 2)];
    console.log(`fades 0.5 s: first 0.1 s ${start} dB, middle ${middle} dB, last 0.1 s ${end} dB`);
    expect(middle - start).toBeGreaterThan(12);
    expect(middle - end).toBeGreaterThan(12);
  });

  it('mixes the clip sound at its gain with the added sound', () => {
    const file = nodes.mix!.file!;
    const source = meanVolume(nodes.replace!.file!, 0.2, 1.4, 'bandpass=f=440:w=100');
    const low = meanVolume(file, 0.2, 1.4, 'bandpass=f=440:w=100');
    const high = meanVolume(file, 0.2, 1.4, 'bandpass=f=1000:w=100');
    console.log(`mix: 440 Hz ${source} dB in the clip, ${low} dB after -12 dB clip gain; added 1 kHz ${high} dB`);
    expect(low - source).toBeGreaterThan(-13.5);
    expect(low - source).toBeLessThan(-10.5);
    expect(high).toBeGreaterThan(low + 6);
    expect(videoPacketsMd5(file)).toBe(videoPacketsMd5(nodes.motion!.file!));
  });

  it("keeps the clip's own sound, here faded out over the last second", () => {
    const file = nodes.keep!.file!;
    expect(probeAudio(file)).toMatchObject({ codec_name: 'aac' });
    const [middle, end] = [meanVolume(file, 0.3, 0.9), meanVolume(file, 1.9, 2)];
    console.log(`keep with fade out: ${middle} dB at 0.3..0.9 s, ${end} dB in the last 0.1 s`);
    expect(middle - end).toBeGreaterThan(15);
  });

  it('keeps a WebM clip in WebM: VP9 copied, sound mixed to Opus', () => {
    expect(nodes.webmMix).toMatchObject({ state: 'done', meta: { mime: 'video/webm', hasAudio: true } });
    const facts = probe(nodes.webmMix!.file!);
    expect(facts.format.format_name).toBe('matroska,webm');
    expect(facts.streams[0]).toMatchObject({ codec_name: 'vp9', nb_read_frames: '60' });
    expect(probeAudio(nodes.webmMix!.file!)).toMatchObject({ codec_name: 'opus' });
    expect(videoPacketsMd5(nodes.webmMix!.file!)).toBe(videoPacketsMd5(nodes.webm!.file!));
  });

  it('says what is missing: no sound to keep, no sound to mix', () => {
    expect(nodes.keepSilent).toMatchObject({ state: 'failed', error: expect.stringMatching(/no sound of its own to keep/) });
    expect(nodes.noSound).toMatchObject({ state: 'failed', error: expect.stringMatching(/Mix needs a sound: connect an Audio input/) });
  });
});

describe('Sound through Export and Trim', () => {
  it.each([
    ['webm', 'vp9', 'matroska,webm', 'opus'],
    ['mp4', 'h264', 'mov,mp4,m4a,3gp,3g2,mj2', 'aac'],
  ])('Export to %s keeps the sound (%s in %s, with %s)', (id, codec, container, sound) => {
    expect(nodes[id]).toMatchObject({ state: 'done', meta: { hasAudio: true, duration: 2 } });
    const facts = probe(nodes[id]!.file!);
    const audio = probeAudio(nodes[id]!.file!);
    console.log(`export ${id}: ${JSON.stringify(facts)} audio ${JSON.stringify(audio)}`);
    expect(facts.format.format_name).toBe(container);
    expect(facts.streams[0]).toMatchObject({ codec_name: codec, nb_read_frames: '60' });
    expect(audio).toMatchObject({ codec_name: sound, channels: 2 });
    expect(meanVolume(nodes[id]!.file!, 0.2, 1.4)).toBeGreaterThan(-25);
  });

  it.each(['trim', 'head'])('Trim (%s) cuts the sound with the picture', (id) => {
    expect(nodes[id]).toMatchObject({ state: 'done', meta: { hasAudio: true, duration: 1 } });
    const audio = probeAudio(nodes[id]!.file!);
    console.log(`${id} (${nodes[id]!.message}): audio ${JSON.stringify(audio)}`);
    expect(audio).toMatchObject({ codec_name: 'aac' });
    expect(Math.abs(Number(audio!.duration) - 1)).toBeLessThanOrEqual(0.05);
    expect(meanVolume(nodes[id]!.file!, 0.2, 0.8)).toBeGreaterThan(-25);
  });
});

describe('In the editor', () => {
  it('picks a sound file in an Audio input, runs it, and shows its waveform and player', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    const errors = watchErrors(page);
    try {
      await page.goto(inject('baseUrl'));
      await page.locator('[data-node-id="image"]').waitFor();
      await page.evaluate(() => {
        const { commands, documents } = (globalThis as any).stillmotion;
        commands.remove(documents.document.nodes.map((n: { id: string }) => n.id));
      });
      await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
      await page.locator('.react-flow__pane').dblclick({ position: { x: 20, y: 20 } });
      await page.keyboard.type('audio input');
      await page.keyboard.press('Enter');
      const node = page.locator('.react-flow__node.selected');
      await expect.poll(() => node.count()).toBe(1);
      await node.locator('input[type="file"]').setInputFiles(FORMATS.mp3.path);
      await expect.poll(() => node.locator('.asset-name').textContent()).toMatch(/^tone\.mp3/);
      await runAndWait(page, () => node.getByRole('button', { name: 'Run this node' }).click());
      expect(await node.locator('.node').getAttribute('data-state')).toBe('done');
      await node.locator('.audio-preview audio').waitFor();
      // The waveform has been drawn: some column of the canvas is painted.
      await expect.poll(() => node.locator('.audio-preview canvas').evaluate((c: HTMLCanvasElement) => c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data.some((v) => v > 0))).toBe(true);
      await screenshot(page, 'audio-input');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
