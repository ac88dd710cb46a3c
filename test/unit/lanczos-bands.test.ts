/** Lanczos in bands: any split of the result's rows, made separately, is the whole result bit for bit. */
import { describe, expect, it } from 'vitest';
import { resampleLanczos, resampleLanczosBand, type RgbaImage } from '../../src/media/resample/lanczos';
import { renderSampleScene } from '../../src/media/sample-scene';

function scene(width: number, height: number): RgbaImage {
  return { data: renderSampleScene(width, height, 3), width, height };
}

function assembled(image: RgbaImage, width: number, height: number, sharpen: number, cuts: number[]): Uint8ClampedArray {
  const out = new Uint8ClampedArray(width * height * 4);
  const edges = [0, ...cuts, height];
  for (let b = 0; b + 1 < edges.length; b++) {
    out.set(resampleLanczosBand(image, width, height, { sharpen }, edges[b]!, edges[b + 1]!), edges[b]! * width * 4);
  }
  return out;
}

describe('resampleLanczosBand', () => {
  it.each([
    ['enlarging 2x, sharpened', 64, 36, 128, 72, 0.2, [1, 17, 36, 71]],
    ['enlarging 3.1x, not sharpened', 40, 30, 124, 93, 0, [45]],
    ['shrinking, sharpened', 96, 54, 37, 21, 0.5, [1, 2, 10, 20]],
  ])('matches the whole result when %s', (_, w, h, width, height, sharpen, cuts) => {
    const image = scene(w, h);
    const whole = resampleLanczos(image, width, height, { sharpen }).data;
    expect(Buffer.from(assembled(image, width, height, sharpen, cuts)).equals(Buffer.from(whole))).toBe(true);
  });

  it('writes into a buffer the caller reuses, and refuses one of the wrong size', () => {
    const image = scene(32, 18);
    const into = new Uint8ClampedArray(64 * 4 * 12).fill(7);
    const made = resampleLanczosBand(image, 64, 36, {}, 10, 22, into);
    expect(made).toBe(into);
    expect(Buffer.from(into).equals(Buffer.from(resampleLanczosBand(image, 64, 36, {}, 10, 22)))).toBe(true);
    expect(() => resampleLanczosBand(image, 64, 36, {}, 10, 23, into)).toThrow('rows 10..23 of a 64 px wide result take 3328 bytes, not 3072');
  });

  it('refuses a band outside the result, naming it', () => {
    expect(() => resampleLanczosBand(scene(8, 8), 16, 16, {}, 10, 17)).toThrow('rows 10..17 are not a band of a 16-row result');
    expect(() => resampleLanczosBand(scene(8, 8), 16, 16, {}, 4, 4)).toThrow('rows 4..4');
  });
});
