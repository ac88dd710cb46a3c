/**
 * Suite `audio`: the sound and editing nodes at 720p, run through the built app's engine worker
 * in headless Chromium, against native ffmpeg doing the same job on the same machine.
 *
 * - Audio mux: a 10 s Local motion clip (720p30) given a 3 s 440 Hz WAV tone, looped, with 1 s
 *   fades; the picture is copied and the sound mixed and encoded to Opus. Baseline: ffmpeg
 *   `-stream_loop -1`, `afade`, `-c:v copy -c:a libopus`.
 * - Concat: two 3 s 720p30 clips with a 0.5 s crossfade (165 frames decoded, blended, encoded
 *   to H.264 by WebCodecs). Baseline: ffmpeg `xfade` + libx264 veryfast.
 *
 * Times are each node's own `ms` from its 'done' event (hashing and caching included; the
 * upstream nodes are not counted), median of REPEATS runs on fresh browser contexts. The first
 * run's outputs are checked with ffprobe (streams, frame count) before anything is reported.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { WorkflowDocument } from '../../src/engine';
import { launch } from '../../src/cli/chromium';
import { motionGraph } from '../../test/browser/graphs';
import { serveApp } from '../../test/browser/serve-app';
import { report, type BenchResult } from '../lib/report';
import { median, now, nsToMs, round } from '../lib/timing';

const REPEATS = 3;
const MUX_SECONDS = 10;
const CLIP_SECONDS = 3;
const CROSSFADE = 0.5;
const CONCAT_FRAMES = Math.round((2 * CLIP_SECONDS - CROSSFADE) * 30);

const wire = (source: string, target: string, targetPort: string, sourcePort = 'video') => ({ id: `${source}-${target}-${targetPort}-${Math.random()}`, source, sourcePort, target, targetPort });

function muxDocument(tone: { hash: string; name: string; mime: string; size: number }): WorkflowDocument {
  return motionGraph('bench-audio-mux', {
    image: { height: 720 },
    motion: { resolution: '720p', duration: MUX_SECONDS, easing: 'linear' },
    nodes: [
      { id: 'tone', type: 'audio.input', version: 1, position: { x: 0, y: 400 }, params: { file: tone } },
      { id: 'node', type: 'audio.mux', version: 1, position: { x: 800, y: 0 }, params: { mode: 'replace', loop: true, fadeIn: 1, fadeOut: 1 } },
    ],
    edges: [wire('motion', 'node', 'video'), wire('tone', 'node', 'audio', 'audio')],
  });
}

function concatDocument(): WorkflowDocument {
  return motionGraph('bench-audio-concat', {
    image: { height: 720 },
    motion: { resolution: '720p', duration: CLIP_SECONDS, easing: 'linear' },
    nodes: [{ id: 'node', type: 'video.concat', version: 1, position: { x: 800, y: 0 }, params: { crossfade: CROSSFADE } }],
    edges: [wire('motion', 'node', 'clips'), wire('motion', 'node', 'clips')],
  });
}

interface RunOutcome {
  state: string;
  ms: number | null;
  error?: string;
  /** base64 of the node's video and of the Local motion clip, first run only. */
  video?: string;
  source?: string;
}

/** One run of `doc` on a fresh context, `files` stored first; returns node `node`'s own time. */
async function runOnce(browser: Browser, url: string, doc: WorkflowDocument, files: { name: string; mime: string; data: string }[], keep: boolean): Promise<RunOutcome> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    // tsx compiles with keepNames, which wraps functions passed to evaluate() in __name().
    await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
    await page.goto(url);
    await page.waitForFunction(() => Boolean((globalThis as any).stillmotion?.engine));
    return await page.evaluate(
      async ({ doc, files, keep }) => {
        const { engine } = (globalThis as any).stillmotion;
        for (const { name, mime, data } of files) await engine.putAsset(new Blob([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], { type: mime }), name);
        const base64 = async (blob: Blob) => {
          const bytes = new Uint8Array(await blob.arrayBuffer());
          let text = '';
          for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
          return btoa(text);
        };
        let ms: number | null = null;
        const summary = await engine.run(doc, {
          onEvents(events: any[]) {
            for (const e of events) if (e.type === 'node' && e.nodeId === 'node' && e.state === 'done') ms = e.ms;
          },
        }).done;
        const node = summary.nodes.node;
        const out: any = { state: node?.state, ms, ...(node?.error ? { error: node.error } : {}) };
        if (keep && node?.outputs?.video) {
          out.video = await base64(node.outputs.video.blob);
          out.source = await base64(summary.nodes.motion.outputs.video.blob);
        }
        return out as RunOutcome;
      },
      { doc, files, keep },
    );
  } finally {
    await context.close();
  }
}

function streams(file: string): { codec_type: string; codec_name: string; nb_read_frames?: string }[] {
  const args = ['-v', 'error', '-count_frames', '-show_entries', 'stream=codec_type,codec_name,nb_read_frames', '-of', 'json', file];
  return JSON.parse(execFileSync('ffprobe', args, { encoding: 'utf8' })).streams;
}

