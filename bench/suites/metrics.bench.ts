/**
 * Suite `metrics`: SSIM (ffmpeg's, per plane and All) of 1080p I420 frame pairs. Our WebGPU path
 * and our CPU path, each timed inside headless Chromium (bench/pages/metrics, built and served
 * with Vite), against native `ffmpeg -lavfi ssim` on the same frames. Ours: median of RUNS after
 * WARMUPS, planes in to scores out. Native: one ffmpeg process comparing NATIVE_FRAMES raw pairs,
 * timed whole (start-up and reading the raw files included), median of NATIVE_REPEATS, divided
 * by the frame count.
 *
 * Ratio `ssim_vs_native_ffmpeg` = our faster path's ms/frame / native ms/frame (goal <= 1.5).
 * Also checks that both paths agree with each other and with ffmpeg's All on the same frames;
 * exits non-zero, after reporting, if not.
 *
 * Also the Compare node's whole per-frame analysis (TakeAnalyser: alignment, camera path, block
 * motion, colour, and the sampled detail, grain and blocking), in Node, as CPU time per frame over
 * TAKE_FRAMES frames of a pan across a Sample image scene, median of TAKE_REPEATS after a warm-up,
 * at 1080p and at 256x144.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { i420, plane, type PlanarFrame } from '../../src/metrics/frame';
import { TakeAnalyser } from '../../src/metrics/take';
import { ssimFrame } from '../../src/metrics/ssim';
import { GPU_CPU_SSIM_DIFF } from '../../src/metrics/ssim-gpu';
import { launch } from '../../src/cli/chromium';
import { report, type BenchResult } from '../lib/report';
import { fileURLToPath } from 'node:url';
import { servePage } from '../../test/browser/serve-page';
import { median, now, nsToMs, round } from '../lib/timing';
import { framePairBytes } from '../pages/metrics/frames';
import type { Backend, MetricsBench } from '../pages/metrics/main';

const WIDTH = 1920;
const HEIGHT = 1080;
const RUNS = 7;
const WARMUPS = 2;
const NATIVE_FRAMES = 30;
const NATIVE_REPEATS = 3;
const GOAL_RATIO = 1.5;
const FFMPEG_SSIM_DIFF = 1e-3;
const TAKE_FRAMES = 30;
const TAKE_REPEATS = 3;

interface PageScope {
  metricsBench: MetricsBench;
}

interface BrowserTimes {
  adapter: string | null;
  ms: Partial<Record<Backend, number>>;
  gpuCpuDiff?: number;
}

async function measureBrowser(url: string): Promise<BrowserTimes> {
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForFunction(() => 'metricsBench' in globalThis);
    const adapter = await page.evaluate(() => (globalThis as unknown as PageScope).metricsBench.adapter());
    const backends: Backend[] = adapter === null ? ['cpu'] : ['gpu', 'cpu'];
    const ms: BrowserTimes['ms'] = {};
    for (const backend of backends) {
      const times = await page.evaluate((a) => (globalThis as unknown as PageScope).metricsBench.time(a.backend, a.width, a.height, a.runs, a.warmups), { backend, width: WIDTH, height: HEIGHT, runs: RUNS, warmups: WARMUPS });
      ms[backend] = median(times);
      console.log(`${backend}: ${times.map((t) => t.toFixed(1)).join(', ')} ms`);
    }
    if (adapter === null) return { adapter, ms };
    const { gpu, cpu } = await page.evaluate((a) => (globalThis as unknown as PageScope).metricsBench.both(a.width, a.height, 1), { width: WIDTH, height: HEIGHT });
    const gpuCpuDiff = Math.max(Math.abs(gpu.all - cpu.all), ...gpu.planes.map((v, i) => Math.abs(v - cpu.planes[i]!)));
    return { adapter, ms, gpuCpuDiff };
  } finally {
    await browser.close();
  }
}

/** ffmpeg's ssim on NATIVE_FRAMES pairs in one process: ms per frame, and its All for pair 1. */
function measureNative(): { ms: number; firstAll: number } {
  if (spawnSync('ffmpeg', ['-version']).status !== 0) throw new Error('ffmpeg is not on PATH: the native baseline cannot run (apt-get install ffmpeg)');
  const dir = mkdtempSync(join(tmpdir(), 'stillmotion-bench-ssim-'));
  try {
    const files = { a: join(dir, 'a.yuv'), b: join(dir, 'b.yuv') };
    for (const which of ['a', 'b'] as const) {
      writeFileSync(files[which], Buffer.concat(Array.from({ length: NATIVE_FRAMES }, (_, i) => framePairBytes(WIDTH, HEIGHT, (i % 3) + 1, which))));
    }
    const raw = ['-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${WIDTH}x${HEIGHT}`];
    const stats = join(dir, 'ssim.log');
    const args = ['-v', 'error', ...raw, '-i', files.a, ...raw, '-i', files.b, '-lavfi', `ssim=stats_file=${stats}`, '-f', 'null', '-'];
    const totals: number[] = [];
    for (let i = 0; i < NATIVE_REPEATS; i++) {
      const started = now();
      const run = spawnSync('ffmpeg', args, { encoding: 'utf8' });
      totals.push(nsToMs(now() - started));
      if (run.status !== 0) throw new Error(`ffmpeg failed: ${run.stderr}`);
    }
    const firstAll = Number(/All:([\d.]+)/.exec(spawnSync('head', ['-1', stats], { encoding: 'utf8' }).stdout)?.[1]);
    return { ms: median(totals) / NATIVE_FRAMES, firstAll };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Frame `i` of a pan (2 px right, 1 px down a frame) across a scene, as views into one I420 picture. */
function panFrames(width: number, height: number): (i: number) => PlanarFrame {
  const [bw, bh] = [width + 2 * TAKE_FRAMES, height + TAKE_FRAMES];
  const bytes = framePairBytes(bw, bh, 1, 'a');
  const [cw, ch] = [bw / 2, bh / 2];
  return (i) => {
    const [x, y] = [2 * i, i - (i % 2)];
    const chroma = (offset: number) => plane(bytes.subarray(offset + (y / 2) * cw + x / 2), width / 2, height / 2, cw);
    return { planes: [plane(bytes.subarray(y * bw + x), width, height, bw), chroma(bw * bh), chroma(bw * bh + cw * ch)] };
  };
}

/** CPU milliseconds per frame of the Compare node's analysis of a take. */
function measureTakeAnalysis(width: number, height: number): number {
  const frame = panFrames(width, height);
  const times: number[] = [];
  for (let repeat = 0; repeat <= TAKE_REPEATS; repeat++) {
    const analyser = new TakeAnalyser();
    const started = process.cpuUsage();
    for (let i = 0; i < TAKE_FRAMES; i++) analyser.add(frame(i), i / 30);
    analyser.finish();
    const used = process.cpuUsage(started);
    if (repeat > 0) times.push((used.user + used.system) / 1000 / TAKE_FRAMES);
  }
  return median(times);
}

async function main(): Promise<void> {
  const native = measureNative();
  const ours = ssimFrame(i420(framePairBytes(WIDTH, HEIGHT, 1, 'a'), WIDTH, HEIGHT), i420(framePairBytes(WIDTH, HEIGHT, 1, 'b'), WIDTH, HEIGHT)).all;
  const served = await servePage(fileURLToPath(new URL('../pages/metrics/', import.meta.url)));
  let browser: BrowserTimes;
  try {
    browser = await measureBrowser(served.url);
  } finally {
    await served.close();
  }
  console.log(`WebGPU adapter: ${browser.adapter ?? 'none (GPU path not measured)'}`);

  const results: BenchResult[] = [];
  results.push({ name: 'take_analysis_1080p_ms_per_frame', value: round(measureTakeAnalysis(1920, 1080), 1), unit: 'ms/frame (CPU)' });
  results.push({ name: 'take_analysis_256x144_ms_per_frame', value: round(measureTakeAnalysis(256, 144), 1), unit: 'ms/frame (CPU)' });
  if (browser.ms.gpu !== undefined) results.push({ name: 'gpu_ms_per_frame', value: round(browser.ms.gpu, 1), unit: 'ms/frame' });
  results.push({ name: 'cpu_ms_per_frame', value: round(browser.ms.cpu!, 1), unit: 'ms/frame' });
  results.push({ name: 'native_ffmpeg_ssim_ms_per_frame', value: round(native.ms, 1), unit: 'ms/frame' });
  results.push({ name: 'cpu_vs_ffmpeg_all_abs_diff', value: Math.abs(ours - native.firstAll), unit: 'SSIM' });
  if (browser.gpuCpuDiff !== undefined) results.push({ name: 'gpu_cpu_max_abs_diff', value: browser.gpuCpuDiff, unit: 'SSIM' });
  const best = Math.min(...Object.values(browser.ms));
  const ratio = round(best / native.ms);
  report('metrics', results, { ssim_vs_native_ffmpeg: ratio });

  const fastest = Object.entries(browser.ms).find(([, ms]) => ms === best)![0];
  console.log(`\nssim vs native goal <= ${GOAL_RATIO}: ${ratio <= GOAL_RATIO ? 'met' : 'NOT met'} (${fastest} path, ${ratio}x native)`);
  if (Math.abs(ours - native.firstAll) > FFMPEG_SSIM_DIFF) {
    console.error(`FAIL our SSIM ${ours} differs from ffmpeg's ${native.firstAll} by more than ${FFMPEG_SSIM_DIFF}`);
    process.exitCode = 1;
  }
  if (browser.gpuCpuDiff !== undefined && browser.gpuCpuDiff > GPU_CPU_SSIM_DIFF) {
    console.error(`FAIL GPU and CPU SSIM differ by ${browser.gpuCpuDiff} (allowed ${GPU_CPU_SSIM_DIFF})`);
    process.exitCode = 1;
  }
}

await main();
