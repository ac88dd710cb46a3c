import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { estimateDepth, sampleDepth } from '../../src/media/depth/estimate-depth';
import { AMBIENTS, EASINGS, MOVES } from '../../src/media/motion/choices';
import { depthLimit, framePose, MAX_STRETCH, parallaxCpu, renderFrameCpu, renderFrameReference, sourcePosition, usesDepth, type MotionSpec } from '../../src/media/motion/parallax';
import type { RgbaImage } from '../../src/media/resample/lanczos';
import { renderSampleScene } from '../../src/media/sample-scene';

const WIDTH = 160;
const HEIGHT = 90;
const source: RgbaImage = { data: renderSampleScene(WIDTH, HEIGHT, 7), width: WIDTH, height: HEIGHT };
const depth = estimateDepth(source);
const EPS = 1e-9;

const specs = fc.record({
  move: fc.constantFrom(...MOVES),
  intensity: fc.double({ min: 0, max: 1, noNaN: true }),
  parallax: fc.double({ min: 0, max: 1, noNaN: true }),
  easing: fc.constantFrom(...EASINGS),
  handheld: fc.double({ min: 0, max: 1, noNaN: true }),
  ambient: fc.constantFrom(...AMBIENTS),
  seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  duration: fc.double({ min: 1, max: 20, noNaN: true }),
});
const unit = fc.double({ min: 0, max: 1, noNaN: true });

function at(spec: MotionSpec, t: number, X: number, Y: number): [number, number] {
  const into = new Float64Array(2);
  sourcePosition(framePose(spec, t, depthLimit(spec, depth.maxGradient)), depth, X, Y, into);
  return [into[0]!, into[1]!];
}

const base: MotionSpec = { move: 'orbit-right', intensity: 1, easing: 'linear', parallax: 1, ambient: 'none', seed: 3, duration: 4 };

