/**
 * Lanczos-3 resampling of RGBA8 images in plain TypeScript: the CPU path of the Upscale node and
 * the reference the WebGPU path (lanczos-gpu.ts) is checked against.
 *
 * Separable: a horizontal pass into a Float32 intermediate, then a vertical pass, both reading
 * per-output weight tables built once per axis. Colour is filtered premultiplied by alpha, so a
 * transparent pixel's colour cannot bleed into its neighbours. An optional unsharp mask (3x3
 * binomial blur, radius about 1 px) runs on the filtered result before it is quantised to 8 bits.
 */

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

/** Resamples `image` to `width` x `height` with Lanczos-3, then sharpens if asked. */
export function resampleLanczos(image: RgbaImage, width: number, height: number, options: ResampleOptions = {}): RgbaImage {
  return { data: resampleLanczosBand(image, width, height, options, 0, height), width, height };
}

/**
 * Rows [first, end) of `resampleLanczos(image, width, height, options)`, bit for bit, made from
 * only the source rows they read: bands are independent, so they can run on several threads.
 */
export function resampleLanczosBand(image: RgbaImage, width: number, height: number, options: ResampleOptions, first: number, end: number): Uint8ClampedArray<ArrayBuffer> {
  checkSizes(image, width, height);
  if (!Number.isInteger(first) || !Number.isInteger(end) || first < 0 || end > height || first >= end) {
    throw new RangeError(`rows ${first}..${end} are not a band of a ${height}-row result`);
  }
  const y = axisWeights(image.height, height);
  // The source rows under the band's rows and, for the sharpen, one row more on each side.
  const [low, high] = sourceRows(y, Math.max(0, first - 1), Math.min(height, end + 1));
  const stride = image.width * 4;
  const rowsRead = { data: image.data.subarray(low * stride, (high + 1) * stride), width: image.width, height: high - low + 1 };
  const horizontal = resampleRows(rowsRead, axisWeights(image.width, width));
  // Row indices relative to the first row read; rows outside the band are never asked for.
  const shifted = { taps: y.taps, weights: y.weights, indices: y.indices.map((index) => index - low) };
  const rows = rowWindow(width * 4, height, columnResampler(horizontal, width, shifted));
  return finish(rows, width, first, end, options.sharpen ?? 0);
}

/** The lowest and highest source index the outputs [first, end) of one axis read. */
function sourceRows(axis: AxisWeights, first: number, end: number): [number, number] {
  let low = Infinity;
  let high = -Infinity;
  for (let k = first * axis.taps; k < end * axis.taps; k++) {
    low = Math.min(low, axis.indices[k]!);
    high = Math.max(high, axis.indices[k]!);
  }
  return [low, high];
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

/**
 * Horizontal pass: every source row, premultiplied into one scratch row (once per source pixel
 * rather than once per tap), to the output's width.
 */
function resampleRows(image: RgbaImage, x: AxisWeights): Float32Array {
  const { data, width: sourceWidth, height: rows } = image;
  const width = x.indices.length / x.taps;
  const out = new Float32Array(width * rows * 4);
  const source = new Float32Array(sourceWidth * 4);
  const { taps, indices, weights } = x;
  for (let y = 0; y < rows; y++) {
    premultiplyRow(data, y * sourceWidth * 4, source);
    let o = y * width * 4;
    for (let i = 0; i < width; i++, o += 4) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let k = i * taps, end = k + taps; k < end; k++) {
        const w = weights[k]!;
        const s = indices[k]! * 4;
        r += w * source[s]!;
        g += w * source[s + 1]!;
        b += w * source[s + 2]!;
        a += w * source[s + 3]!;
      }
      out[o] = r;
      out[o + 1] = g;
      out[o + 2] = b;
      out[o + 3] = a;
    }
  }
  return out;
}

function premultiplyRow(data: Uint8ClampedArray, offset: number, out: Float32Array): void {
  for (let i = 0; i < out.length; i += 4) {
    const a = data[offset + i + 3]!;
    out[i] = (data[offset + i]! * a) / 255;
    out[i + 1] = (data[offset + i + 1]! * a) / 255;
    out[i + 2] = (data[offset + i + 2]! * a) / 255;
    out[i + 3] = a;
  }
}

/**
 * Vertical pass for one output row at a time. Whole rows are combined so memory is read in
 * order; every table has at least six taps: those go in one expression and any further ones
 * (shrinking) in pairs, far fewer passes over the row than adding one tap at a time.
 */
