/**
 * The CPU Lanczos path on several threads: the result's rows split into bands per worker
 * (resampleLanczosBand), so the pixels are exactly those of resampleLanczos. Workers are made
 * once per pool and ended by `close()`. The buffers a worker reads and writes go to it and come
 * back (transferred, never copied), and are lent again for the next image of the same sizes: a
 * video's frames allocate nothing per frame, where each used to leave tens of MiB to collect.
 */
import type { RgbaImage, ResampleOptions } from './lanczos';

/** Bands per worker per image; more bands mean less scratch memory and a few more edge rows. */
const BANDS_PER_WORKER = 4;

export interface BandRequest {
  id: number;
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

export type BandReply = { id: number; parts: Uint8ClampedArray<ArrayBuffer>[]; source: Uint8ClampedArray<ArrayBuffer> } | { id: number; error: string };

/** The buffers a worker last gave back, for its next request. */
interface Spares {
  source?: Uint8ClampedArray<ArrayBuffer>;
  parts: Uint8ClampedArray<ArrayBuffer>[];
}

/** Threads worth using here: one per core, when there is more than one and workers exist. */
export function poolSize(): number {
  if (typeof Worker === 'undefined' || typeof navigator === 'undefined') return 1;
  return Math.max(1, Math.min(8, navigator.hardwareConcurrency || 1));
}

export class LanczosPool {
  private readonly workers: Worker[];
  private readonly spares: Spares[];
  private readonly pending = new Map<number, { resolve(reply: Extract<BandReply, { parts: unknown }>): void; reject(error: Error): void }>();
  private nextId = 0;
  /** Set once a worker has failed or the pool was closed: later requests fail at once, never wait. */
  private failure: Error | undefined;

  constructor(size: number) {
    this.workers = Array.from({ length: size }, () => {
      // Written as one expression: that is the form the bundler recognises as a worker to build.
      const worker = new Worker(new URL('./lanczos.worker.ts', import.meta.url), { type: 'module', name: 'lanczos' });
      worker.onmessage = ({ data }: MessageEvent<BandReply>) => this.settle(data);
      worker.onerror = (event) => this.failAll(new Error(`a Lanczos worker failed: ${workerFailure(event)}`));
      worker.onmessageerror = () => this.failAll(new Error('a Lanczos worker failed: its reply could not be read'));
      return worker;
    });
    this.spares = this.workers.map(() => ({ parts: [] }));
  }

  /** The result, written into `into` when given (width * height * 4 bytes). */
  async resample(image: RgbaImage, width: number, height: number, options: ResampleOptions = {}, into?: Uint8ClampedArray<ArrayBuffer>): Promise<RgbaImage> {
    // Several bands per worker, made in turn from one copy of the source: a band's float scratch
    // (a quarter of the worker's share) is all a worker holds at once, which matters at 4K.
    const count = Math.min(this.workers.length * BANDS_PER_WORKER, height);
    const edges = Array.from({ length: count + 1 }, (_, b) => Math.round((b * height) / count));
    const data = into ?? new Uint8ClampedArray(width * height * 4);
    if (data.length !== width * height * 4) throw new RangeError(`a ${width}x${height} result takes ${width * height * 4} bytes, not ${data.length}`);
    const sharpen = options.sharpen ?? 0;
    await Promise.all(
      this.workers.map(async (worker, w) => {
        const bands: [number, number][] = [];
        for (let b = w; b < count; b += this.workers.length) bands.push([edges[b]!, edges[b + 1]!]);
        if (bands.length === 0) return;
        // Taken out while lent, so a call made meanwhile allocates its own instead.
        const { source: spareSource, parts: spareParts } = this.spares[w]!;
        this.spares[w] = { parts: [] };
        const source = sized(spareSource, image.data.length);
        source.set(image.data);
        const parts = bands.map(([first, end], i) => sized(spareParts[i], (end - first) * width * 4));
        const reply = await this.request(worker, { image: { data: source, width: image.width, height: image.height }, width, height, sharpen, bands, parts });
        reply.parts.forEach((part, i) => data.set(part, bands[i]![0] * width * 4));
        this.spares[w] = { source: reply.source, parts: reply.parts };
      }),
    );
    return { data, width, height };
  }

  /** Ends the threads; pending requests fail. */
  close(): void {
    for (const worker of this.workers) worker.terminate();
    this.failAll(new Error('the Lanczos pool was closed'));
  }

  /** Sends the work with its buffers moved to the worker (they are detached here until the reply). */
  private request(worker: Worker, work: Omit<BandRequest, 'id'>): Promise<Extract<BandReply, { parts: unknown }>> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, ...work } satisfies BandRequest, [work.image.data.buffer, ...work.parts.map((part) => part.buffer)]);
    });
  }

  private settle(reply: BandReply): void {
    const waiting = this.pending.get(reply.id);
    this.pending.delete(reply.id);
    if ('error' in reply) waiting?.reject(new Error(reply.error));
    else waiting?.resolve(reply);
  }

  private failAll(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}

/** `spare` when it has `length` bytes, else a new buffer of that size. */
function sized(spare: Uint8ClampedArray<ArrayBuffer> | undefined, length: number): Uint8ClampedArray<ArrayBuffer> {
  return spare?.length === length ? spare : new Uint8ClampedArray(length);
}

/**
 * What went wrong, in words: an error thrown in the worker carries its message, but a worker
 * whose script never loaded (not served, refused by the page's policy) fires a bare Event.
 */
function workerFailure(event: Event): string {
  const message = (event as Partial<ErrorEvent>).message;
  return message ? message : "its script (lanczos.worker) did not load: not served, or refused by the page's Content-Security-Policy";
}
