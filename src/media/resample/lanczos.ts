/**
 * Lanczos-3 resampling of RGBA8 images on the CPU: the CPU path of the Upscale node and the
 * reference the WebGPU path (lanczos-gpu.ts) is checked against.
 *
 * Separable: a horizontal pass, then a vertical pass, both reading per-output weight tables built
 * once per axis, in f32 as the GPU path computes. Colour is filtered premultiplied by alpha, so a
 * transparent pixel's colour cannot bleed into its neighbours. An optional unsharp mask (3x3
 * binomial blur, radius about 1 px) runs on the filtered result before it is quantised to 8 bits.
 * The per-pixel loops are WebAssembly SIMD (lanczos.wat, one RGBA pixel per f32x4); this file
 * builds the tables and decides which rows are made when.
 */
import { layout } from '../wasm';
import { simdKernel } from './lanczos-kernel';

/** Lobes of the kernel: a = 3, as ffmpeg's `flags=lanczos` uses by default. */
export const LANCZOS_LOBES = 3;

/** 8-bit RGBA pixels, row-major, not premultiplied (what ImageData and PNG hold). */
export interface RgbaImage {
  readonly data: Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
}

export interface ResampleOptions {
  /** Unsharp-mask amount 0..1 applied after resampling; 0 turns it off. */
  sharpen?: number;
}

/**
 * Which source samples make each output sample along one axis, and with what weight.
 * Every output position uses the same number of taps, so both tables are flat arrays.
 */
export interface AxisWeights {
  readonly taps: number;
  /** Source index (already clamped to the edge) of tap k of output i, at `i * taps + k`. */
  readonly indices: Int32Array;
  /** Weight of that tap; the taps of one output sum to 1. */
  readonly weights: Float32Array;
}

/** The Lanczos kernel sinc(x) * sinc(x / a), zero outside |x| < a. */
export function lanczosKernel(x: number): number {
  if (x === 0) return 1;
  if (Math.abs(x) >= LANCZOS_LOBES) return 0;
  const px = Math.PI * x;
  return (LANCZOS_LOBES * Math.sin(px) * Math.sin(px / LANCZOS_LOBES)) / (px * px);
}

/** Builds one axis's weight table, mapping pixel centres onto pixel centres (as ffmpeg does). */
export function axisWeights(sourceSize: number, targetSize: number): AxisWeights {
  const scale = targetSize / sourceSize;
  // Shrinking widens the kernel over more source pixels, so it low-passes instead of aliasing.
  const stretch = Math.max(1, 1 / scale);
  const halfTaps = Math.ceil(LANCZOS_LOBES * stretch);
  const taps = 2 * halfTaps;
  const indices = new Int32Array(targetSize * taps);
  const weights = new Float32Array(targetSize * taps);
  const raw = new Float64Array(taps);
  for (let i = 0; i < targetSize; i++) {
    const centre = (i + 0.5) / scale - 0.5;
    const first = Math.floor(centre) - halfTaps + 1;
    let sum = 0;
    for (let k = 0; k < taps; k++) {
      raw[k] = lanczosKernel((first + k - centre) / stretch);
      sum += raw[k]!;
      // Clamping repeats the edge pixel: borders neither darken nor wrap around.
      indices[i * taps + k] = Math.min(sourceSize - 1, Math.max(0, first + k));
    }
    for (let k = 0; k < taps; k++) weights[i * taps + k] = raw[k]! / sum;
  }
  return { taps, indices, weights };
}

/** Resamples `image` to `width` x `height` with Lanczos-3, then sharpens if asked; into `into` when given. */
export function resampleLanczos(image: RgbaImage, width: number, height: number, options: ResampleOptions = {}, into?: Uint8ClampedArray<ArrayBuffer>): RgbaImage {
  return { data: resampleLanczosBand(image, width, height, options, 0, height, into), width, height };
}

/**
 * Rows [first, end) of `resampleLanczos(image, width, height, options)`, bit for bit, made from
 * only the source rows they read: bands are independent, so they can run on several threads.
 *
 * Work goes row by row through a few rows of kernel memory, never a whole float image: a source
 * row is copied in, premultiplied and filtered along x into a ring of `taps` rows (each made once,
 * as output rows read source rows in order), output rows are filtered along y from the ring into a
 * window of three (all the sharpen needs), then sharpened, quantised and copied out, into `into`
 * when given (a buffer the caller reuses, so a video's frames allocate nothing each).
 */
