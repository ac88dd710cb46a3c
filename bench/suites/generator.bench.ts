/**
 * Suite `generator`: how long the Local motion node takes to make 5 s of video from one image,
 * run through the built app's engine worker in headless Chromium, against native ffmpeg doing a
 * comparable push in on the same machine.
 *
 * The document is Sample image (16:9, seed 7, as tall as the video) -> Local motion (push in,
 * intensity 0.5 = zoom 1 -> 1.25, linear, 5 s, 30 fps, no handheld). The time is the Local
 * motion node's own `ms` from its 'done' event: rendering every frame, H.264 encoding by
 * WebCodecs, muxing, hashing the MP4 and storing it in the output cache (the Sample image node
 * is not counted). Each run is on a fresh browser context, so nothing comes from a cache; the
 * median of REPEATS runs is reported.
 *
 * Paths: Local motion has one rendering path today, Canvas 2D drawImage on an OffscreenCanvas in
 * the worker (the "CPU path"; Chromium decides how it rasterises). It has no WebGPU path yet, so
 * there is no WebGPU number to report; the suite says so and prints what WebGPU adapter the page
 * would get (SwiftShader here) for when one exists.
 *
 * Baseline: native ffmpeg (libx264 veryfast) doing a zoompan push in 1 -> 1.25 over 150 frames
 * of the same sample image exported as PNG, median of REPEATS runs.
 *
 * Ratios: `generator_s_per_video_s_<res>` = seconds of compute per second of video (below 1 is
 * faster than real time); `local_motion_vs_native_zoompan_1080p` = app time / ffmpeg time.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { WorkflowDocument } from '../../src/engine';
import { launch } from '../../test/browser/chromium';
import { motionGraph } from '../../test/browser/graphs';
import { serveApp } from '../../test/browser/serve-app';
import { report, type BenchResult } from '../lib/report';
import { median, now, nsToMs, round } from '../lib/timing';

const REPEATS = 3;
const DURATION_S = 5;
const FPS = 30;
const FRAMES = DURATION_S * FPS;
const RESOLUTIONS = { '1080p': { width: 1920, height: 1080 }, '720p': { width: 1280, height: 720 } } as const;
type Resolution = keyof typeof RESOLUTIONS;

function document(resolution: Resolution): WorkflowDocument {
  return motionGraph(`bench-generator-${resolution}`, {
    image: { height: RESOLUTIONS[resolution].height },
    motion: { easing: 'linear', duration: DURATION_S, fps: String(FPS), resolution },
  });
}

interface RunOutcome {
  status: string;
  motionState: string;
  motionMs: number | null;
  error?: string;
  meta?: Record<string, unknown>;
  /** base64, only when asked for. */
  video?: string;
  image?: string;
  webgpu: string;
}

/** One run of `doc` on a fresh context and page; returns the Local motion node's own time. */
async function runOnce(browser: Browser, url: string, doc: WorkflowDocument, keepFiles: boolean): Promise<RunOutcome> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    // tsx compiles with keepNames, which wraps functions passed to evaluate() in __name().
    await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
    await page.goto(url);
    // A function, not a string: the app's CSP forbids eval.
    await page.waitForFunction(() => Boolean((globalThis as any).stillmotion?.engine));
    return await page.evaluate(
      async ({ doc, keepFiles }) => {
        const { engine } = (globalThis as any).stillmotion;
        const base64 = async (blob: Blob) => {
          const bytes = new Uint8Array(await blob.arrayBuffer());
          let text = '';
          for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
          return btoa(text);
        };
        let webgpu = 'navigator.gpu absent';
        const gpu = (navigator as any).gpu;
        if (gpu) {
          const adapter = await gpu.requestAdapter().catch(() => null);
          const info = adapter?.info;
          webgpu = adapter ? `adapter: ${[info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' / ') || 'unnamed'}` : 'no adapter';
        }
        let motionMs: number | null = null;
        const summary = await engine.run(doc, {
          onEvents(events: any[]) {
            for (const e of events) if (e.type === 'node' && e.nodeId === 'motion' && e.state === 'done') motionMs = e.ms;
          },
        }).done;
        const motion = summary.nodes.motion;
        const video = motion?.outputs?.video;
        const { blob: _blob, ...meta } = video ?? {};
        const out: any = { status: summary.status, motionState: motion?.state, motionMs, webgpu, ...(motion?.error ? { error: motion.error } : {}), ...(video ? { meta } : {}) };
        if (keepFiles && video) {
          out.video = await base64(video.blob);
          out.image = await base64(summary.nodes.image.outputs.image.blob);
        }
        return out as RunOutcome;
      },
      { doc, keepFiles },
    );
  } finally {
    await context.close();
  }
}

function probeFrames(file: string): { width: number; height: number; frames: number; codec: string } {
  const args = ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames,codec_name,width,height', '-of', 'json', file];
  const s = JSON.parse(execFileSync('ffprobe', args, { encoding: 'utf8' })).streams[0];
  return { width: s.width, height: s.height, frames: Number(s.nb_read_frames), codec: s.codec_name };
}

