/**
 * The RGB to limited-range BT.709 4:2:0 conversion every encode goes through, against native
 * ffmpeg's (swscale, accurate rounding) on the same pixels: ffmpeg is the oracle, not a dependency.
 * The SIMD kernel that does it is held to its definition, pixel by pixel, at every size.
 */
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
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

/** Studio-range scale and BT.601/709 weights, as in the standards: the definition the kernel rounds. */
function definition(rgba: Uint8Array, width: number, height: number, matrix: 'bt601' | 'bt709', fullRange: boolean): number[] {
  const [kr, kb] = matrix === 'bt709' ? [0.2126, 0.0722] : [0.299, 0.114];
  const [ys, cs, offset] = fullRange ? [1, 1, 0] : [219 / 255, 224 / 255, 16];
  const fixed = (x: number) => Math.round(x * 65536);
  const [yr, yg, yb] = [kr * ys, (1 - kr - kb) * ys, kb * ys].map(fixed) as [number, number, number];
  const u = [(-kr / (2 * (1 - kb))) * cs, (-(1 - kr - kb) / (2 * (1 - kb))) * cs, 0.5 * cs].map(fixed);
  const v = [0.5 * cs, (-(1 - kr - kb) / (2 * (1 - kr))) * cs, (-kb / (2 * (1 - kr))) * cs].map(fixed);
  const at = (x: number, y: number, c: number) => rgba[(Math.min(y, height - 1) * width + Math.min(x, width - 1)) * 4 + c]!;
  const out: number[] = [];
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out.push((yr * at(x, y, 0) + yg * at(x, y, 1) + yb * at(x, y, 2) + (offset << 16) + 32768) >> 16);
  for (const k of [u, v]) {
    for (let y = 0; y < height; y += 2) {
      for (let x = 0; x < width; x += 2) {
        // A block past an odd edge repeats the last column or row.
        const sum = (c: number) => at(x, y, c) + at(x + 1, y, c) + at(x, y + 1, c) + at(x + 1, y + 1, c);
        out.push(Math.min(255, (((k[0]! * sum(0) + k[1]! * sum(1) + k[2]! * sum(2)) >> 2) + (128 << 16) + 32768) >> 16));
      }
    }
  }
  return out;
}

describe('RGB to limited-range BT.709 I420', () => {
  it('is its 16.16 fixed-point definition exactly, at any size (odd ones included) and in every encoding', () => {
    const sizes = fc.record({ width: fc.integer({ min: 1, max: 41 }), height: fc.integer({ min: 1, max: 7 }) });
    const pictures = sizes.chain(({ width, height }) =>
      fc.record({ width: fc.constant(width), height: fc.constant(height), rgba: fc.uint8Array({ minLength: width * height * 4, maxLength: width * height * 4 }) }),
    );
    fc.assert(
      fc.property(pictures, fc.constantFrom('bt601' as const, 'bt709' as const), fc.boolean(), ({ width, height, rgba }, matrix, fullRange) => {
        expect([...rgbaToI420(rgba, width, height, { matrix, fullRange })]).toEqual(definition(rgba, width, height, matrix, fullRange));
      }),
      { numRuns: 500 },
    );
  });

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
