import { describe, expect, it } from 'vitest';
import { frame } from '../../src/media/framing';

const centre = { x: 0.5, y: 0.5 };

describe('framing a picture to an aspect', () => {
  it('crops a landscape photo to 9:16 around the focus point, at full height', () => {
    const f = frame(4000, 3000, '9:16', 'crop', { x: 0.9, y: 0.5 });
    expect([f.width, f.height]).toEqual([1686, 3000]);
    expect(f.source.x + f.source.width).toBeCloseTo(4000); // pushed against the right edge
  });

  it('keeps the focus point centred when the edges allow', () => {
    const f = frame(4000, 3000, '1:1', 'crop', { x: 0.5, y: 0.5 });
    expect(f.source).toEqual({ x: 500, y: 0, width: 3000, height: 3000 });
  });

  it('fits a portrait photo into 16:9 with bars, keeping all of it', () => {
    const f = frame(1080, 1920, '16:9', 'fit', centre);
    expect([f.width, f.height]).toEqual([3412, 1920]);
    expect(f.target.height).toBeCloseTo(1920);
    expect(f.target.x).toBeCloseTo((3412 - 1080) / 2);
  });

  it('leaves the original aspect alone, rounding down to even sizes for video', () => {
    expect(frame(1001, 777, 'original', 'crop', centre)).toMatchObject({ width: 1000, height: 776 });
  });
});
