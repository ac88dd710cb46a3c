/**
 * Suite `generator`: how long the Local motion node takes to make 5 s of video from one image,
 * run through the built app's engine worker in headless Chromium, against native ffmpeg doing a
 * comparable push in on the same machine.
 *
 * The document is Sample image (16:9, seed 7, as tall as the video) -> Local motion (push in,
 * intensity 0.5 = zoom 1 -> 1.25, linear, 5 s, 30 fps, no handheld), in three configurations:
 * - depth, CPU: the node's defaults (depth parallax 0.5) rendered by the CPU path, which is what
 *   Auto picks here (WebGPU is SwiftShader, a CPU fallback);
 * - depth, WebGPU: the same on the WGSL path (SwiftShader on this machine);
 * - flat: a version-1 node (no parallax), drawn by Canvas 2D drawImage, as before depth existed.
 * The time is the Local motion node's own `ms` from its 'done' event: depth estimate, rendering
 * every frame, H.264 encoding by WebCodecs, muxing, hashing the MP4 and storing it in the output
 * cache (the Sample image node is not counted). Each run is on a fresh browser context, so
 * nothing comes from a cache; the median of REPEATS runs is reported.
 *
 * Baseline: native ffmpeg (libx264 veryfast) doing a zoompan push in 1 -> 1.25 over 150 frames
 * of the same sample image exported as PNG, median of REPEATS runs.
 *
 * Ratios: `generator_s_per_video_s_1080p` = seconds of compute per second of video for the
 * default configuration (depth, CPU here; below 1 is faster than real time), with
 * `_webgpu_`, `_cpu_` and `_flat_` variants; `local_motion_vs_native_zoompan_1080p` = default
 * configuration time / ffmpeg time.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
const DURATION_S = 5;
const FPS = 30;
const FRAMES = DURATION_S * FPS;
const RESOLUTIONS = { '1080p': { width: 1920, height: 1080 }, '720p': { width: 1280, height: 720 } } as const;
type Resolution = keyof typeof RESOLUTIONS;

const CONFIGS = {
  'depth-cpu-1080p': { resolution: '1080p', version: 2, params: { renderer: 'cpu' } },
  'depth-webgpu-1080p': { resolution: '1080p', version: 2, params: { renderer: 'gpu' } },
  'flat-1080p': { resolution: '1080p', version: 1, params: {} },
  'flat-720p': { resolution: '720p', version: 1, params: {} },
} as const satisfies Record<string, { resolution: Resolution; version: number; params: Record<string, unknown> }>;
type Config = keyof typeof CONFIGS;

function document(config: Config): WorkflowDocument {
  const { resolution, version, params } = CONFIGS[config];
  const doc = motionGraph(`bench-generator-${config}`, {
    image: { height: RESOLUTIONS[resolution].height },
    motion: { easing: 'linear', duration: DURATION_S, fps: String(FPS), resolution, ...params },
  });
  // Version 1 loads with parallax 0 (flat); version 2 takes the node's defaults (parallax 0.5).
  doc.nodes[1]!.version = version;
  return doc;
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
    const seconds: Partial<Record<Config, number>> = {};
    let webgpu = '';
    let png1080 = '';
    for (const config of Object.keys(CONFIGS) as Config[]) {
      const { resolution } = CONFIGS[config];
      const times: number[] = [];
      for (let r = 0; r < REPEATS; r++) {
        const outcome = await runOnce(browser, app.url, document(config), r === 0);
        webgpu = outcome.webgpu;
        if (outcome.status !== 'done' || outcome.motionState !== 'done' || outcome.motionMs === null) {
          throw new Error(`${config} run ${r}: run ${outcome.status}, Local motion ${outcome.motionState}${outcome.error ? `: ${outcome.error}` : ''}`);
        }
        times.push(outcome.motionMs);
        console.log(`${config} run ${r + 1}/${REPEATS}: Local motion ${round(outcome.motionMs / 1000, 3)} s`);
        if (outcome.video) {
          // Correctness check: the timed output is what was asked for, every frame present.
          const file = join(dir, `${config}.mp4`);
          writeFileSync(file, Buffer.from(outcome.video, 'base64'));
          const { width, height } = RESOLUTIONS[resolution];
          const facts = probeFrames(file);
          console.log(`${config} output: ${JSON.stringify(facts)}`);
          if (facts.codec !== 'h264' || facts.width !== width || facts.height !== height || facts.frames !== FRAMES) {
            console.error(`${config}: expected h264 ${width}x${height} with ${FRAMES} frames`);
            failed = true;
          }
          if (resolution === '1080p' && !png1080) {
            png1080 = join(dir, 'sample-1080.png');
            writeFileSync(png1080, Buffer.from(outcome.image!, 'base64'));
          }
        }
      }
      seconds[config] = median(times) / 1000;
    }

    const nativeMs: number[] = [];
    for (let r = 0; r < REPEATS; r++) nativeMs.push(nativeZoompan(png1080, join(dir, `zoompan-${r}.mp4`)));
    const zoompanFacts = probeFrames(join(dir, 'zoompan-0.mp4'));
    console.log(`native ffmpeg zoompan output: ${JSON.stringify(zoompanFacts)}; runs ${nativeMs.map((ms) => round(ms / 1000, 3)).join(', ')} s`);
    const native = median(nativeMs) / 1000;

    const t = seconds as Record<Config, number>;
    const results: BenchResult[] = [];
    for (const config of Object.keys(CONFIGS) as Config[]) {
      results.push({ name: `local_motion_${config.replaceAll('-', '_')}_5s_s`, value: round(t[config], 3), unit: 's' });
      results.push({ name: `local_motion_${config.replaceAll('-', '_')}_fps`, value: round(FRAMES / t[config], 2), unit: 'frames/s' });
    }
    results.push({ name: 'native_ffmpeg_zoompan_1080p30_5s_s', value: round(native, 3), unit: 's' });
    results.push({ name: 'native_ffmpeg_zoompan_1080p30_fps', value: round(FRAMES / native, 2), unit: 'frames/s' });
    const perVideoSecond = (config: Config) => round(t[config] / DURATION_S, 3);
    report('generator', results, {
      generator_s_per_video_s_1080p: perVideoSecond('depth-cpu-1080p'),
      generator_cpu_s_per_video_s_1080p: perVideoSecond('depth-cpu-1080p'),
      generator_webgpu_s_per_video_s_1080p: perVideoSecond('depth-webgpu-1080p'),
      generator_flat_s_per_video_s_1080p: perVideoSecond('flat-1080p'),
      generator_flat_s_per_video_s_720p: perVideoSecond('flat-720p'),
      local_motion_vs_native_zoompan_1080p: round(t['depth-cpu-1080p'] / native, 3),
    });
    console.log(
      [
        '',
        `paths: depth (parallax 0.5) on the CPU path and on WebGPU; flat = Canvas 2D drawImage. WebGPU in this browser: ${webgpu}.`,
        'times: the Local motion node alone (depth estimate + render + WebCodecs H.264 encode + mux + SHA-256 + output cache write),',
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
