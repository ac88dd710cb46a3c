/**
 * The page suite `metrics` and the browser tests drive in headless Chromium: SSIM of I420 frame
 * pairs on both paths, timed planes in to scores out (GPU upload and readback included), with
 * performance.now(); and, for test/browser/compare.test.ts, clips decoded through the app's own
 * frame reader, scored here, to be checked against native ffmpeg on the same files.
 */
import type { FrameSsim } from '../../../src/metrics/ssim';
import { ssimFrame } from '../../../src/metrics/ssim';
import { ssimFrameGpu } from '../../../src/metrics/ssim-gpu';
import { gpuDevice } from '../../../src/media/gpu';
import { monoAudio, yuvFrames } from '../../../src/media/video/yuv-frames';
import { loudness } from '../../../src/metrics/audio';
import { mseFrame, psnrOf } from '../../../src/metrics/psnr';
import { framePair } from './frames';

export type Backend = 'gpu' | 'cpu';

export interface MetricsBench {
  adapter(): Promise<string | null>;
  /** Milliseconds for each of `runs` SSIMs of distinct pairs, after `warmups` discarded ones. */
  time(backend: Backend, width: number, height: number, runs: number, warmups: number): Promise<number[]>;
  /** Both paths' SSIM of pair `seed`. */
  both(width: number, height: number, seed: number): Promise<{ gpu: FrameSsim; cpu: FrameSsim }>;
  /** Per-frame SSIM (All) and PSNR (average) of two clips' decoded frames, in step. */
  decodedScores(a: number[], b: number[]): Promise<{ ssim: number[]; psnr: number[] }>;
  /** A clip's sound as the Compare node reads it: sample rate and RMS loudness; null without sound. */
  decodedAudio(bytes: number[]): Promise<{ sampleRate: number; seconds: number; loudness: number } | null>;
}

async function ssim(backend: Backend, pair: ReturnType<typeof framePair>): Promise<FrameSsim> {
  if (backend === 'cpu') return ssimFrame(...pair);
  const device = await gpuDevice();
  if (!device) throw new Error('no WebGPU device');
  return ssimFrameGpu(device, ...pair);
}

const bench: MetricsBench = {
  async adapter() {
    const device = await gpuDevice();
    if (!device) return null;
    const info = device.adapterInfo;
    return [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ');
  },

  async time(backend, width, height, runs, warmups) {
    const pairs = Array.from({ length: 3 }, (_, i) => framePair(width, height, i + 1));
    const times: number[] = [];
    for (let i = 0; i < warmups + runs; i++) {
      const started = performance.now();
      await ssim(backend, pairs[i % pairs.length]!);
      if (i >= warmups) times.push(performance.now() - started);
    }
    return times;
  },

  async both(width, height, seed) {
    const pair = framePair(width, height, seed);
    return { gpu: await ssim('gpu', pair), cpu: await ssim('cpu', pair) };
  },

  async decodedScores(a, b) {
    const blob = (bytes: number[]) => new Blob([new Uint8Array(bytes)], { type: 'video/mp4' });
    const ssim: number[] = [];
    const psnr: number[] = [];
    // The second clip's frames are copied: the reader reuses its buffer for the next frame.
    const second: ReturnType<typeof framePair>[0][] = [];
    for await (const { frame } of yuvFrames(blob(b))) second.push({ planes: frame.planes.map((p) => ({ ...p, data: p.data.slice(0, p.stride * (p.height - 1) + p.width) })) });
    let i = 0;
    for await (const { frame } of yuvFrames(blob(a))) {
      const other = second[i++];
      if (!other) break;
      ssim.push(ssimFrame(frame, other).all);
      psnr.push(psnrOf(mseFrame(frame, other).average));
    }
    return { ssim, psnr };
  },

  async decodedAudio(bytes) {
    const audio = await monoAudio(new Blob([new Uint8Array(bytes)], { type: 'video/mp4' }));
    return audio ? { sampleRate: audio.sampleRate, seconds: audio.samples.length / audio.sampleRate, loudness: loudness(audio.samples) } : null;
  },
};

(globalThis as unknown as { metricsBench: MetricsBench }).metricsBench = bench;
