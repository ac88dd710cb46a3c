/**
 * PSNR as ffmpeg's `psnr` filter computes it: mean squared error per plane, PSNR from the MSE,
 * "average" from the plane MSEs weighted by sample count. Over a clip ffmpeg's summary takes the
 * PSNR of the mean MSE (not the mean of per-frame PSNRs); clipPsnr does the same.
 */
import { sameSize, type PlanarFrame, type Plane } from './frame';
import { weighted } from './ssim';

const MAX = 255;

export function msePlane(a: Plane, b: Plane): number {
  sameSize(a, b, 'PSNR');
  let sum = 0;
  for (let y = 0; y < a.height; y++) {
    const ra = y * a.stride;
    const rb = y * b.stride;
    for (let x = 0; x < a.width; x++) {
      const d = a.data[ra + x]! - b.data[rb + x]!;
      sum += d * d;
    }
  }
  return sum / (a.width * a.height);
}

/** PSNR in dB of a mean squared error on 8-bit samples; Infinity when identical, as ffmpeg's "inf". */
export function psnrOf(mse: number): number {
  return 10 * Math.log10((MAX * MAX) / mse);
}

export interface FrameMse {
  /** Per plane, in the frame's order. */
  planes: number[];
  /** Weighted by sample count: ffmpeg's mse_avg. */
  average: number;
}

export function mseFrame(a: PlanarFrame, b: PlanarFrame): FrameMse {
  if (a.planes.length !== b.planes.length) throw new RangeError(`PSNR: frames have ${a.planes.length} and ${b.planes.length} planes`);
  const planes = a.planes.map((p, i) => msePlane(p, b.planes[i]!));
  return { planes, average: weighted(a.planes, planes) };
}

export interface ClipPsnr {
  planes: number[];
  average: number;
}

/** ffmpeg's summary line over several frames: the PSNR of each plane's (and the average) mean MSE. */
export function clipPsnr(frames: readonly FrameMse[]): ClipPsnr {
  if (frames.length === 0) throw new RangeError('PSNR of a clip needs at least one frame');
  const mean = (pick: (m: FrameMse) => number) => frames.reduce((s, m) => s + pick(m), 0) / frames.length;
  return { planes: frames[0]!.planes.map((_, i) => psnrOf(mean((m) => m.planes[i]!))), average: psnrOf(mean((m) => m.average)) };
}
