/**
 * A procedural landscape ("coast at dusk") rendered to RGBA: the sample image the default graph
 * starts from, so a fresh install has something real to animate without any download.
 * It has clear depth layers (sky, far ridges, near ridges, sea, foreground rock) and a light
 * source, which is what camera moves and depth-aware parallax need to show themselves.
 */
import { mulberry32 } from './random';

/** Smooth 1-D value noise summed over octaves (fractal Brownian motion), range about 0..1. */
function fbm1d(random: () => number, octaves: number): (x: number) => number {
  const tables = Array.from({ length: octaves }, () => Float32Array.from({ length: 257 }, random));
  return (x) => {
    let sum = 0;
    let amplitude = 0.5;
    let frequency = 1;
    for (const table of tables) {
      const p = x * frequency * 8;
      const i = Math.floor(p);
      const f = p - i;
      const a = table[i & 255]!;
      const b = table[(i + 1) & 255]!;
      sum += amplitude * (a + (b - a) * f * f * (3 - 2 * f));
      amplitude /= 2;
      frequency *= 2;
    }
    return sum;
  };
}

type Rgb = readonly [number, number, number];

const mix = (a: Rgb, b: Rgb, t: number): Rgb => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

const SKY_TOP: Rgb = [28, 30, 74];
const SKY_MID: Rgb = [142, 76, 120];
const SKY_HORIZON: Rgb = [250, 160, 94];
const SUN: Rgb = [255, 236, 190];
const RIDGES: readonly { colour: Rgb; base: number; height: number; scale: number }[] = [
  { colour: [150, 96, 130], base: 0.6, height: 0.16, scale: 0.7 },
  { colour: [92, 60, 96], base: 0.63, height: 0.13, scale: 1.1 },
  { colour: [46, 34, 60], base: 0.66, height: 0.09, scale: 1.7 },
];
const SEA_NEAR: Rgb = [24, 28, 58];
const ROCK: Rgb = [14, 12, 22];

/** Renders the whole scene at once. */
export function renderSampleScene(width: number, height: number, seed: number): Uint8ClampedArray {
  const scene = sampleScene(width, height, seed);
  scene.render(0, height);
  return scene.pixels;
}

/**
 * The scene prepared for rendering in bands of rows, so a caller can report progress and stop
 * between bands; `render(y0, y1)` fills rows y0..y1-1 of `pixels`.
 */
export function sampleScene(width: number, height: number, seed: number): { pixels: Uint8ClampedArray; render: (y0: number, y1: number) => void } {
  const random = mulberry32(seed);
  const ridgeNoise = RIDGES.map(() => fbm1d(random, 5));
  const cloudNoise = fbm1d(random, 4);
  const shimmer = fbm1d(random, 3);
  const rockNoise = fbm1d(random, 5);
  const sunX = 0.62 + random() * 0.12;
  const horizon = 0.68;
  const sunY = 0.5;
  const aspect = width / height;
  const pixels = new Uint8ClampedArray(width * height * 4);
  const px = 1 / height; // one pixel in normalised units, for anti-aliased edges

  const ridgeTops = RIDGES.map((r, i) => Float32Array.from({ length: width }, (_, x) => r.base - r.height * ridgeNoise[i]!((x / width) * r.scale + i * 3.1)));
  const rockTop = Float32Array.from({ length: width }, (_, x) => {
    const u = x / width;
    return 0.82 + 0.2 * (u - 0.35) * (u - 0.35) * 4 - 0.08 * rockNoise(u * 1.6) + (u > 0.45 ? 1 : 0) * (u - 0.45) * 0.6;
  });

  const render = (y0: number, y1: number) => {
    for (let y = y0; y < y1; y++) {
      const v = y / height;
      for (let x = 0; x < width; x++) {
        const u = x / width;
        const dx = (u - sunX) * aspect;
        let colour: Rgb;
        if (v < horizon) {
          const t = v / horizon;
          colour = t < 0.55 ? mix(SKY_TOP, SKY_MID, t / 0.55) : mix(SKY_MID, SKY_HORIZON, (t - 0.55) / 0.45);
          const cloud = clamp01((cloudNoise(u * 0.9 + v * 2.2) - 0.52) * 4) * clamp01(1 - Math.abs(v - 0.28) * 5);
          colour = mix(colour, [236, 150, 140], cloud * 0.55);
        } else {
          const t = (v - horizon) / (1 - horizon);
          colour = mix(SKY_HORIZON, SEA_NEAR, Math.sqrt(t));
          const streak = Math.exp(-(dx * dx) / (0.002 + t * 0.02)) * (0.5 + shimmer(v * 40 + u * 3));
          colour = mix(colour, SUN, clamp01(streak * 0.7 * (1 - t)));
        }
        const dy = v - sunY;
        const sunDistance = Math.sqrt(dx * dx + dy * dy);
        if (v < horizon) {
          colour = mix(colour, SUN, clamp01(Math.exp(-sunDistance * 9) * 0.8));
          colour = mix(colour, SUN, clamp01((0.055 - sunDistance) / px / 1.5));
        }
        for (let i = 0; i < RIDGES.length; i++) {
          const cover = clamp01((v - ridgeTops[i]![x]!) / px) * clamp01((horizon - v) / px);
          if (cover > 0) colour = mix(colour, mix(RIDGES[i]!.colour, SKY_HORIZON, 0.15 * (2 - i) * (1 - clamp01((v - ridgeTops[i]![x]!) * 20))), cover);
        }
        const rock = clamp01((v - rockTop[x]!) / px);
        if (rock > 0) colour = mix(colour, mix(ROCK, [60, 40, 50], clamp01(1 - (v - rockTop[x]!) * 12) * 0.6), rock);

        const o = (y * width + x) * 4;
        pixels[o] = colour[0];
        pixels[o + 1] = colour[1];
        pixels[o + 2] = colour[2];
        pixels[o + 3] = 255;
      }
    }
  };
  return { pixels, render };
}
