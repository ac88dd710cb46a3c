/**
 * Suite `upscale`: Lanczos-3 2x of 1080p frames (1920x1080 -> 3840x2160). Our WebGPU path and our
 * CPU path, each timed inside headless Chromium (bench/pages/upscale, built and served with Vite),
 * against native ffmpeg's lanczos on the same frames. Ours: median of RUNS after WARMUPS, pixels
 * in to pixels out (GPU upload and readback included), no sharpening, as ffmpeg does none.
 * Native: one ffmpeg process upscaling NATIVE_FRAMES raw frames, timed whole (start-up, reading
 * and writing the raw files included), median of NATIVE_REPEATS, divided by the frame count.
 *
 * Our CPU path runs on one thread (`cpu`) and split into row bands over one worker per core
 * (`cpu-workers`, what the Upscale nodes use); the bands give the very same pixels.
 *
 * Ratio `upscale_vs_native_lanczos` = our fastest path's ms/frame / native ms/frame (goal <= 1.5).
 * Next to it, `cpu_psnr_vs_native_db`: our CPU path's result on the first frame (computed in Node,
 * the same WebAssembly kernel the page runs) against native ffmpeg's, over the colour channels.
 * Also checks that the two paths agree at this size; exits non-zero, after reporting, if not.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, readSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GPU_CPU_MAX_DIFF, GPU_CPU_MEAN_DIFF } from '../../src/media/resample/lanczos-gpu';
import { resampleLanczos } from '../../src/media/resample/lanczos';
import { renderSampleScene } from '../../src/media/sample-scene';
import { psnrOf } from '../../src/metrics/psnr';
import { launch } from '../../src/cli/chromium';
import { report, type BenchResult } from '../lib/report';
import { servePage } from '../../test/browser/serve-page';
import { median, now, nsToMs, round } from '../lib/timing';
import type { Backend, Size, UpscaleBench } from '../pages/upscale/main';

const SIZE: Size = { width: 1920, height: 1080, targetWidth: 3840, targetHeight: 2160 };
const RUNS = 5;
const WARMUPS = 1;
const NATIVE_FRAMES = 10;
const NATIVE_REPEATS = 3;
const GOAL_RATIO = 1.5;
/** The Upscale node's default, so the agreement check covers the sharpen pass too. */
const AGREEMENT_SHARPEN = 0.2;

/** What the bench page puts on its global object. */
interface PageScope {
  upscaleBench: UpscaleBench;
}

interface BrowserTimes {
  adapter: string | null;
  /** Workers the pooled CPU path used: one per core Chromium reports. */
  threads: number;
  ms: Partial<Record<Backend, number>>;
  agreement?: { max: number; mean: number; differing: number };
}

