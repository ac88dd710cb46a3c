/**
 * Suite `gpu`: the project's WGSL paths on a real GPU, through Dawn in Node (the `webgpu` npm
 * package), against their CPU references: Lanczos 1080p -> 4K, SSIM on a 1080p frame pair, the
 * depth parallax renderer at 1080p, and the live preview's paths at 640x360 (Local motion's depth
 * frames from their working source, as a playing preview draws each frame; Upscale's 2x centre
 * strip, as a change of its params redraws it). Each reports milliseconds per frame (upload and readback
 * included, after warm-up; median of repeats) and how far its output is from the CPU's.
 *
 * Dawn is 130 MB for every platform, so it is not one of the project's dependencies: the suite
 * installs it into bench/.gpu (ignored by git) on first use. Where no hardware adapter is found
 * (this machine's CI: no Vulkan device) it says so and writes nothing. Run it where a GPU is:
 * `npm run bench gpu`. On a machine with a GPU but no Node or npm, bundle it
 * (`npx esbuild bench/suites/gpu.bench.ts --bundle --platform=node --format=esm`), and carry a
 * Node binary, bench/.gpu's webgpu (index.js, package.json, dist/linux-x64/dawn.node) and the
 * Vulkan loader (libvulkan1); results/gpu.json lands beside the bundle's folder.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { estimateDepth } from '../../src/media/depth/estimate-depth';
import { DEPTH_INPUT_SIDE, depthFrames, framePoses, workingSize } from '../../src/media/motion/painter';
import { depthLimit, framePose, renderFrameCpu, type MotionSpec } from '../../src/media/motion/parallax';
import { createParallaxGpu } from '../../src/media/motion/parallax-gpu';
import { resampleLanczos, type RgbaImage } from '../../src/media/resample/lanczos';
import { gpuDevice } from '../../src/media/gpu';
import { resampleLanczosGpu } from '../../src/media/resample/lanczos-gpu';
import { upscaleStrip } from '../../src/media/preview/upscale';
import { renderSampleScene } from '../../src/media/sample-scene';
import { i420 } from '../../src/metrics/frame';
import { ssimFrame } from '../../src/metrics/ssim';
import { ssimFrameGpu } from '../../src/metrics/ssim-gpu';
import { report, type BenchResult } from '../lib/report';
import { median, now, nsToMs, round } from '../lib/timing';

const DAWN = 'webgpu@0.6.2';
const DAWN_DIR = join(process.cwd(), 'bench', '.gpu');
const REPEATS = 9;

/** Dawn's Node binding, installed beside the project on first use. */
async function dawn(): Promise<{ create: (flags: string[]) => GPU; globals: Record<string, unknown> }> {
  const entry = join(DAWN_DIR, 'node_modules', 'webgpu', 'index.js');
  if (!existsSync(entry)) {
    console.log(`installing ${DAWN} into bench/.gpu (once)`);
    execFileSync('npm', ['install', '--prefix', DAWN_DIR, '--no-save', '--no-audit', '--no-fund', DAWN], { stdio: 'inherit' });
  }
  return import(pathToFileURL(entry).href);
}

async function timed(run: () => Promise<unknown> | unknown): Promise<number> {
  await run();
  await run();
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const start = now();
    await run();
    times.push(nsToMs(now() - start));
  }
  return median(times);
}

function differences(a: Uint8ClampedArray, b: Uint8ClampedArray): { max: number; mean: number } {
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (d > max) max = d;
    sum += d;
  }
  return { max, mean: sum / a.length };
}

