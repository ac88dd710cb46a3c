/**
 * The RGB to limited-range BT.709 4:2:0 conversion every encode goes through, against native
 * ffmpeg's (swscale, accurate rounding) on the same pixels: ffmpeg is the oracle, not a dependency.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { i420Size } from '../../src/metrics';
import { rgbaToI420 } from '../../src/media/video/rec709';

/** A test pattern (colour bars, ramps, moving shapes) as rgb24 from native ffmpeg. */
function pattern(width: number, height: number): Buffer {
  // testsrc2 draws sizes rounded down to its own grid: an odd size is cut from a bigger picture.
  const args = ['-v', 'error', '-f', 'lavfi', '-i', `testsrc2=size=${2 * width}x${2 * height}:rate=1`, '-vf', `crop=${width}:${height}:0:0`];
  return execFileSync('ffmpeg', [...args, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);
}

function toRgba(rgb: Buffer): Uint8Array {
  const rgba = new Uint8Array((rgb.length / 3) * 4);
  for (let i = 0, o = 0; i < rgb.length; i += 3, o += 4) rgba.set([rgb[i]!, rgb[i + 1]!, rgb[i + 2]!, 255], o);
  return rgba;
}

/** ffmpeg's I420 of the same rgb24 pixels: BT.709 matrix, TV range, accurate rounding. */
function ffmpegI420(rgb: Buffer, width: number, height: number): Buffer {
  const filter = 'scale=out_color_matrix=bt709:out_range=tv:flags=accurate_rnd+full_chroma_inp,format=yuv420p';
  return execFileSync('ffmpeg', ['-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-i', '-', '-vf', filter, '-f', 'rawvideo', '-'], { input: rgb });
}

function planeErrors(a: Uint8Array, b: Uint8Array, from: number, to: number): { mean: number; max: number } {
  let sum = 0;
  let max = 0;
  for (let i = from; i < to; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    sum += d;
    max = Math.max(max, d);
  }
  return { mean: sum / (to - from), max };
}

describe('RGB to limited-range BT.709 I420', () => {
  it('maps black, white and the primaries to their studio-range codes', () => {
    const colours = [
      [0, 0, 0],
      [255, 255, 255],
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
    ];
    // Y, Cb, Cr of each from the BT.709 equations, 8-bit studio range.
    const expected = [
      [16, 128, 128],
      [235, 128, 128],
      [63, 102, 240],
      [173, 42, 26],
      [32, 240, 118],
    ];
    colours.forEach(([r, g, b], i) => {
      const rgba = new Uint8Array(16);
      for (let p = 0; p < 4; p++) rgba.set([r!, g!, b!, 255], p * 4);
      expect([...rgbaToI420(rgba, 2, 2).subarray(3)]).toEqual(expected[i]);
    });
  });

  it.each([
    [640, 360],
    [322, 182],
  ])('agrees with native ffmpeg at %ix%i: luma within one level, chroma within a level on average (ffmpeg filters chroma, we average 2x2)', (width, height) => {
    const rgb = pattern(width, height);
    const ours = rgbaToI420(toRgba(rgb), width, height);
    const theirs = ffmpegI420(rgb, width, height);
    expect(ours.length).toBe(i420Size(width, height));
    expect(theirs.length).toBe(ours.length);
    const luma = planeErrors(ours, theirs, 0, width * height);
    const chroma = planeErrors(ours, theirs, width * height, ours.length);
    console.log(`${width}x${height}: luma mean ${luma.mean.toFixed(3)} max ${luma.max}; chroma mean ${chroma.mean.toFixed(3)} max ${chroma.max}`);
    expect(luma.max).toBeLessThanOrEqual(1);
    expect(luma.mean).toBeLessThan(0.05);
    expect(chroma.mean).toBeLessThan(1);
  });
});
