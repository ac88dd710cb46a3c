import { describe, expect, it } from 'vitest';
import { estimateDepth, sampleDepth } from '../../src/media/depth/estimate-depth';
import { mulberry32 } from '../../src/media/random';
import type { RgbaImage } from '../../src/media/resample/lanczos';
import { renderSampleScene } from '../../src/media/sample-scene';

const scene = (width: number, height: number): RgbaImage => ({ data: renderSampleScene(width, height, 7), width, height });

/** Mean nearness over the rectangle [u0, u1) x [v0, v1) of the picture. */
function meanNearness(depth: ReturnType<typeof estimateDepth>, u0: number, v0: number, u1: number, v1: number): number {
  let sum = 0;
  let n = 0;
  for (let v = v0; v < v1; v += 0.01) for (let u = u0; u < u1; u += 0.01, n++) sum += sampleDepth(depth, u, v);
  return sum / n;
}

describe('depth estimate', () => {
  it('puts the sky far and the foreground near in the sample scene, on a 0..1 scale', () => {
    const depth = estimateDepth(scene(480, 270));
    expect(Math.min(...depth.data)).toBe(0);
    expect(Math.max(...depth.data)).toBe(1);
    expect(meanNearness(depth, 0, 0, 1, 0.2)).toBeLessThan(0.2);
    expect(meanNearness(depth, 0, 0.8, 1, 1)).toBeGreaterThan(0.75);
  });

  it('ranks a textured, colourful patch nearer than the plain surface around it at the same height', () => {
    const width = 320;
    const height = 180;
    const data = new Uint8ClampedArray(width * height * 4);
    const random = mulberry32(1);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = (y * width + x) * 4;
        const inPatch = x >= 200 && x < 260 && y >= 60 && y < 120;
        const value = inPatch ? 60 + random() * 190 : 120;
        data.set(inPatch ? [value, value * 0.5, 40, 255] : [value, value, value, 255], i);
      }
    }
    const depth = estimateDepth({ data, width, height });
    const patch = sampleDepth(depth, 230 / width, 90 / height);
    const plain = sampleDepth(depth, 60 / width, 90 / height);
    expect(patch).toBeGreaterThan(plain + 0.2);
  });

  it('is deterministic and never changes faster than its stated maxGradient', () => {
    const image = scene(320, 180);
    const depth = estimateDepth(image);
    expect(estimateDepth(image)).toEqual(depth);
    expect(depth.maxGradient).toBeGreaterThan(0);
    const random = mulberry32(5);
    for (let k = 0; k < 5000; k++) {
      const [u, v, du, dv] = [random(), random(), (random() - 0.5) * 0.02, (random() - 0.5) * 0.02];
      const change = Math.abs(sampleDepth(depth, u + du, v + dv) - sampleDepth(depth, u, v));
      expect(change).toBeLessThanOrEqual(depth.maxGradient * (Math.abs(du) + Math.abs(dv)) + 1e-5);
    }
  });
});