export function resampleLanczosBand(
  image: RgbaImage,
  width: number,
  height: number,
  options: ResampleOptions,
  first: number,
  end: number,
  into?: Uint8ClampedArray<ArrayBuffer>,
): Uint8ClampedArray<ArrayBuffer> {
  checkSizes(image, width, height);
  if (!Number.isInteger(first) || !Number.isInteger(end) || first < 0 || end > height || first >= end) {
    throw new RangeError(`rows ${first}..${end} are not a band of a ${height}-row result`);
  }
  const out = into ?? new Uint8ClampedArray(width * 4 * (end - first));
  if (out.length !== width * 4 * (end - first)) throw new RangeError(`rows ${first}..${end} of a ${width} px wide result take ${width * 4 * (end - first)} bytes, not ${out.length}`);
  const x = axisWeights(image.width, width);
  const y = axisWeights(image.height, height);
  const kernel = simdKernel();
  const floatRow = width * 16;
  const at = layout(kernel.memory, {
    offsets: x.indices.length * 4,
    xWeights: x.weights.length * 4,
    rows: y.taps * 4,
    yWeights: y.taps * 4,
    sourceBytes: image.width * 4,
    source: image.width * 16,
    ring: y.taps * floatRow,
    window: 3 * floatRow,
    sharpened: floatRow,
    quantised: width * 4,
  });
  const memory = kernel.memory.buffer;
  new Int32Array(memory, at.offsets, x.indices.length).set(x.indices.map((index) => index * 16));
  new Float32Array(memory, at.xWeights, x.weights.length).set(x.weights);
  const rowAddresses = new Int32Array(memory, at.rows, y.taps);
  const rowWeights = new Float32Array(memory, at.yWeights, y.taps);
  const sourceBytes = new Uint8Array(memory, at.sourceBytes, image.width * 4);

  const sourceStride = image.width * 4;
  const ring = new Int32Array(y.taps).fill(-1);
  /** Address of source row `row` filtered along x, made if the ring does not hold it. */
  const filteredRow = (row: number): number => {
    const slot = row % y.taps;
    const address = at.ring + slot * floatRow;
    if (ring[slot] !== row) {
      sourceBytes.set(image.data.subarray(row * sourceStride, (row + 1) * sourceStride));
      kernel.premultiply(at.sourceBytes, at.source, image.width);
      kernel.horizontal(at.source, address, width, x.taps, at.offsets, at.xWeights);
      ring[slot] = row;
    }
    return address;
  };

  const window = [-1, -1, -1];
  /** Address of output row `row` (clamped: the edge row repeats) before sharpening. */
  const outputRow = (row: number): number => {
    const j = Math.min(height - 1, Math.max(0, row));
    const address = at.window + (j % 3) * floatRow;
    if (window[j % 3] !== j) {
      const taps = j * y.taps;
      for (let k = 0; k < y.taps; k++) {
        rowAddresses[k] = filteredRow(y.indices[taps + k]!);
        rowWeights[k] = y.weights[taps + k]!;
      }
      // Every table has at least six taps; shrinking adds more, one pass each.
      kernel.vertical(address, width, at.rows, at.yWeights);
      for (let k = 6; k < y.taps; k++) kernel.accumulate(address, width, rowAddresses[k]!, rowWeights[k]!);
      window[j % 3] = j;
    }
    return address;
  };

  const amount = options.sharpen ?? 0;
  const quantised = new Uint8ClampedArray(memory, at.quantised, width * 4);
  for (let row = first; row < end; row++) {
    if (amount > 0) {
      kernel.sharpen(outputRow(row - 1), outputRow(row), outputRow(row + 1), at.sharpened, width, amount);
      kernel.quantise(at.sharpened, at.quantised, width);
    } else {
      kernel.quantise(outputRow(row), at.quantised, width);
    }
    out.set(quantised, (row - first) * width * 4);
  }
  return out;
}

/** Rejects sizes that would make empty or mis-sized buffers, naming what is wrong. */
export function checkSizes(image: RgbaImage, width: number, height: number): void {
  if (image.data.length !== image.width * image.height * 4) {
    throw new RangeError(`expected ${image.width * image.height * 4} bytes of RGBA for ${image.width}x${image.height}, got ${image.data.length}`);
  }
  for (const [name, value] of [['source width', image.width], ['source height', image.height], ['width', width], ['height', height]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a whole number of pixels >= 1, got ${value}`);
  }
}

