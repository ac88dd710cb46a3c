/**
 * The CPU Lanczos path on several threads: the result's rows split into one band per worker
 * (resampleLanczosBand), so the pixels are exactly those of resampleLanczos. Workers are made
 * once per pool and ended by `close()`.
 */
import type { RgbaImage, ResampleOptions } from './lanczos';

/** Bands per worker per image; more bands mean less scratch memory and a few more edge rows. */
const BANDS_PER_WORKER = 4;

export interface BandRequest {
  id: number;
  image: RgbaImage;
  width: number;
  height: number;
  sharpen: number;
  /** Row ranges [first, end) of the result, made one after another from the one copy of `image`. */
  bands: [number, number][];
}

export type BandReply = { id: number; parts: Uint8ClampedArray<ArrayBuffer>[] } | { id: number; error: string };

/** Threads worth using here: one per core, when there is more than one and workers exist. */
export function poolSize(): number {
  if (typeof Worker === 'undefined' || typeof navigator === 'undefined') return 1;
  return Math.max(1, Math.min(8, navigator.hardwareConcurrency || 1));
}

export class LanczosPool {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, { resolve(parts: Uint8ClampedArray<ArrayBuffer>[]): void; reject(error: Error): void }>();
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
  }

  async resample(image: RgbaImage, width: number, height: number, options: ResampleOptions = {}): Promise<RgbaImage> {
    // Several bands per worker, made in turn from one copy of the source: a band's float scratch
    // (a quarter of the worker's share) is all a worker holds at once, which matters at 4K.
    const count = Math.min(this.workers.length * BANDS_PER_WORKER, height);
    const edges = Array.from({ length: count + 1 }, (_, b) => Math.round((b * height) / count));
    const data = new Uint8ClampedArray(width * height * 4);
    const sharpen = options.sharpen ?? 0;
    await Promise.all(
      this.workers.map(async (worker, w) => {
        const bands: [number, number][] = [];
        for (let b = w; b < count; b += this.workers.length) bands.push([edges[b]!, edges[b + 1]!]);
        if (bands.length === 0) return;
        const parts = await this.request(worker, { image, width, height, sharpen, bands });
        parts.forEach((part, i) => data.set(part, bands[i]![0] * width * 4));
      }),
    );
    return { data, width, height };
  }

  /** Ends the threads; pending requests fail. */
  close(): void {
    for (const worker of this.workers) worker.terminate();
    this.failAll(new Error('the Lanczos pool was closed'));
  }

  private request(worker: Worker, work: Omit<BandRequest, 'id'>): Promise<Uint8ClampedArray<ArrayBuffer>[]> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, ...work } satisfies BandRequest);
    });
  }

  private settle(reply: BandReply): void {
    const waiting = this.pending.get(reply.id);
    this.pending.delete(reply.id);
    if ('error' in reply) waiting?.reject(new Error(reply.error));
    else waiting?.resolve(reply.parts);
  }

  private failAll(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}

/**
 * What went wrong, in words: an error thrown in the worker carries its message, but a worker
 * whose script never loaded (not served, refused by the page's policy) fires a bare Event.
 */
function workerFailure(event: Event): string {
  const message = (event as Partial<ErrorEvent>).message;
  return message ? message : "its script (lanczos.worker) did not load: not served, or refused by the page's Content-Security-Policy";
}