/** I420 planes of an RGBA picture (BT.601 luma, box-filtered chroma), for SSIM. */
function toI420(image: RgbaImage): Uint8Array {
  const { width, height, data } = image;
  const out = new Uint8Array(width * height * 1.5);
  for (let i = 0; i < width * height; i++) out[i] = Math.round(0.299 * data[i * 4]! + 0.587 * data[i * 4 + 1]! + 0.114 * data[i * 4 + 2]!);
  const cw = width / 2;
  for (let y = 0; y < height / 2; y++) {
    for (let x = 0; x < cw; x++) {
      const p = (2 * y * width + 2 * x) * 4;
      out[width * height + y * cw + x] = Math.round(128 - 0.169 * data[p]! - 0.331 * data[p + 1]! + 0.5 * data[p + 2]!);
      out[width * height * 1.25 + y * cw + x] = Math.round(128 + 0.5 * data[p]! - 0.419 * data[p + 1]! - 0.081 * data[p + 2]!);
    }
  }
  return out;
}

const { create, globals } = await dawn();
Object.assign(globalThis, globals);
Object.defineProperty(globalThis, 'navigator', { value: { gpu: create([]) }, configurable: true });
const adapter = await navigator.gpu.requestAdapter();
const device = await gpuDevice();
if (!adapter || !device || adapter.info.isFallbackAdapter) {
  console.log('gpu: no hardware GPU adapter found through Dawn (Vulkan); nothing measured. Run this suite where a GPU is present.');
  process.exit(0);
}
const info = adapter.info;
const name = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' / ');
console.log(`adapter: ${name}`);
/** Every GPU figure says which GPU it ran on. */
const on = `on ${name} (Dawn, Node)`;

const results: BenchResult[] = [];
const source: RgbaImage = { data: renderSampleScene(1920, 1080, 7), width: 1920, height: 1080 };

// Lanczos 1080p -> 4K.
const cpuStart = now();
const cpu4k = resampleLanczos(source, 3840, 2160);
const lanczosCpuMs = nsToMs(now() - cpuStart);
const gpu4k = await resampleLanczosGpu(source, 3840, 2160);
const lanczos = differences(cpu4k.data, gpu4k.data);
results.push(
  { name: 'lanczos_1080p_to_4k_gpu_ms', value: round(await timed(() => resampleLanczosGpu(source, 3840, 2160))), unit: `ms/frame ${on} (median, upload and readback included)` },
  { name: 'lanczos_1080p_to_4k_cpu_ms', value: round(lanczosCpuMs), unit: 'ms/frame (one CPU core, one run)' },
  { name: 'lanczos_max_difference', value: lanczos.max, unit: 'levels (0-255)' },
);

// SSIM on a 1080p pair: the picture and its 4K version brought back down.
const other: RgbaImage = resampleLanczos(cpu4k, 1920, 1080);
const a = i420(toI420(source), 1920, 1080);
const b = i420(toI420(other), 1920, 1080);
const ssimCpu = ssimFrame(a, b);
const ssimGpu = await ssimFrameGpu(device, a, b);
results.push(
  { name: 'ssim_1080p_gpu_ms', value: round(await timed(() => ssimFrameGpu(device, a, b))), unit: `ms/frame pair ${on} (median)` },
  { name: 'ssim_1080p_cpu_ms', value: round(await timed(() => ssimFrame(a, b))), unit: 'ms/frame pair (median)' },
  { name: 'ssim_difference', value: Math.abs(ssimCpu.all - ssimGpu.all), unit: 'SSIM units' },
);

// Depth parallax at 1080p, a push-in with parallax and shimmer.
const spec: MotionSpec = { move: 'push-in', intensity: 0.6, easing: 'ease-in-out', parallax: 0.8, ambient: 'shimmer', handheld: 0.3, seed: 3, duration: 5 };
const depth = estimateDepth(source);
const pose = framePose(spec, 0.6, depthLimit(spec, depth.maxGradient));
const renderer = (await createParallaxGpu(source, depth, 1920, 1080))!;
const gpuFrame = new Uint8ClampedArray(1920 * 1080 * 4);
const cpuFrame = new Uint8ClampedArray(1920 * 1080 * 4);
renderFrameCpu(source, depth, pose, cpuFrame, 1920, 1080);
await renderer.render(pose, gpuFrame);
const parallax = differences(cpuFrame, gpuFrame);
results.push(
  { name: 'parallax_1080p_gpu_ms', value: round(await timed(() => renderer.render(pose, gpuFrame))), unit: `ms/frame ${on} (median, readback included)` },
  { name: 'parallax_1080p_cpu_ms', value: round(await timed(() => renderFrameCpu(source, depth, pose, cpuFrame, 1920, 1080))), unit: 'ms/frame (median, one core)' },
  { name: 'parallax_max_difference', value: parallax.max, unit: 'levels (0-255)' },
);
renderer.destroy();

