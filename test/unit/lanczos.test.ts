/** The CPU Lanczos-3 resampler: invariants, alpha handling, and native ffmpeg as an oracle. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodePng } from '../../src/media/png';
import { axisWeights, resampleLanczos, type RgbaImage } from '../../src/media/resample/lanczos';
import { renderSampleScene } from '../../src/media/sample-scene';

function solid(width: number, height: number, rgba: readonly number[]): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = rgba[i % 4]!;
  return { data, width, height };
}

function pixel(image: RgbaImage, x: number, y: number): number[] {
  const i = (y * image.width + x) * 4;
  return [...image.data.subarray(i, i + 4)];
}

/** PSNR over the colour channels only: alpha is 255 everywhere here and would inflate it. */
function psnrRgb(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let squared = 0;
  let count = 0;
  for (let i = 0; i < a.length; i++) {
    if (i % 4 === 3) continue;
    squared += (a[i]! - b[i]!) ** 2;
    count++;
  }
  return squared === 0 ? Infinity : 10 * Math.log10((255 * 255 * count) / squared);
}

describe('axis weights', () => {
  it('uses six taps when enlarging and widens the kernel when shrinking', () => {
    expect(axisWeights(320, 640).taps).toBe(6);
    expect(axisWeights(320, 160).taps).toBe(12);
  });

  it('sums to 1 for every output and only indexes inside the source', () => {
    for (const [from, to] of [[320, 640], [320, 161], [7, 50], [1, 9]] as const) {
      const { taps, indices, weights } = axisWeights(from, to);
      for (let i = 0; i < to; i++) {
        const sum = weights.subarray(i * taps, (i + 1) * taps).reduce((s, w) => s + w, 0);
        expect(sum).toBeCloseTo(1, 5);
      }
      expect(Math.min(...indices)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...indices)).toBeLessThan(from);
    }
  });
});

describe('resampleLanczos', () => {
  it('makes the size asked for, enlarging or shrinking, by any ratio', () => {
    const source = solid(320, 180, [10, 20, 30, 255]);
    for (const [width, height] of [[640, 360], [1280, 720], [641, 359], [100, 57], [1, 1], [320, 180]] as const) {
      const out = resampleLanczos(source, width, height);
      expect([out.width, out.height, out.data.length]).toEqual([width, height, width * height * 4]);
    }
  });

  it('keeps a constant image constant, sharpened or not, opaque or translucent', () => {
    for (const colour of [[120, 60, 200, 255], [250, 3, 99, 128]]) {
      for (const sharpen of [0, 0.2, 1]) {
        for (const [width, height] of [[94, 61], [10, 7]] as const) {
          const out = resampleLanczos(solid(37, 23, colour), width, height, { sharpen });
          const distinct = new Set<string>();
          for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) distinct.add(pixel(out, x, y).join(','));
          expect([...distinct]).toEqual([colour.join(',')]);
        }
      }
    }
  });

  it('keeps a smooth gradient monotonic through a 2x enlargement', () => {
    const width = 64;
    const source = solid(width, 8, [0, 0, 0, 255]);
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < width; x++) {
        // A raised cosine: flat at both ends, so the clamped border adds no kink to ring on.
        const value = Math.round(255 * (0.5 - 0.5 * Math.cos((Math.PI * x) / (width - 1))));
        source.data.fill(value, (y * width + x) * 4, (y * width + x) * 4 + 3);
      }
    }
    const out = resampleLanczos(source, width * 2, 16);
    for (let y = 0; y < 16; y++) {
      const row = Array.from({ length: width * 2 }, (_, x) => pixel(out, x, y)[0]!);
      for (let x = 1; x < row.length; x++) expect(row[x]!).toBeGreaterThanOrEqual(row[x - 1]!);
      expect([row[0], row.at(-1)]).toEqual([0, 255]);
    }
  });

  it('filters in premultiplied alpha: a transparent pixel lends no colour to its neighbours', () => {
    // Left half invisible red, right half opaque blue: straight-alpha filtering would blend red in.
    const source = solid(16, 4, [0, 0, 255, 255]);
    for (let y = 0; y < 4; y++) for (let x = 0; x < 8; x++) source.data.set([255, 0, 0, 0], (y * 16 + x) * 4);
    const out = resampleLanczos(source, 32, 8, { sharpen: 0.5 });
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 32; x++) {
        const [r, , b, a] = pixel(out, x, y);
        if (a! > 0) expect([r, b]).toEqual([0, 255]);
      }
    }
    expect(pixel(out, 0, 0)[3]).toBe(0);
    expect(pixel(out, 31, 0)[3]).toBe(255);
  });

  it('sharpening raises local contrast', () => {
    const source = renderSampleScene(160, 90, 3);
    const plain = resampleLanczos({ data: source, width: 160, height: 90 }, 320, 180).data;
    const sharp = resampleLanczos({ data: source, width: 160, height: 90 }, 320, 180, { sharpen: 1 }).data;
    const contrast = (d: Uint8ClampedArray) => {
      let sum = 0;
      for (let i = 4; i < d.length; i++) if (i % 4 !== 3) sum += Math.abs(d[i]! - d[i - 4]!);
      return sum;
    };
    expect(contrast(sharp)).toBeGreaterThan(contrast(plain) * 1.05);
  });
});

