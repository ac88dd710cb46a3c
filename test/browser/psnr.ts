/** Picture quality of a video against its source by native ffmpeg's psnr filter (an oracle). */
import { spawnSync } from 'node:child_process';

export interface Psnr {
  /** Luma only: what resampling shows in; chroma also carries each decoder's 4:2:0 upsampling. */
  y: number;
  /** All planes, weighted as ffmpeg does. */
  average: number;
}

/**
 * PSNR over all frames, in dB, of `distorted` against `reference`, both brought to limited-range
 * 4:2:0 at the reference's size first (browser encoders write full range; ffmpeg compares raw values).
 */
export function psnr(distorted: string, reference: string): Psnr {
  const filter = '[0:v][1:v]scale2ref=flags=bicubic[d][r];[d]scale=out_range=tv,format=yuv420p[dd];[r]scale=out_range=tv,format=yuv420p[rr];[dd][rr]psnr';
  const run = spawnSync('ffmpeg', ['-hide_banner', '-i', distorted, '-i', reference, '-lavfi', filter, '-f', 'null', '-'], { encoding: 'utf8' });
  const line = /PSNR y:([\d.]+|inf) .*average:([\d.]+|inf)/.exec(run.stderr);
  if (run.status !== 0 || !line) throw new Error(`ffmpeg psnr failed: ${run.stderr.slice(-500)}`);
  const value = (text: string) => (text === 'inf' ? Infinity : Number(text));
  return { y: value(line[1]!), average: value(line[2]!) };
}