async function measureBrowser(url: string): Promise<BrowserTimes> {
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForFunction(() => 'upscaleBench' in globalThis);
    const adapter = await page.evaluate(() => (globalThis as unknown as PageScope).upscaleBench.adapter());
    const threads = await page.evaluate(() => navigator.hardwareConcurrency);
    const backends: Backend[] = adapter === null ? ['cpu', 'cpu-workers'] : ['gpu', 'cpu', 'cpu-workers'];
    const ms: BrowserTimes['ms'] = {};
    for (const backend of backends) {
      const times = await page.evaluate(
        (a) => (globalThis as unknown as PageScope).upscaleBench.time(a.backend, a.size, a.runs, a.warmups),
        { backend, size: SIZE, runs: RUNS, warmups: WARMUPS },
      );
      ms[backend] = median(times);
      console.log(`${backend}: ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
    }
    if (adapter === null) return { adapter, threads, ms };
    const agreement = await page.evaluate((a) => (globalThis as unknown as PageScope).upscaleBench.agreement(a.size, a.sharpen), { size: SIZE, sharpen: AGREEMENT_SHARPEN });
    return { adapter, threads, ms, agreement };
  } finally {
    await browser.close();
  }
}

interface Native {
  msPerFrame: number;
  /** PSNR of our CPU path's first frame against ffmpeg's, colour channels only (alpha is 255 in both). */
  psnrDb: number;
}

/** ffmpeg's lanczos on NATIVE_FRAMES distinct frames in one process: ms per frame, and our PSNR against it. */
function measureNative(): Native {
  if (spawnSync('ffmpeg', ['-version']).status !== 0) throw new Error('ffmpeg is not on PATH: the native baseline cannot run (apt-get install ffmpeg)');
  const dir = mkdtempSync(join(tmpdir(), 'stillmotion-bench-ffmpeg-'));
  try {
    const input = join(dir, 'frames.rgba');
    const frames = Array.from({ length: NATIVE_FRAMES }, (_, i) => {
      const pixels = renderSampleScene(SIZE.width, SIZE.height, i + 1);
      return new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength);
    });
    writeFileSync(input, Buffer.concat(frames));
    const args = ['-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-s', `${SIZE.width}x${SIZE.height}`, '-i', input];
    args.push('-vf', `scale=${SIZE.targetWidth}:${SIZE.targetHeight}:flags=lanczos`, '-f', 'rawvideo', '-pix_fmt', 'rgba', '-y', join(dir, 'out.rgba'));
    const totals: number[] = [];
    for (let i = 0; i < NATIVE_REPEATS; i++) {
      const started = now();
      const run = spawnSync('ffmpeg', args, { encoding: 'utf8' });
      totals.push(nsToMs(now() - started));
      if (run.status !== 0) throw new Error(`ffmpeg failed: ${run.stderr}`);
    }
    const theirs = new Uint8Array(SIZE.targetWidth * SIZE.targetHeight * 4);
    const file = openSync(join(dir, 'out.rgba'), 'r');
    readSync(file, theirs, 0, theirs.length, 0);
    closeSync(file);
    const ours = resampleLanczos({ data: new Uint8ClampedArray(frames[0]!.buffer, frames[0]!.byteOffset, frames[0]!.byteLength), width: SIZE.width, height: SIZE.height }, SIZE.targetWidth, SIZE.targetHeight);
    return { msPerFrame: median(totals) / NATIVE_FRAMES, psnrDb: psnrOf(colourMse(ours.data, theirs)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Mean squared error of two RGBA8 images over R, G and B. */
function colourMse(a: Uint8ClampedArray, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i += 4) {
    for (let c = 0; c < 3; c++) sum += (a[i + c]! - b[i + c]!) ** 2;
  }
  return sum / ((a.length / 4) * 3);
}

async function main(): Promise<void> {
  // Other work on the machine slows every path; the load says how busy it was.
  const load = loadavg()[0]!;
  const native = measureNative();
  const served = await servePage(fileURLToPath(new URL('../pages/upscale/', import.meta.url)));
  let browser: BrowserTimes;
  try {
    browser = await measureBrowser(served.url);
  } finally {
    await served.close();
  }
  console.log(`WebGPU adapter: ${browser.adapter ?? 'none (GPU path not measured)'}`);

  const results: BenchResult[] = [];
  if (browser.ms.gpu !== undefined) results.push({ name: 'gpu_ms_per_frame', value: round(browser.ms.gpu, 1), unit: 'ms/frame' });
  results.push({ name: 'cpu_ms_per_frame', value: round(browser.ms.cpu!, 1), unit: 'ms/frame' });
  results.push({ name: 'cpu_workers_ms_per_frame', value: round(browser.ms['cpu-workers']!, 1), unit: 'ms/frame' });
  results.push({ name: 'cpu_workers_threads', value: browser.threads, unit: 'workers' });
  results.push({ name: 'load_average_1m_at_start', value: round(load, 2), unit: 'runnable tasks' });
  results.push({ name: 'native_ffmpeg_lanczos_ms_per_frame', value: round(native.msPerFrame, 1), unit: 'ms/frame' });
  results.push({ name: 'cpu_psnr_vs_native_db', value: round(native.psnrDb, 2), unit: 'dB' });
  if (browser.agreement) {
    results.push({ name: 'gpu_cpu_max_abs_diff', value: browser.agreement.max, unit: 'levels' });
    results.push({ name: 'gpu_cpu_mean_abs_diff', value: round(browser.agreement.mean, 6), unit: 'levels' });
    results.push({ name: 'gpu_cpu_differing_values', value: browser.agreement.differing, unit: `of ${SIZE.targetWidth * SIZE.targetHeight * 4}` });
  }
  const best = Math.min(...Object.values(browser.ms));
  const ratio = round(best / native.msPerFrame);
  report('upscale', results, { upscale_vs_native_lanczos: ratio });

  const fastest = Object.entries(browser.ms).find(([, ms]) => ms === best)![0];
  console.log(`\nupscale vs native goal <= ${GOAL_RATIO}: ${ratio <= GOAL_RATIO ? 'met' : 'NOT met'} (${fastest} path, ${ratio}x native, CPU path ${native.psnrDb.toFixed(2)} dB PSNR against native)`);
  const agreement = browser.agreement;
  if (agreement && (agreement.max > GPU_CPU_MAX_DIFF || agreement.mean >= GPU_CPU_MEAN_DIFF)) {
    console.error(`FAIL GPU and CPU disagree at ${SIZE.targetWidth}x${SIZE.targetHeight}: max ${agreement.max}, mean ${agreement.mean} (allowed max ${GPU_CPU_MAX_DIFF}, mean < ${GPU_CPU_MEAN_DIFF})`);
    process.exitCode = 1;
  }
}

await main();