function columnResampler(source: Float32Array, width: number, y: AxisWeights): (row: number, out: Float32Array) => void {
  const stride = width * 4;
  const { taps, indices, weights } = y;
  return (j, out) => {
    const k = j * taps;
    const [w0, w1, w2, w3, w4, w5] = weights.subarray(k, k + 6);
    const [s0, s1, s2, s3, s4, s5] = Array.from(indices.subarray(k, k + 6), (index) => index * stride);
    for (let i = 0; i < stride; i++) {
      out[i] = w0! * source[s0! + i]! + w1! * source[s1! + i]! + w2! * source[s2! + i]! + w3! * source[s3! + i]! + w4! * source[s4! + i]! + w5! * source[s5! + i]!;
    }
    for (let m = k + 6; m < k + taps; m += 2) {
      const [wa, wb] = [weights[m]!, weights[m + 1]!];
      const [sa, sb] = [indices[m]! * stride, indices[m + 1]! * stride];
      for (let i = 0; i < stride; i++) out[i]! += wa * source[sa + i]! + wb * source[sb + i]!;
    }
  };
}

/**
 * Output rows of the vertical pass made on demand, keeping only the last three: all the sharpen
 * needs, so the full-size float image is never held. Asked for in order, each is made once.
 */
function rowWindow(stride: number, height: number, make: (row: number, out: Float32Array) => void): (row: number) => Float32Array {
  const slots = [new Float32Array(stride), new Float32Array(stride), new Float32Array(stride)];
  const held = [-1, -1, -1];
  return (row) => {
    const y = Math.min(height - 1, Math.max(0, row)); // clamped: the edge row repeats
    const slot = y % 3;
    if (held[slot] !== y) {
      make(y, slots[slot]!);
      held[slot] = y;
    }
    return slots[slot]!;
  };
}

/**
 * Sharpens (value + amount * (value - blur)) and quantises rows [first, end) back to straight-alpha RGBA8.
 * The blur is [1 2 1]^T [1 2 1] / 16 with clamped edges, done as a vertical sum per row then a
 * horizontal sum, so it needs two rows of scratch memory instead of a second image.
 */
function finish(rows: (row: number) => Float32Array, width: number, first: number, end: number, amount: number): Uint8ClampedArray<ArrayBuffer> {
  const stride = width * 4;
  const out = new Uint8ClampedArray(stride * (end - first));
  const columns = new Float32Array(stride);
  const sharpened = new Float32Array(stride);
  for (let y = first; y < end; y++) {
    if (amount <= 0) {
      quantiseRow(rows(y), out, (y - first) * stride);
      continue;
    }
    const [above, row, below] = [rows(y - 1), rows(y), rows(y + 1)];
    for (let i = 0; i < stride; i++) columns[i] = above[i]! + 2 * row[i]! + below[i]!;
    sharpenRow(row, columns, amount, sharpened);
    quantiseRow(sharpened, out, (y - first) * stride);
  }
  return out;
}

/** One row of the unsharp mask, given the row's vertical [1 2 1] sums; edge pixels repeat. */
function sharpenRow(row: Float32Array, columns: Float32Array, amount: number, out: Float32Array): void {
  const last = row.length - 1;
  for (let i = 0; i < row.length; i++) {
    // Neighbours are 4 values (one pixel) apart; clamped at the row's ends.
    const blur = (columns[i < 4 ? i : i - 4]! + 2 * columns[i]! + columns[i + 4 > last ? i : i + 4]!) / 16;
    out[i] = row[i]! + amount * (row[i]! - blur);
  }
}

/**
 * Premultiplied floats to straight RGBA8. The Uint8ClampedArray store clamps Lanczos overshoot
 * to 0..255 and rounds half to even, as WGSL's round() does on the GPU path; a colour above its
 * alpha comes out above 255 and clamps, the same as clamping it to alpha first.
 */
function quantiseRow(row: Float32Array, out: Uint8ClampedArray, offset: number): void {
  for (let i = 0; i < row.length; i += 4) {
    const p = offset + i;
    out[p + 3] = row[i + 3]!;
    if (out[p + 3] === 0) continue; // fully transparent: colour is meaningless, leave it 0
    const k = 255 / Math.min(255, row[i + 3]!);
    out[p] = row[i]! * k;
    out[p + 1] = row[i + 1]! * k;
    out[p + 2] = row[i + 2]! * k;
  }
}
