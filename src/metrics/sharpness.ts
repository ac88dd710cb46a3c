/**
 * Sharpness as high-frequency energy: the RMS of the 4-neighbour Laplacian of luma, in 8-bit
 * levels. Detail finer than a couple of pixels is what an upscaled soft clip lacks, so it reads
 * low here even at the same pixel count as a sharp one.
 */
import type { Plane } from './frame';

export function sharpness(p: Plane): number {
  if (p.width < 3 || p.height < 3) return 0;
  let sum = 0;
  for (let y = 1; y < p.height - 1; y++) {
    const row = y * p.stride;
    for (let x = 1; x < p.width - 1; x++) {
      const i = row + x;
      const lap = 4 * p.data[i]! - p.data[i - 1]! - p.data[i + 1]! - p.data[i - p.stride]! - p.data[i + p.stride]!;
      sum += lap * lap;
    }
  }
  return Math.sqrt(sum / ((p.width - 2) * (p.height - 2)));
}
