/** Picture quality of a video against its source by native ffmpeg's psnr filter (an oracle). */
import { spawnSync } from 'node:child_process';

/**
 * The average PSNR over all frames and planes, in dB, of `distorted` against `reference`; the
 * distorted video is scaled to the reference's size first when they differ.
 */
export function psnr(distorted: string, reference: string): number {
  const filter = '[0:v][1:v]scale2ref=flags=bicubic[d][r];[d][r]psnr';
  const run = spawnSync('ffmpeg', ['-hide_banner', '-i', distorted, '-i', reference, '-lavfi', filter, '-f', 'null', '-'], { encoding: 'utf8' });
  const average = /PSNR .*average:([\d.]+|inf)/.exec(run.stderr)?.[1];
  if (run.status !== 0 || average === undefined) throw new Error(`ffmpeg psnr failed: ${run.stderr.slice(-500)}`);
  return average === 'inf' ? Infinity : Number(average);
}
