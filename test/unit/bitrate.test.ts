/** What each Quality asks of every codec: YouTube's upload bitrates at High, less at Medium and Low. */
import { describe, expect, it } from 'vitest';
import { qualityBitrate } from '../../src/media/video/bitrate';

describe('quality bitrates', () => {
  it.each([
    [640, 360, 30, 1e6],
    [1280, 720, 30, 5e6],
    [1920, 1080, 30, 8e6],
    [1920, 1080, 24, 8e6],
    [1280, 720, 60, 7.5e6],
    [1920, 1080, 60, 12e6],
    [3840, 2160, 30, 40e6],
  ])('High at %ix%i, %i fps is what YouTube recommends for upload: %d b/s', (width, height, fps, expected) => {
    expect(qualityBitrate(width, height, fps, 'high')).toBe(expected);
  });

  it('grows with the picture between the table sizes and in proportion beyond them', () => {
    const sizes = [
      [320, 180],
      [640, 360],
      [960, 540],
      [1280, 720],
      [1080, 1920],
      [3840, 2160],
      [7680, 4320],
    ] as const;
    const rates = sizes.map(([w, h]) => qualityBitrate(w, h, 30, 'high'));
    for (let i = 1; i < rates.length; i++) expect(rates[i]).toBeGreaterThan(rates[i - 1]!);
    expect(qualityBitrate(320, 180, 30, 'high')).toBe(250_000);
  });

  it('asks Medium and Low for the same share of High on every size', () => {
    expect(qualityBitrate(1280, 720, 30, 'medium')).toBe(3e6);
    expect(qualityBitrate(1280, 720, 30, 'low')).toBe(1.75e6);
  });
});