// The live preview at 640x360: a 5 s, 30 fps push in drawn from its working source (the picture
// at the size its closest view needs), depth from the 320 px copy the node estimates it from.
const preview = { width: 640, height: 360, frameCount: 150 };
const previewDepth = estimateDepth(resampleLanczos(source, DEPTH_INPUT_SIDE, Math.round((DEPTH_INPUT_SIDE * 1080) / 1920)));
const [workW, workH] = workingSize(1920, 1080, framePoses(spec, preview.frameCount, depthLimit(spec, previewDepth.maxGradient)), preview.width);
const working = resampleLanczos(source, workW, workH);
const gpuPreview = await depthFrames(working, previewDepth, spec, preview, 'gpu');
const cpuPreview = await depthFrames(working, previewDepth, spec, preview, 'cpu');
const gpuPreviewFrame = new Uint8ClampedArray(640 * 360 * 4);
const cpuPreviewFrame = new Uint8ClampedArray(640 * 360 * 4);
await gpuPreview.render(90, gpuPreviewFrame);
await cpuPreview.render(90, cpuPreviewFrame);
const previewMotion = differences(cpuPreviewFrame, gpuPreviewFrame);
results.push(
  { name: 'preview_local_motion_640x360_gpu_ms', value: round(await timed(() => gpuPreview.render(90, gpuPreviewFrame))), unit: `ms/frame ${on} (median, readback included)` },
  { name: 'preview_local_motion_640x360_cpu_ms', value: round(await timed(() => cpuPreview.render(90, cpuPreviewFrame))), unit: 'ms/frame (median, one core)' },
  { name: 'preview_local_motion_max_difference', value: previewMotion.max, unit: 'levels (0-255)' },
);
gpuPreview.destroy();

// Upscale's preview: the 640x360 centre of the 1080p picture at 2x, sharpened, at 1:1.
const box = { width: 640, height: 360 };
const twice: [number, number] = [3840, 2160];
const gpuStrip = await upscaleStrip(source, twice, { sharpen: 0.2, backend: 'gpu' }, box);
const cpuStrip = await upscaleStrip(source, twice, { sharpen: 0.2, backend: 'cpu' }, box);
const previewUpscale = differences(cpuStrip.strip.data, gpuStrip.strip.data);
results.push(
  { name: 'preview_upscale_2x_640x360_gpu_ms', value: round(await timed(() => upscaleStrip(source, twice, { sharpen: 0.2, backend: 'gpu' }, box))), unit: `ms per change of params ${on} (median, upload and readback included)` },
  { name: 'preview_upscale_2x_640x360_cpu_ms', value: round(await timed(() => upscaleStrip(source, twice, { sharpen: 0.2, backend: 'cpu' }, box))), unit: 'ms per change of params (median, one core)' },
  { name: 'preview_upscale_max_difference', value: previewUpscale.max, unit: 'levels (0-255)' },
);

const value = (name: string) => results.find((r) => r.name === name)!.value;
report('gpu', results, {
  lanczos_gpu_speedup_vs_cpu: round(lanczosCpuMs / value('lanczos_1080p_to_4k_gpu_ms'), 1),
  parallax_gpu_speedup_vs_cpu: round(value('parallax_1080p_cpu_ms') / value('parallax_1080p_gpu_ms'), 1),
  preview_local_motion_gpu_fps: round(1000 / value('preview_local_motion_640x360_gpu_ms'), 1),
});
device.destroy();
