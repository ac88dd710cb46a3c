/**
 * Motion and sound on hand-made signals: a square moving over a still background is subject
 * motion with the background put; a pan moves border and centre alike; warp error is what motion
 * compensation cannot explain. Loudness is RMS in dBFS; clicks are found as onsets, and they count
 * as in sync when they land on motion peaks.
 */
import { describe, expect, it } from 'vitest';
import { loudness, onsets, onsetSync, peaks, plane, sharpness, SYNC_TOLERANCE, TakeAnalyser, type PlanarFrame } from '../../src/metrics';

const W = 160;
const H = 96;

/** A textured background (shifted by `pan`) with a bright square at (sx, sy); luma only. */
function frame(pan: number, sx: number, sy: number, brightness = 0): PlanarFrame {
  const data = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const u = x + pan;
      const texture = 100 + 40 * Math.sin(u * 0.7) * Math.cos(y * 0.45) + 20 * Math.sin(u * 0.23 + y * 0.31);
      const inSquare = x >= sx && x < sx + 24 && y >= sy && y < sy + 24;
      data[y * W + x] = Math.max(0, Math.min(255, Math.round((inSquare ? 220 - ((x + y) % 5) * 10 : texture) + brightness)));
    }
  }
  return { planes: [plane(data, W, H)] };
}

function analyse(frames: PlanarFrame[]) {
  const analyser = new TakeAnalyser();
  frames.forEach((f, i) => analyser.add(f, i / 30));
  return analyser.finish();
}

describe('motion', () => {
  const subjectOnly = analyse(Array.from({ length: 12 }, (_, i) => frame(0, 60 + 2 * i, 36)));
  const pan = analyse(Array.from({ length: 12 }, (_, i) => frame(2 * i, 200, 200)));
  const still = analyse(Array.from({ length: 12 }, () => frame(0, 60, 36)));

  /** Mean motion per frame, as a share of the frame's width a second. */
  const speed = (take: typeof still) => (take.curves.motion.reduce((s, v) => s + v, 0) / (take.frames - 1)) * 30;

  it('is zero for a still clip', () => {
    expect(still.motion).toBe(0);
    expect(speed(still)).toBe(0);
    expect(still.warpError).toBe(0);
  });

  it('sees a subject moving over a still background: the background stays put, the camera too', () => {
    expect(subjectOnly.motion).toBe(1);
    expect(subjectOnly.background).toBeLessThan(0.1);
    expect(subjectOnly.camera.move).toBe('static');
  });

  it('sees a pan as the whole frame moving, border and centre alike', () => {
    expect(speed(pan)).toBeGreaterThan(speed(subjectOnly));
    expect(pan.background).toBeGreaterThan(0.35);
    // A 2 px/frame pan at 30 fps is 60 px/s: 0.375 of a 160 px frame a second.
    expect(speed(pan)).toBeCloseTo(60 / W, 1);
    expect(pan.camera.move).toBe('pan-right');
  });

  it('compensates motion before measuring the warp error, which flicker raises', () => {
    expect(pan.warpError).toBeLessThan(3);
    const flickering = analyse(Array.from({ length: 12 }, (_, i) => frame(2 * i, 200, 200, i % 2 ? 12 : 0)));
    expect(flickering.warpError).toBeGreaterThan(pan.warpError + 5);
    expect(flickering.flicker).toBeGreaterThan(5);
  });

  it('measures sharpness as high-frequency energy: zero on a flat plane', () => {
    expect(sharpness(plane(new Uint8Array(64 * 64).fill(90), 64, 64))).toBe(0);
    expect(sharpness(frame(0, 60, 36).planes[0]!)).toBeGreaterThan(5);
  });
});

describe('sound', () => {
  const RATE = 8000;
  /** 2 s of quiet noise with short loud clicks at `times`. */
  function clicks(times: number[]): Float32Array {
    const samples = new Float32Array(2 * RATE);
    let seed = 1;
    for (let i = 0; i < samples.length; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      samples[i] = ((seed >>> 16) / 65536 - 0.5) * 0.002;
    }
    for (const t of times) for (let i = 0; i < 400; i++) samples[Math.round(t * RATE) + i] = 0.8 * Math.sin(i * 0.3) * (1 - i / 400);
    return samples;
  }

  it('reads loudness as RMS in dBFS: a full-scale sine is -3 dB, silence -Infinity', () => {
    const sine = Float32Array.from({ length: RATE }, (_, i) => Math.sin((2 * Math.PI * 440 * i) / RATE));
    expect(loudness(sine)).toBeCloseTo(-3.01, 1);
    expect(loudness(new Float32Array(100))).toBe(-Infinity);
  });

  it('finds clicks as onsets, to within a hop', () => {
    const found = onsets(clicks([0.5, 1.2]), RATE);
    expect(found).toHaveLength(2);
    expect(found[0]).toBeCloseTo(0.5, 1);
    expect(found[1]).toBeCloseTo(1.2, 1);
  });

  it(`counts onsets within ${SYNC_TOLERANCE} s of a motion peak as in sync`, () => {
    const motion = Array.from({ length: 60 }, (_, i) => (i === 15 || i === 36 ? 1 : 0.05));
    const motionPeaks = peaks(motion, 30, 0.1);
    expect(motionPeaks).toEqual([0.5, 1.2]);
    expect(onsetSync(onsets(clicks([0.5, 1.2]), RATE), motionPeaks)).toBe(1);
    expect(onsetSync(onsets(clicks([0.9, 1.6]), RATE), motionPeaks)).toBe(0);
    expect(onsetSync([], motionPeaks)).toBeUndefined();
  });
});
