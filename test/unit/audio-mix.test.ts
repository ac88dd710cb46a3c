/** The arithmetic of mixing and placing clips: gains, fades, layers on a timeline, concat timing. */
import { describe, expect, it } from 'vitest';
import { CHUNK_FRAMES, dbToGain, MIX_RATE, silence, type Planar } from '../../src/media/audio/format';
import { fadeGain, renderMix, type FrameSource, type Layer } from '../../src/media/audio/mix';
import { placeClips } from '../../src/media/video/concat';
import { frameSize } from '../../src/nodes/conform-video';

/** A source of constant level `value` that counts the frames it was asked for. */
function constant(value: number): FrameSource & { read_: number } {
  const source = {
    read_: 0,
    async read(frames: number): Promise<Planar> {
      source.read_ += frames;
      return silence(frames).map((plane) => plane.fill(value));
    },
  };
  return source;
}

/** Renders `layers` and returns the left channel as one array, and the chunk timestamps. */
async function render(layers: Layer[], duration: number, fades: { fadeIn?: number; fadeOut?: number } = {}) {
  const left: number[] = [];
  const stamps: number[] = [];
  await renderMix(layers, {
    duration,
    ...fades,
    async write(chunk, timestamp) {
      stamps.push(timestamp);
      left.push(...chunk[0]!);
    },
  });
  return { left, stamps };
}

const at = (seconds: number) => Math.round(seconds * MIX_RATE);

describe('gains and fades', () => {
  it('turns decibels into linear gain, -60 dB and below into silence', () => {
    expect(dbToGain(0)).toBe(1);
    expect(dbToGain(-6)).toBeCloseTo(0.501, 3);
    expect(dbToGain(6)).toBeCloseTo(1.995, 3);
    expect(dbToGain(-60)).toBe(0);
  });

  it('ramps linearly from silence over the fade in and back to silence over the fade out', () => {
    expect(fadeGain(0, 0, 10, 2, 4)).toBe(0);
    expect(fadeGain(1, 0, 10, 2, 4)).toBe(0.5);
    expect(fadeGain(5, 0, 10, 2, 4)).toBe(1);
    expect(fadeGain(8, 0, 10, 2, 4)).toBe(0.5);
    expect(fadeGain(10, 0, 10, 2, 4)).toBe(0);
    expect(fadeGain(3, 0, 10, 0, 0)).toBe(1);
  });
});

describe('renderMix', () => {
  it('covers the duration exactly, in chunks stamped with their start time', async () => {
    const { left, stamps } = await render([], 0.5);
    expect(left).toHaveLength(at(0.5));
    expect(stamps).toEqual(Array.from({ length: Math.ceil(at(0.5) / CHUNK_FRAMES) }, (_, i) => (i * CHUNK_FRAMES) / MIX_RATE));
  });

  it('places a layer at its start, sums layers at their gains, and limits at full scale', async () => {
    const late = constant(0.25);
    const { left } = await render(
      [
        { source: constant(0.5), start: 0, end: 1, gain: 1 },
        { source: late, start: 0.5, end: 1, gain: 2 },
        { source: constant(0.9), start: 0.75, end: 1, gain: 1 },
      ],
      1,
    );
    expect(left[at(0.25)]).toBe(0.5);
    expect(left[at(0.6)]).toBe(1);
    expect(left[at(0.9)]).toBe(1);
    expect(late.read_).toBe(at(0.5));
  });

  it('keeps a muted layer in step: it is still read for its whole span', async () => {
    const muted = constant(1);
    const { left } = await render([{ source: muted, start: 0.2, end: 0.7, gain: 0 }], 1);
    expect(Math.max(...left)).toBe(0);
    expect(muted.read_).toBe(at(0.5));
  });

  it('fades the whole mix in and out', async () => {
    const { left } = await render([{ source: constant(0.5), start: 0, end: 1, gain: 1 }], 1, { fadeIn: 0.5, fadeOut: 0.25 });
    expect(left[0]).toBe(0);
    expect(left[at(0.25)]).toBeCloseTo(0.25, 4);
    expect(left[at(0.5)]).toBeCloseTo(0.5, 6);
    expect(left[at(0.875)]).toBeCloseTo(0.25, 4);
  });

  it('crossfades two overlapping layers so their gains sum to one', async () => {
    const { left } = await render(
      [
        { source: constant(0.5), start: 0, end: 0.6, gain: 1, fadeOut: 0.2 },
        { source: constant(0.5), start: 0.4, end: 1, gain: 1, fadeIn: 0.2 },
      ],
      1,
    );
    for (const t of [0.3, 0.45, 0.5, 0.55, 0.7]) expect(left[at(t)]).toBeCloseTo(0.5, 4);
  });

  it('stops at once when cancelled', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    await expect(renderMix([], { duration: 1, signal: controller.signal, write: async () => {} })).rejects.toThrow('cancelled');
  });
});

describe('placing clips for Concat', () => {
  it('plays clips back to back, or overlapping by the crossfade, in whole output frames', () => {
    expect(placeClips([2, 1], 0, 30)).toEqual([
      { start: 0, stop: 2, first: 0, end: 60 },
      { start: 2, stop: 3, first: 60, end: 90 },
    ]);
    expect(placeClips([2, 1, 1], 0.5, 30).map((p) => [p.first, p.end])).toEqual([
      [0, 60],
      [45, 75],
      [60, 90],
    ]);
  });
});

describe('Conform frame size', () => {
  it('keeps sizes even and follows the aspect for a side left at 0', () => {
    expect(frameSize(320, 180, 640, 360)).toEqual([640, 360]);
    expect(frameSize(320, 180, 0, 720)).toEqual([1280, 720]);
    expect(frameSize(320, 180, 101, 0)).toEqual([102, 56]);
    expect(frameSize(319, 179, 0, 0)).toEqual([320, 180]);
  });
});