describe('against native ffmpeg', () => {
  const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0;

  function ffmpeg(args: string[]): void {
    const run = spawnSync('ffmpeg', ['-v', 'error', '-y', ...args], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed: ${run.stderr}`);
  }

  // ffmpeg's `lanczos` is a = 3 with centre-aligned pixels, as ours. Measured here (ffmpeg 5.1):
  // 67.3 dB, no channel off by more than 1 level. The brief's floor, 35 dB, does not tell filters
  // apart on this smooth scene (ffmpeg's own nearest-neighbour scores 41 dB against ours, bilinear
  // 47, bicubic 54, Lanczos-2 53), so the test asks for 60 dB, which only a matching Lanczos-3 reaches.
  const MIN_PSNR_DB = 60;

  it(`enlarges 320x180 to 640x360 within PSNR >= ${MIN_PSNR_DB} dB of ffmpeg lanczos`, async ({ skip }) => {
    skip(!hasFfmpeg, 'ffmpeg is not on PATH, so the native Lanczos oracle cannot run (apt-get install ffmpeg)');
    const dir = mkdtempSync(join(tmpdir(), 'stillmotion-lanczos-'));
    try {
      const png = await encodePng(renderSampleScene(320, 180, 7), 320, 180);
      writeFileSync(join(dir, 'in.png'), new Uint8Array(await png.arrayBuffer()));
      // Both sides start from ffmpeg's own decoding of the same PNG.
      ffmpeg(['-i', join(dir, 'in.png'), '-f', 'rawvideo', '-pix_fmt', 'rgba', join(dir, 'in.rgba')]);
      const scale = 'scale=640:360:flags=lanczos+accurate_rnd+full_chroma_int';
      ffmpeg(['-i', join(dir, 'in.png'), '-vf', scale, '-f', 'rawvideo', '-pix_fmt', 'rgba', join(dir, 'out.rgba')]);
      const source = new Uint8ClampedArray(readFileSync(join(dir, 'in.rgba')));
      const ours = resampleLanczos({ data: source, width: 320, height: 180 }, 640, 360);
      const theirs = readFileSync(join(dir, 'out.rgba'));
      expect(theirs.length).toBe(ours.data.length);
      const psnr = psnrRgb(ours.data, theirs);
      console.log(`PSNR against ffmpeg lanczos, 320x180 -> 640x360: ${psnr.toFixed(2)} dB`);
      expect(psnr).toBeGreaterThanOrEqual(MIN_PSNR_DB);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