function timed(args: string[]): number {
  const started = now();
  const { status, stderr } = spawnSync('ffmpeg', ['-v', 'error', '-y', ...args], { encoding: 'utf8' });
  if (status !== 0) throw new Error(`ffmpeg failed (${status}):\n${stderr}`);
  return nsToMs(now() - started);
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'stillmotion-bench-audio-'));
  const tonePath = join(dir, 'tone.wav');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=3:sample_rate=48000', '-ac', '2', '-c:a', 'pcm_s16le', tonePath]);
  const toneBytes = readFileSync(tonePath);
  const tone = { hash: createHash('sha256').update(toneBytes).digest('hex'), name: 'tone.wav', mime: 'audio/wav', size: toneBytes.length };
  const files = [{ name: tone.name, mime: tone.mime, data: toneBytes.toString('base64') }];
  const app = await serveApp();
  const browser = await launch();
  let failed = false;
  const check = (ok: boolean, what: string) => {
    if (!ok) {
      console.error(`check failed: ${what}`);
      failed = true;
    }
  };
  try {
    const jobs = { mux: { doc: muxDocument(tone), files }, concat: { doc: concatDocument(), files: [] } };
    const seconds: Record<string, number> = {};
    const sources: Record<string, string> = {};
    for (const [job, { doc, files: assets }] of Object.entries(jobs)) {
      const times: number[] = [];
      for (let r = 0; r < REPEATS; r++) {
        const outcome = await runOnce(browser, app.url, doc, assets, r === 0);
        if (outcome.state !== 'done' || outcome.ms === null) throw new Error(`${job} run ${r}: ${outcome.state}${outcome.error ? `: ${outcome.error}` : ''}`);
        times.push(outcome.ms);
        console.log(`${job} run ${r + 1}/${REPEATS}: ${round(outcome.ms / 1000, 3)} s`);
        if (outcome.video) {
          const file = join(dir, `${job}.mp4`);
          writeFileSync(file, Buffer.from(outcome.video, 'base64'));
          sources[job] = join(dir, `${job}-source.mp4`);
          writeFileSync(sources[job], Buffer.from(outcome.source!, 'base64'));
          const facts = streams(file);
          console.log(`${job} output: ${JSON.stringify(facts)}`);
          const video = facts.find((s) => s.codec_type === 'video');
          check(video?.codec_name === 'h264' && video.nb_read_frames === String(job === 'mux' ? MUX_SECONDS * 30 : CONCAT_FRAMES), `${job}: H.264 with every frame`);
          check(facts.some((s) => s.codec_type === 'audio' && s.codec_name === 'opus') || job === 'concat', `${job}: Opus sound`);
        }
      }
      seconds[job] = median(times) / 1000;
    }

    const nativeMux = median(Array.from({ length: REPEATS }, (_, r) =>
      timed(['-i', sources.mux!, '-stream_loop', '-1', '-i', tonePath, '-map', '0:v', '-map', '1:a', '-t', String(MUX_SECONDS), '-af', `afade=in:d=1,afade=out:st=${MUX_SECONDS - 1}:d=1`, '-c:v', 'copy', '-c:a', 'libopus', '-b:a', '128k', join(dir, `native-mux-${r}.mp4`)]),
    )) / 1000;
    const nativeConcat = median(Array.from({ length: REPEATS }, (_, r) =>
      timed(['-i', sources.concat!, '-i', sources.concat!, '-filter_complex', `[0][1]xfade=transition=fade:duration=${CROSSFADE}:offset=${CLIP_SECONDS - CROSSFADE},format=yuv420p`, '-c:v', 'libx264', '-preset', 'veryfast', join(dir, `native-concat-${r}.mp4`)]),
    )) / 1000;
    check(streams(join(dir, 'native-concat-0.mp4'))[0]?.nb_read_frames === String(CONCAT_FRAMES), 'native concat frame count');

    const results: BenchResult[] = [
      { name: 'audio_mux_720p30_10s_s', value: round(seconds.mux!, 3), unit: 's' },
      { name: 'native_ffmpeg_mux_opus_10s_s', value: round(nativeMux, 3), unit: 's' },
      { name: 'concat_720p30_crossfade_165f_s', value: round(seconds.concat!, 3), unit: 's' },
      { name: 'concat_720p30_fps', value: round(CONCAT_FRAMES / seconds.concat!, 2), unit: 'frames/s' },
      { name: 'native_ffmpeg_xfade_x264_veryfast_165f_s', value: round(nativeConcat, 3), unit: 's' },
    ];
    report('audio', results, {
      audio_mux_s_per_video_s: round(seconds.mux! / MUX_SECONDS, 4),
      audio_mux_vs_native: round(seconds.mux! / nativeMux, 3),
      concat_vs_native_xfade: round(seconds.concat! / nativeConcat, 3),
    });
  } finally {
    await browser.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
  if (failed) process.exitCode = 1;
}

await main();
