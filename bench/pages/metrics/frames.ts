/**
 * The frame pairs suite `metrics` and the GPU/CPU agreement test compare: a Sample image scene
 * as I420 (BT.601 studio range, chroma averaged 2x2), and the same scene with seeded noise, so
 * SSIM is well below 1. Made the same way in the page and in Node, for native ffmpeg.
 */
import { i420, i420Size, type PlanarFrame } from '../../../src/metrics/frame';
import { renderSampleScene } from '../../../src/media/sample-scene';

/** Packed I420 bytes of pair member `which` for `seed`. */
export function framePairBytes(width: number, height: number, seed: number, which: 'a' | 'b'): Uint8Array {
  const rgba = renderSampleScene(width, height, seed);
  const out = new Uint8Array(i420Size(width, height));
  let state = seed * 2654435761 + 1;
  const noise = () => {
    state = (state * 1103515245 + 12345) >>> 0;
    return which === 'b' ? ((state >>> 16) % 25) - 12 : 0;
  };
  const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
  for (let i = 0; i < width * height; i++) {
    const [r, g, b] = [rgba[i * 4]!, rgba[i * 4 + 1]!, rgba[i * 4 + 2]!];
    out[i] = clamp(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255 + noise());
  }
  const cw = Math.ceil(width / 2);
  const ch = Math.ceil(height / 2);
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      let [r, g, b, n] = [0, 0, 0, 0];
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) {
        const px = Math.min(width - 1, 2 * x + dx);
        const py = Math.min(height - 1, 2 * y + dy);
        const i = (py * width + px) * 4;
        r += rgba[i]!;
        g += rgba[i + 1]!;
        b += rgba[i + 2]!;
        n++;
      }
      [r, g, b] = [r / n, g / n, b / n];
      out[width * height + y * cw + x] = clamp(128 + (-37.797 * r - 74.203 * g + 112 * b) / 255 + noise());
      out[width * height + cw * ch + y * cw + x] = clamp(128 + (112 * r - 93.786 * g - 18.214 * b) / 255 + noise());
    }
  }
  return out;
}

export function framePair(width: number, height: number, seed: number): [PlanarFrame, PlanarFrame] {
  return [i420(framePairBytes(width, height, seed, 'a'), width, height), i420(framePairBytes(width, height, seed, 'b'), width, height)];
}