/** Native ffmpeg zoompan push in over `png`, 1080p30, 150 frames; returns wall milliseconds. */
function nativeZoompan(png: string, out: string): number {
  const args = ['-v', 'error', '-y', '-loop', '1', '-i', png, '-vf', `zoompan=z='1+0.25*on/${FRAMES}':d=${FRAMES}:s=1920x1080:fps=${FPS}`, '-frames:v', String(FRAMES), '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', out];
  const started = now();
  const { status, stderr } = spawnSync('ffmpeg', args, { encoding: 'utf8' });
  const ms = nsToMs(now() - started);
  if (status !== 0) throw new Error(`ffmpeg zoompan failed (${status}):\n${stderr}`);
  return ms;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'stillmotion-bench-generator-'));
  const app = await serveApp();
  const browser = await launch();
  let failed = false;
  try {
    const seconds: Partial<Record<Resolution, number>> = {};
    let webgpu = '';
    let png1080 = '';
    for (const resolution of Object.keys(RESOLUTIONS) as Resolution[]) {
      const times: number[] = [];
      for (let r = 0; r < REPEATS; r++) {
        const outcome = await runOnce(browser, app.url, document(resolution), r === 0);
        webgpu = outcome.webgpu;
        if (outcome.status !== 'done' || outcome.motionState !== 'done' || outcome.motionMs === null) {
          throw new Error(`${resolution} run ${r}: run ${outcome.status}, Local motion ${outcome.motionState}${outcome.error ? `: ${outcome.error}` : ''}`);
        }
        times.push(outcome.motionMs);
        console.log(`${resolution} run ${r + 1}/${REPEATS}: Local motion ${round(outcome.motionMs / 1000, 3)} s`);
        if (outcome.video) {
          // Correctness check: the timed output is what was asked for, every frame present.
          const file = join(dir, `${resolution}.mp4`);
          writeFileSync(file, Buffer.from(outcome.video, 'base64'));
          const { width, height } = RESOLUTIONS[resolution];
          const facts = probeFrames(file);
          console.log(`${resolution} output: ${JSON.stringify(facts)}`);
          if (facts.codec !== 'h264' || facts.width !== width || facts.height !== height || facts.frames !== FRAMES) {
            console.error(`${resolution}: expected h264 ${width}x${height} with ${FRAMES} frames`);
            failed = true;
          }
          if (resolution === '1080p') {
            png1080 = join(dir, 'sample-1080.png');
            writeFileSync(png1080, Buffer.from(outcome.image!, 'base64'));
          }
        }
      }
      seconds[resolution] = median(times) / 1000;
    }

    const nativeMs: number[] = [];
    for (let r = 0; r < REPEATS; r++) nativeMs.push(nativeZoompan(png1080, join(dir, `zoompan-${r}.mp4`)));
    const zoompanFacts = probeFrames(join(dir, 'zoompan-0.mp4'));
    console.log(`native ffmpeg zoompan output: ${JSON.stringify(zoompanFacts)}; runs ${nativeMs.map((ms) => round(ms / 1000, 3)).join(', ')} s`);
    const native = median(nativeMs) / 1000;

    const s1080 = seconds['1080p']!;
    const s720 = seconds['720p']!;
    const results: BenchResult[] = [
      { name: 'local_motion_1080p30_5s_s', value: round(s1080, 3), unit: 's' },
      { name: 'local_motion_1080p30_fps', value: round(FRAMES / s1080, 2), unit: 'frames/s' },
      { name: 'local_motion_720p30_5s_s', value: round(s720, 3), unit: 's' },
      { name: 'local_motion_720p30_fps', value: round(FRAMES / s720, 2), unit: 'frames/s' },
      { name: 'native_ffmpeg_zoompan_1080p30_5s_s', value: round(native, 3), unit: 's' },
      { name: 'native_ffmpeg_zoompan_1080p30_fps', value: round(FRAMES / native, 2), unit: 'frames/s' },
    ];
    report('generator', results, {
      generator_s_per_video_s_1080p: round(s1080 / DURATION_S, 3),
      generator_s_per_video_s_720p: round(s720 / DURATION_S, 3),
      local_motion_vs_native_zoompan_1080p: round(s1080 / native, 3),
    });
    console.log(
      [
        '',
        'paths: Local motion has only a Canvas 2D path (drawImage on an OffscreenCanvas in the engine worker), timed above.',
        `       It has no WebGPU path yet, so no WebGPU time is reported. WebGPU in this browser: ${webgpu}.`,
        'times: the Local motion node alone (render + WebCodecs H.264 encode + mux + SHA-256 + output cache write),',
        `       median of ${REPEATS}, each on a fresh browser context; the Sample image node is not counted.`,
        `baseline: native ffmpeg zoompan (zoom 1 -> 1.25, top-left anchored as zoompan defaults) + libx264 veryfast, ${REPEATS} runs, median.`,
      ].join('\n'),
    );
  } finally {
    await browser.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
  if (failed) process.exitCode = 1;
}

await main();
