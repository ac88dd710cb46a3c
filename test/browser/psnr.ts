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
 * Frames are paired by index: WebM keeps milliseconds, so at 30 fps every third frame's time rounds
 * below the reference's and ffmpeg would pair it with the frame before (a 41 dB VP9 read 28.6).
 */
export function psnr(distorted: string, reference: string): Psnr {
  const byIndex = 'settb=1/1000,setpts=N*40';
  const filter = `[0:v]${byIndex}[d0];[1:v]${byIndex}[r0];[d0][r0]scale2ref=flags=bicubic[d][r];[d]scale=out_range=tv,format=yuv420p[dd];[r]scale=out_range=tv,format=yuv420p[rr];[dd][rr]psnr`;
  const run = spawnSync('ffmpeg', ['-hide_banner', '-i', distorted, '-i', reference, '-lavfi', filter, '-f', 'null', '-'], { encoding: 'utf8' });
  const line = /PSNR y:([\d.]+|inf) .*average:([\d.]+|inf)/.exec(run.stderr);
  if (run.status !== 0 || !line) throw new Error(`ffmpeg psnr failed: ${run.stderr.slice(-500)}`);
  const value = (text: string) => (text === 'inf' ? Infinity : Number(text));
  return { y: value(line[1]!), average: value(line[2]!) };
}
