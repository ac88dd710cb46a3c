/**
 * Frames for the encoder as players assume video is made: 8-bit 4:2:0, limited range ("TV",
 * Y 16..235), BT.709 matrix, primaries and transfer. Handing WebCodecs RGBA (a canvas) instead
 * makes Chromium write full range with the sRGB transfer, which a player that ignores the range
 * flag (many do) shows with crushed shadows and clipped highlights. The sRGB code values are kept
 * as they are: tagging them BT.709 is what ffmpeg, editors and cameras do with such pictures.
 */
import { i420Size } from '../../metrics/frame';
import type { LumaEncoding } from '../../metrics/identity';
import { kernel, layout } from '../wasm';
import { RGBA_I420_WASM_BASE64 } from './rgba-i420-wasm';

export const REC709: VideoColorSpaceInit = { primaries: 'bt709', transfer: 'bt709', matrix: 'bt709', fullRange: false };

/** Red and blue luma weights of each matrix (green takes the rest). */
const WEIGHTS = { bt601: [0.299, 0.114], bt709: [0.2126, 0.0722] } as const;
const ONE = 1 << 16;
const HALF = 1 << 15;

interface Coefficients {
  y: readonly [number, number, number];
  u: readonly [number, number, number];
  v: readonly [number, number, number];
  offset: number;
}

/** The 16.16 fixed-point weights of `encoding`: studio range scales Y to 219 levels and chroma to 224. */
function coefficients({ matrix, fullRange }: LumaEncoding): Coefficients {
  const [kr, kb] = WEIGHTS[matrix];
  const kg = 1 - kr - kb;
  const [ys, cs] = fullRange ? [1, 1] : [219 / 255, 224 / 255];
  const fixed = (x: number) => Math.round(x * ONE);
  return {
    y: [fixed(kr * ys), fixed(kg * ys), fixed(kb * ys)],
    // Cb = (B - Y) / (2 (1 - Kb)), Cr = (R - Y) / (2 (1 - Kr)).
    u: [fixed((-kr / (2 * (1 - kb))) * cs), fixed((-kg / (2 * (1 - kb))) * cs), fixed(0.5 * cs)],
    v: [fixed(0.5 * cs), fixed((-kg / (2 * (1 - kr))) * cs), fixed((-kb / (2 * (1 - kr))) * cs)],
    offset: fullRange ? 0 : 16,
  };
}

const LIMITED_709: LumaEncoding = { matrix: 'bt709', fullRange: false };

/** The conversion's exports (rgba-i420.wat); addresses are byte offsets into `memory`. */
interface I420Kernel {
  readonly memory: WebAssembly.Memory;
  luma(src: number, dst: number, count: number, kr: number, kg: number, kb: number, offset: number): void;
  chroma(top: number, bottom: number, width: number, u: number, v: number, ur: number, ug: number, ub: number, vr: number, vg: number, vb: number, offset: number): void;
}

/** One instance per thread, its memory grown to the largest frame converted so far. */
const i420Kernel = kernel<I420Kernel>(RGBA_I420_WASM_BASE64);

/**
 * I420 from RGBA (alpha ignored) in `encoding` (limited-range BT.709 unless told), into `out`
 * when given. Chroma is each 2x2 block's mean (ffmpeg filters it instead: within a level on
 * average). Rounds to nearest.
 */
export function rgbaToI420(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number, encoding = LIMITED_709, out = new Uint8Array(i420Size(width, height))): Uint8Array {
  out.set(convert(rgba, width, height, encoding));
  return out;
}

/** A VideoFrame of `rgba` converted to limited-range BT.709 I420, tagged so; times in microseconds. */
export function rec709Frame(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number, timestamp: number, duration: number): VideoFrame {
  // The frame copies the planes into memory the browser pools; writing them into a new buffer
  // per frame instead costs ~9 ms a 1080p frame, most of it faulting in fresh pages.
  const init = { format: 'I420', codedWidth: width, codedHeight: height, timestamp, duration, colorSpace: REC709 } as const;
  return new VideoFrame(convert(rgba, width, height, LIMITED_709), init);
}

/** rgbaToI420's planes in the kernel's memory: valid until the next conversion in this thread. */
function convert(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number, encoding: LumaEncoding): Uint8Array {
  const { y: [yr, yg, yb], u: [ur, ug, ub], v: [vr, vg, vb], offset } = coefficients(encoding);
  const cOffset = (128 << 16) + HALF;
  const cw = Math.ceil(width / 2);
  const ch = Math.ceil(height / 2);
  const pixels = width * height;
  const size = i420Size(width, height);
  const wasm = i420Kernel();
  const at = layout(wasm.memory, { rgba: pixels * 4, i420: size });
  new Uint8Array(wasm.memory.buffer, at.rgba, pixels * 4).set(rgba.subarray(0, pixels * 4));
  wasm.luma(at.rgba, at.i420, pixels, yr, yg, yb, (offset << 16) + HALF);
  const row = width * 4;
  for (let cy = 0; cy < ch; cy++) {
    // An odd height's last block row pairs the last row with itself.
    const top = at.rgba + 2 * cy * row;
    const bottom = at.rgba + Math.min(2 * cy + 1, height - 1) * row;
    wasm.chroma(top, bottom, width, at.i420 + pixels + cy * cw, at.i420 + pixels + cw * ch + cy * cw, ur, ug, ub, vr, vg, vb, cOffset);
  }
  return new Uint8Array(wasm.memory.buffer, at.i420, size);
}
