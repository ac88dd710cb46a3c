/**
 * Depth moves on several threads (a WorkerPool): each worker holds the clip's source and depth
 * once, in a kernel instance of its own (parallaxCpu), and draws one band of rows of every frame.
 * The bands come back in buffers lent to it again for the next frame. The bytes are those of
 * parallaxCpu on one thread.
 */
import type { DepthMap } from '../depth/estimate-depth';
import type { RgbaImage } from '../resample/lanczos';
import { bandEdges, WorkerPool } from '../worker-pool';
import type { Pose } from './parallax';

export interface ParallaxClip {
  source: RgbaImage;
  depth: DepthMap;
  width: number;
  height: number;
  /** The tallest band the worker will be asked for. */
  rows: number;
}

/** First the clip, then bands of its frames: rows [first, end) of `pose`'s frame into `band`. */
export type ParallaxRequest = { clip: ParallaxClip } | { pose: Pose; first: number; end: number; band: Uint8ClampedArray<ArrayBuffer> };

/** A band drawn, handed back; nothing for the clip. */
export type ParallaxReply = { band?: Uint8ClampedArray<ArrayBuffer> };

export class ParallaxPool {
  private readonly pool: WorkerPool<ParallaxRequest, ParallaxReply>;
  /** Row ranges [edges[w], edges[w + 1]) are worker w's band. */
  private readonly edges: number[];
  private readonly bands: Uint8ClampedArray<ArrayBuffer>[];
  /** Settles once every worker holds the clip. */
  private readonly ready: Promise<unknown>;

  constructor(source: RgbaImage, depth: DepthMap, private readonly width: number, height: number, threads: number) {
    this.pool = new WorkerPool(threads, 'depth-move', 'parallax.worker', () => new Worker(new URL('./parallax.worker.ts', import.meta.url), { type: 'module', name: 'parallax' }));
    this.edges = bandEdges(height, threads);
    this.bands = this.edges.slice(1).map((end, w) => new Uint8ClampedArray((end - this.edges[w]!) * width * 4));
    const rows = Math.max(...this.bands.map((band) => band.length / (width * 4)));
    // Each worker gets its own copy of the source (structured clone), once per clip.
    this.ready = Promise.all(this.bands.map((_, w) => this.pool.request(w, { clip: { source, depth, width, height, rows } })));
  }

  /** Draws `pose`'s frame into `out` (RGBA8, the clip's width x height). */
  async render(pose: Pose, out: Uint8ClampedArray): Promise<void> {
    await this.ready;
    await Promise.all(
      this.bands.map(async (band, w) => {
        const first = this.edges[w]!;
        const reply = await this.pool.request(w, { pose, first, end: this.edges[w + 1]!, band }, [band.buffer]);
        const drawn = reply.band!;
        out.set(drawn, first * this.width * 4);
        this.bands[w] = drawn;
      }),
    );
  }

  /** Ends the threads; a frame being drawn fails. */
  close(): void {
    this.pool.close();
  }
}
