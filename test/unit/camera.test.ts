import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cameraView, ease, type CameraSpec } from '../../src/media/motion/camera';
import { EASINGS, MOVES } from '../../src/media/motion/choices';

/** Rounding slack: views are sums of a few doubles. */
const EPS = 1e-12;

const specs = fc.record({
  move: fc.constantFrom(...MOVES),
  intensity: fc.double({ min: 0, max: 1, noNaN: true }),
  easing: fc.constantFrom(...EASINGS),
  handheld: fc.double({ min: 0, max: 1, noNaN: true }),
  seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  duration: fc.double({ min: 1, max: 20, noNaN: true }),
});
const times = fc.double({ min: 0, max: 1, noNaN: true });

describe('camera moves', () => {
  it('starts a push in on the whole image, so the first frame is the source', () => {
    for (const easing of EASINGS) {
      expect(cameraView({ move: 'push-in', intensity: 0.8, easing }, 0)).toEqual({ x: 0, y: 0, width: 1, height: 1 });
    }
  });

  it('ends a pull out on the whole image and a push in zoomed by up to 1.5x', () => {
    expect(cameraView({ move: 'pull-out', intensity: 1, easing: 'ease-out' }, 1)).toEqual({ x: 0, y: 0, width: 1, height: 1 });
    const end = cameraView({ move: 'push-in', intensity: 1, easing: 'linear' }, 1);
    expect(end.width).toBeCloseTo(1 / 1.5, 12);
    expect(end.x + end.width / 2).toBeCloseTo(0.5, 12);
  });

  it('pans and tilts the way they are named (x grows rightwards, y downwards)', () => {
    const at = (move: CameraSpec['move'], t: number) => cameraView({ move, intensity: 1, easing: 'linear' }, t);
    expect(at('pan-right', 1).x).toBeGreaterThan(at('pan-right', 0).x);
    expect(at('pan-left', 1).x).toBeLessThan(at('pan-left', 0).x);
    expect(at('tilt-down', 1).y).toBeGreaterThan(at('tilt-down', 0).y);
    expect(at('tilt-up', 1).y).toBeLessThan(at('tilt-up', 0).y);
    expect(at('pan-right', 0).x).toBeCloseTo(0, 12);
    expect(at('pan-right', 1).x + at('pan-right', 1).width).toBeCloseTo(1, 12);
  });

  it('keeps the view inside the image for every move, intensity, drift and time', () => {
    fc.assert(
      fc.property(specs, times, (spec, t) => {
        const v = cameraView(spec, t);
        expect(v.width).toBeGreaterThan(0);
        expect(v.width).toBe(v.height); // same fraction on both axes: the aspect is kept
        expect(v.x).toBeGreaterThanOrEqual(-EPS);
        expect(v.y).toBeGreaterThanOrEqual(-EPS);
        expect(v.x + v.width).toBeLessThanOrEqual(1 + EPS);
        expect(v.y + v.height).toBeLessThanOrEqual(1 + EPS);
      }),
      { numRuns: 2000 },
    );
  });

  it('eases with exact endpoints and stays within 0..1', () => {
    for (const easing of EASINGS) {
      expect(ease(easing, 0)).toBe(0);
      expect(ease(easing, 1)).toBe(1);
      expect(ease(easing, 0.5)).toBeCloseTo(easing === 'ease-out' ? 0.875 : 0.5, 12);
    }
    fc.assert(
      fc.property(fc.constantFrom(...EASINGS), times, times, (easing, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(ease(easing, lo)).toBeLessThanOrEqual(ease(easing, hi) + EPS);
        expect(ease(easing, a)).toBeGreaterThanOrEqual(0);
        expect(ease(easing, a)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('is deterministic: equal specs and times give equal views; seeds change only the drift', () => {
    fc.assert(
      fc.property(specs, times, (spec, t) => {
        expect(cameraView({ ...spec }, t)).toEqual(cameraView(spec, t));
      }),
    );
    const spec: CameraSpec = { move: 'push-in', intensity: 0.5, easing: 'linear', handheld: 1, duration: 5 };
    expect(cameraView({ ...spec, seed: 1 }, 0.5)).not.toEqual(cameraView({ ...spec, seed: 2 }, 0.5));
    expect(cameraView({ ...spec, seed: 1, handheld: 0 }, 0.5)).toEqual(cameraView({ ...spec, seed: 2, handheld: 0 }, 0.5));
  });

  it('drifts smoothly: one frame at 30 fps moves the view by under a pixel of a 1080p frame', () => {
    const spec: CameraSpec = { move: 'none', intensity: 0, easing: 'linear', handheld: 1, seed: 9, duration: 10 };
    for (let frame = 0; frame < 300; frame++) {
      const a = cameraView(spec, frame / 300);
      const b = cameraView(spec, (frame + 1) / 300);
      expect(Math.abs(b.x - a.x) * 1920).toBeLessThan(1);
      expect(Math.abs(b.y - a.y) * 1080).toBeLessThan(1);
    }
  });
});
