/**
 * SSIM and PSNR agree with native ffmpeg's `ssim` and `psnr` filters on the same raw frames:
 * within 1e-3 for SSIM (every plane and "All", every frame) and 0.05 dB for PSNR. The clips are
 * made by ffmpeg itself: a test pattern, and the same pattern degraded (noise, blur, a shift).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { i420, i420Size, type PlanarFrame } from '../../src/metrics/frame';
import { clipPsnr, mseFrame, psnrOf } from '../../src/metrics/psnr';
import { ssimFrame } from '../../src/metrics/ssim';

const dir = mkdtempSync(join(tmpdir(), 'metrics-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FRAMES = 6;

/** Writes `FRAMES` frames of testsrc2 through `filter` as raw yuv420p; returns the file. */
function rawClip(name: string, width: number, height: number, filter: string): string {
  const file = join(dir, `${name}.yuv`);
  const source = `testsrc2=size=${width}x${height}:rate=30,format=yuv420p,${filter}`;
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', source, '-frames:v', String(FRAMES), '-f', 'rawvideo', '-pix_fmt', 'yuv420p', file]);
  return file;
}

function frames(file: string, width: number, height: number): PlanarFrame[] {
  const bytes = new Uint8Array(readFileSync(file));
  const size = i420Size(width, height);
  return Array.from({ length: bytes.length / size }, (_, i) => i420(bytes.subarray(i * size, (i + 1) * size), width, height));
}

/** ffmpeg's per-frame stats and summary line for `filter` (ssim or psnr) between two raw clips. */
function ffmpegStats(filter: 'ssim' | 'psnr', a: string, b: string, width: number, height: number): { perFrame: Record<string, number>[]; summary: string } {
  const stats = join(dir, `${filter}.log`);
  const raw = ['-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${width}x${height}`];
  execFileSync('ffmpeg', ['-hide_banner', '-nostats', ...raw, '-i', a, ...raw, '-i', b, '-lavfi', `[0:v][1:v]${filter}=stats_file=${stats}`, '-f', 'null', '-'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const perFrame = readFileSync(stats, 'utf8')
    .trim()
    .split('\n')
    .map((line) => Object.fromEntries([...line.matchAll(/(\w+):(\S+)/g)].map((m) => [m[1]!, Number(m[2])])));
  const summary = execFileSync('sh', ['-c', `ffmpeg -hide_banner -nostats ${raw.join(' ')} -i ${a} ${raw.join(' ')} -i ${b} -lavfi '[0:v][1:v]${filter}' -f null - 2>&1 | grep -i 'Parsed_${filter}'`], { encoding: 'utf8' });
  return { perFrame, summary };
}

const CASES = [
  { name: 'noise', width: 320, height: 180, filter: 'noise=alls=24:allf=t' },
  { name: 'blur', width: 320, height: 180, filter: 'gblur=sigma=1.5' },
  // Sizes not a multiple of 8: the last partial 4x4 blocks are left out. (Widths whose
  // plane is 4k+2 blocks wide trip ffmpeg's x86 SIMD quirk described in src/metrics/ssim.ts.)
  { name: 'odd-size', width: 238, height: 134, filter: 'eq=brightness=0.04,noise=alls=12:allf=t' },
];

describe.each(CASES)('against native ffmpeg: $name, $width x $height', ({ name, width, height, filter }) => {
  const reference = rawClip(`${name}-ref`, width, height, 'null');
  const degraded = rawClip(`${name}-deg`, width, height, filter);
  const ours = frames(reference, width, height);
  const theirs = frames(degraded, width, height);

  it('SSIM: every plane and All of every frame within 1e-3', () => {
    const { perFrame } = ffmpegStats('ssim', reference, degraded, width, height);
    expect(perFrame).toHaveLength(FRAMES);
    perFrame.forEach((stats, i) => {
      const mine = ssimFrame(ours[i]!, theirs[i]!);
      expect(Math.abs(mine.planes[0]! - stats.Y!)).toBeLessThan(1e-3);
      expect(Math.abs(mine.planes[1]! - stats.U!)).toBeLessThan(1e-3);
      expect(Math.abs(mine.planes[2]! - stats.V!)).toBeLessThan(1e-3);
      expect(Math.abs(mine.all - stats.All!)).toBeLessThan(1e-3);
    });
  });

  it('PSNR: every plane and the average of every frame, and the clip summary, within 0.05 dB', () => {
    const { perFrame, summary } = ffmpegStats('psnr', reference, degraded, width, height);
    const mses = ours.map((frame, i) => mseFrame(frame, theirs[i]!));
    perFrame.forEach((stats, i) => {
      const mine = mses[i]!;
      expect(Math.abs(psnrOf(mine.planes[0]!) - stats.psnr_y!)).toBeLessThan(0.05);
      expect(Math.abs(psnrOf(mine.planes[1]!) - stats.psnr_u!)).toBeLessThan(0.05);
      expect(Math.abs(psnrOf(mine.planes[2]!) - stats.psnr_v!)).toBeLessThan(0.05);
      expect(Math.abs(psnrOf(mine.average) - stats.psnr_avg!)).toBeLessThan(0.05);
    });
    // "PSNR y:.. u:.. v:.. average:.. min:.. max:.."
    const line = Object.fromEntries([...summary.matchAll(/(\w+):([\d.]+|inf)/g)].map((m) => [m[1]!, Number(m[2])]));
    const clip = clipPsnr(mses);
    expect(Math.abs(clip.planes[0]! - line.y!)).toBeLessThan(0.05);
    expect(Math.abs(clip.average - line.average!)).toBeLessThan(0.05);
  });
});

describe('identical frames', () => {
  it('give SSIM 1 and an infinite PSNR, as ffmpeg prints "inf"', () => {
    const file = rawClip('same', 64, 48, 'null');
    const [frame] = frames(file, 64, 48);
    expect(ssimFrame(frame!, frame!).all).toBeCloseTo(1, 12);
    expect(psnrOf(mseFrame(frame!, frame!).average)).toBe(Infinity);
  });
});
