/** Test clips for the media benches, made by native ffmpeg (an oracle tool, not an app dependency). */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * A 1920x1080, 30 fps clip of `seconds` with a 440 Hz tone: testsrc2 (easy content: flat colour,
 * a moving gradient, small noise patches), H.264 CRF 12 veryfast + AAC 128k, written into `dir`.
 */
export function clip1080p(dir: string, seconds: number): string {
  const path = join(dir, 'source.mp4');
  const sources = ['-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'];
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...sources, '-t', String(seconds), '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '12', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '128k', path]);
  return path;
}
