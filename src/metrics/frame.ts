/**
 * Planar frames as the metrics see them: 8-bit planes with a stride, the layout WebCodecs'
 * VideoFrame.copyTo gives for I420 and ffmpeg's rawvideo gives for yuv420p. Plain data, so the
 * same functions run in the worker, in Node tests and in the CLI.
 */

export interface Plane {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  /** Bytes from the start of one row to the start of the next (>= width). */
  readonly stride: number;
}

/** A frame's planes in order: Y, U, V for I420 (chroma planes half size, rounded up). */
export interface PlanarFrame {
  readonly planes: readonly Plane[];
}

/** A plane with rows packed end to end. */
export function plane(data: Uint8Array, width: number, height: number, stride = width): Plane {
  if (width < 1 || height < 1) throw new RangeError(`a plane needs a positive size, got ${width}x${height}`);
  if (stride < width || data.length < stride * (height - 1) + width) {
    throw new RangeError(`a ${width}x${height} plane with stride ${stride} needs ${stride * (height - 1) + width} bytes, got ${data.length}`);
  }
  return { data, width, height, stride };
}

/** Splits one packed I420 (yuv420p) frame, as ffmpeg's rawvideo writes it, into its planes. */
export function i420(data: Uint8Array, width: number, height: number): PlanarFrame {
  const cw = Math.ceil(width / 2);
  const ch = Math.ceil(height / 2);
  const ySize = width * height;
  const cSize = cw * ch;
  if (data.length < ySize + 2 * cSize) throw new RangeError(`an I420 ${width}x${height} frame needs ${ySize + 2 * cSize} bytes, got ${data.length}`);
  return {
    planes: [
      plane(data.subarray(0, ySize), width, height),
      plane(data.subarray(ySize, ySize + cSize), cw, ch),
      plane(data.subarray(ySize + cSize, ySize + 2 * cSize), cw, ch),
    ],
  };
}

/** The byte size of one packed I420 frame. */
export function i420Size(width: number, height: number): number {
  return width * height + 2 * Math.ceil(width / 2) * Math.ceil(height / 2);
}

/** The luma plane (the first), which every structural metric reads. */
export function luma(frame: PlanarFrame): Plane {
  const y = frame.planes[0];
  if (!y) throw new RangeError('a frame needs at least one plane');
  return y;
}

export function sameSize(a: Plane, b: Plane, what: string): void {
  if (a.width !== b.width || a.height !== b.height) {
    throw new RangeError(`${what}: planes differ in size (${a.width}x${a.height} against ${b.width}x${b.height})`);
  }
}

/** Mean of a plane's samples. */
export function meanOf(p: Plane): number {
  let sum = 0;
  for (let y = 0; y < p.height; y++) {
    const row = y * p.stride;
    for (let x = 0; x < p.width; x++) sum += p.data[row + x]!;
  }
  return sum / (p.width * p.height);
}

/**
 * Width the structural analyses (motion, identity) look at: structure, not grain, and the same
 * cost whatever the clip's size.
 */
export const ANALYSIS_WIDTH = 160;

/**
 * A smaller copy of `p`, at most `maxWidth` wide, by averaging whole factor x factor boxes, so
 * analyses that look at structure (motion, alignment) cost the same whatever the clip's size.
 * Returns the factor used; 1 keeps the plane's size (still packed).
 */
export function shrink(p: Plane, maxWidth: number): { plane: Plane; factor: number } {
  const factor = Math.max(1, Math.ceil(p.width / maxWidth));
  return { plane: shrinkBy(p, factor), factor };
}

/** A copy of `p` smaller by a whole `factor`, each pixel the mean of a factor x factor box. */
export function shrinkBy(p: Plane, factor: number): Plane {
  const width = Math.floor(p.width / factor);
  const height = Math.max(1, Math.floor(p.height / factor));
  const out = new Uint8Array(width * height);
  const area = factor * factor;
  const columns = new Uint32Array(width * factor);
  for (let y = 0; y < height; y++) {
    // The box's rows added column by column, reading memory in order, then each box's columns.
    columns.fill(0);
    for (let dy = 0; dy < factor; dy++) {
      const row = (y * factor + dy) * p.stride;
      for (let x = 0; x < columns.length; x++) columns[x]! += p.data[row + x]!;
    }
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let dx = 0; dx < factor; dx++) sum += columns[x * factor + dx]!;
      out[y * width + x] = Math.round(sum / area);
    }
  }
  return plane(out, width, height);
}
