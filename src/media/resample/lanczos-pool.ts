/**
 * The CPU Lanczos path on several threads (a WorkerPool): the result's rows split into bands per
 * worker (resampleLanczosBand), so the pixels are exactly those of resampleLanczos. The buffers a
 * worker reads and writes go to it and come back, and are lent again for the next image of the same sizes: a
 * video's frames allocate nothing per frame, where each used to leave tens of MiB to collect.
 */
import { bandEdges, WorkerPool } from '../worker-pool';
import type { RgbaImage, ResampleOptions } from './lanczos';

/** Bands per worker per image; more bands mean less scratch memory and a few more edge rows. */
const BANDS_PER_WORKER = 4;

export interface BandRequest {
  /** The worker's own copy of the source, handed back in the reply. */
  image: RgbaImage & { data: Uint8ClampedArray<ArrayBuffer> };
  width: number;
  height: number;
  sharpen: number;
  /** Row ranges [first, end) of the result, made one after another from the one copy of `image`. */
  bands: [number, number][];
  /** Where each band is written, one buffer per band, handed back in the reply. */
  parts: Uint8ClampedArray<ArrayBuffer>[];
}

/** The band buffers filled, and the source copy, back for the next request. */
export interface BandReply {
  parts: Uint8ClampedArray<ArrayBuffer>[];
  source: Uint8ClampedArray<ArrayBuffer>;
}

/** The buffers a worker last gave back, for its next request. */
interface Spares {
  source?: Uint8ClampedArray<ArrayBuffer>;
  parts: Uint8ClampedArray<ArrayBuffer>[];
}

export class LanczosPool {
  private readonly pool: WorkerPool<BandRequest, BandReply>;
  private readonly spares: Spares[];

  constructor(size: number) {
    this.pool = new WorkerPool(size, 'Lanczos', 'lanczos.worker', () => new Worker(new URL('./lanczos.worker.ts', import.meta.url), { type: 'module', name: 'lanczos' }));
    this.spares = Array.from({ length: size }, () => ({ parts: [] }));
  }

  /** The result, written into `into` when given (width * height * 4 bytes). */
  async resample(image: RgbaImage, width: number, height: number, options: ResampleOptions = {}, into?: Uint8ClampedArray<ArrayBuffer>): Promise<RgbaImage> {
    const workers = this.pool.size;
    // Several bands per worker, made in turn from one copy of the source: a band's float scratch
    // (a quarter of the worker's share) is all a worker holds at once, which matters at 4K.
    const count = Math.min(workers * BANDS_PER_WORKER, height);
    const edges = bandEdges(height, count);
    const data = into ?? new Uint8ClampedArray(width * height * 4);
    if (data.length !== width * height * 4) throw new RangeError(`a ${width}x${height} result takes ${width * height * 4} bytes, not ${data.length}`);
    const sharpen = options.sharpen ?? 0;
    await Promise.all(
      this.spares.map(async (spare, w) => {
        const bands: [number, number][] = [];
        for (let b = w; b < count; b += workers) bands.push([edges[b]!, edges[b + 1]!]);
        if (bands.length === 0) return;
        // Taken out while lent, so a call made meanwhile allocates its own instead.
        this.spares[w] = { parts: [] };
        const source = sized(spare.source, image.data.length);
        source.set(image.data);
        const parts = bands.map(([first, end], i) => sized(spare.parts[i], (end - first) * width * 4));
        const request = { image: { data: source, width: image.width, height: image.height }, width, height, sharpen, bands, parts };
        const reply = await this.pool.request(w, request, [source.buffer, ...parts.map((part) => part.buffer)]);
        reply.parts.forEach((part, i) => data.set(part, bands[i]![0] * width * 4));
        this.spares[w] = { source: reply.source, parts: reply.parts };
      }),
    );
    return { data, width, height };
  }

  /** Ends the threads; pending requests fail. */
  close(): void {
    this.pool.close();
  }
}

/** `spare` when it has `length` bytes, else a new buffer of that size. */
function sized(spare: Uint8ClampedArray<ArrayBuffer> | undefined, length: number): Uint8ClampedArray<ArrayBuffer> {
  return spare?.length === length ? spare : new Uint8ClampedArray(length);
}