describe('depth-aware motion', () => {
  it('starts on the source: frame 0 of every move that starts on the whole picture is the source, pixel for pixel', () => {
    const out = new Uint8ClampedArray(WIDTH * HEIGHT * 4);
    for (const move of ['none', 'push-in', 'orbit-left', 'orbit-right', 'dolly-zoom-in', 'dolly-zoom-out'] as const) {
      for (const ambient of AMBIENTS) {
        const spec: MotionSpec = { ...base, move, ambient };
        renderFrameCpu(source, depth, framePose(spec, 0, depthLimit(spec, depth.maxGradient)), out, WIDTH, HEIGHT);
        expect(Buffer.from(out).equals(Buffer.from(source.data)), `${move} with ambient ${ambient}`).toBe(true);
      }
    }
  });

  it('never samples outside the picture, for any move, strength, drift, ambient motion, time or place', () => {
    fc.assert(
      fc.property(specs, unit, unit, unit, (spec, t, X, Y) => {
        const [u, v] = at(spec, t, X, Y);
        expect(u).toBeGreaterThanOrEqual(-EPS);
        expect(v).toBeGreaterThanOrEqual(-EPS);
        expect(u).toBeLessThanOrEqual(1 + EPS);
        expect(v).toBeLessThanOrEqual(1 + EPS);
      }),
      { numRuns: 3000 },
    );
  });

  it('never folds or tears: the displacement stretches or squeezes the picture by at most MAX_STRETCH', () => {
    const h = 1e-4;
    fc.assert(
      fc.property(specs, unit, unit, unit, (spec, t, X, Y) => {
        const flat = { ...spec, ambient: 'none' as const };
        const pose = framePose(flat, t, depthLimit(flat, depth.maxGradient));
        const [u, v] = at(flat, t, X, Y);
        const [ux, vx] = at(flat, t, X + h, Y);
        const [uy, vy] = at(flat, t, X, Y + h);
        // Derivatives against the undisplaced view: 1 on the diagonal, 0 across, without depth.
        const step = h * pose.view.width;
        expect(Math.abs((ux - u) / step - 1)).toBeLessThanOrEqual(MAX_STRETCH + 1e-3);
        expect(Math.abs((vy - v) / step - 1)).toBeLessThanOrEqual(MAX_STRETCH + 1e-3);
        expect(Math.abs((vx - v) / step)).toBeLessThanOrEqual(MAX_STRETCH + 1e-3);
        expect(Math.abs((uy - u) / step)).toBeLessThanOrEqual(MAX_STRETCH + 1e-3);
      }),
      { numRuns: 2000 },
    );
  });

  it('moves near and far parts against each other in an orbit, and holds the subject plane in a dolly zoom', () => {
    const t = 1;
    const pose = framePose(base, t, depthLimit(base, depth.maxGradient));
    const shift = (X: number, Y: number) => {
      const [u] = at(base, t, X, Y);
      return u - (pose.view.x + X * pose.view.width);
    };
    // Sky (far) and foreground (near) are displaced in opposite directions.
    expect(shift(0.5, 0.03)).toBeLessThan(-0.005);
    expect(shift(0.5, 0.97)).toBeGreaterThan(0.005);

    const dolly: MotionSpec = { ...base, move: 'dolly-zoom-in' };
    const dp = framePose(dolly, 1, depthLimit(dolly, depth.maxGradient));
    const radial = (X: number, Y: number) => {
      const [u, v] = at(dolly, 1, X, Y);
      const [cx, cy] = [dp.view.x + dp.view.width / 2, dp.view.y + dp.view.height / 2];
      const [bx, by] = [dp.view.x + X * dp.view.width, dp.view.y + Y * dp.view.height];
      return Math.hypot(u - cx, v - cy) / Math.hypot(bx - cx, by - cy);
    };
    // Far corners sample further out (the background recedes), near ones further in (they grow).
    expect(radial(0.02, 0.02)).toBeGreaterThan(1.02);
    expect(radial(0.02, 0.98)).toBeLessThan(0.98);
    expect(Math.abs(sampleDepth(depth, 0.5, 0.5) - dp.pivot)).toBeLessThan(0.5);
  });

  it('is deterministic: equal specs give equal poses; the seed changes only the ambient waves and drift', () => {
    fc.assert(
      fc.property(specs, unit, (spec, t) => {
        expect(framePose({ ...spec }, t, 1)).toEqual(framePose(spec, t, 1));
      }),
    );
    const spec: MotionSpec = { ...base, ambient: 'shimmer' };
    expect(at({ ...spec, seed: 1 }, 0.5, 0.5, 0.1)).not.toEqual(at({ ...spec, seed: 2 }, 0.5, 0.5, 0.1));
    expect(at({ ...spec, seed: 1, ambient: 'none' }, 0.5, 0.5, 0.1)).toEqual(at({ ...spec, seed: 2, ambient: 'none' }, 0.5, 0.5, 0.1));
  });

  it('uses the depth renderer only when depth or ambient motion is asked for', () => {
    expect(usesDepth({ ...base, move: 'push-in', parallax: 0, ambient: 'none' })).toBe(false);
    expect(usesDepth({ ...base, move: 'push-in', parallax: 0.2, ambient: 'none' })).toBe(true);
    expect(usesDepth({ ...base, move: 'orbit-left', parallax: 0, ambient: 'none' })).toBe(true);
    expect(usesDepth({ ...base, move: 'pan-left', parallax: 0, ambient: 'sway' })).toBe(true);
  });

  it('draws a frame in bands of rows, as the worker pool does, with the bytes of the whole frame, ambient motion too', () => {
    const [width, height] = [96, 54];
    const rows = fc.tuple(fc.integer({ min: 1, max: height - 1 }), fc.integer({ min: 1, max: height - 1 })).map(([a, b]) => [Math.min(a, b), Math.max(a, b)]);
    fc.assert(
      fc.property(specs, unit, rows, (spec, t, [a, b]) => {
        const pose = framePose(spec, t, depthLimit(spec, depth.maxGradient));
        const whole = new Uint8ClampedArray(width * height * 4);
        renderFrameCpu(source, depth, pose, whole, width, height);
        const edges = [0, a!, b!, height];
        const draw = parallaxCpu(source, depth, width, height, Math.max(a!, b! - a!, height - b!));
        const banded = new Uint8ClampedArray(width * height * 4);
        for (let i = 0; i < 3; i++) {
          const band = new Uint8ClampedArray((edges[i + 1]! - edges[i]!) * width * 4);
          draw(pose, edges[i]!, edges[i + 1]!, band);
          banded.set(band, edges[i]! * width * 4);
        }
        expect(Buffer.from(banded).equals(Buffer.from(whole))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('draws every frame in WebAssembly, ambient motion too, with the very bytes of the TypeScript reference', () => {
    // Output sizes unlike the source's, so the view's scaling and both clamps come into play; the
    // kernel draws pixels in pairs, so an odd width leaves one over.
    const sizes = fc.constantFrom([97, 61], [96, 54]);
    fc.assert(
      fc.property(specs, unit, sizes, (spec, t, [width, height]) => {
        const [fast, reference] = [new Uint8ClampedArray(width * height * 4), new Uint8ClampedArray(width * height * 4)];
        const pose = framePose(spec, t, depthLimit(spec, depth.maxGradient));
        parallaxCpu(source, depth, width, height)(pose, 0, height, fast);
        renderFrameReference(source, depth, pose, reference, width, height);
        expect(Buffer.from(fast).equals(Buffer.from(reference))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
