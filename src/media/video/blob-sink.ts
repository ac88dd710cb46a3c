/**
 * An output target that keeps what mediabunny writes as pieces and ends as a Blob. A long 4K
 * file then never sits in one ArrayBuffer that grows by doubling and is copied again into a
 * Blob at the end. Writes are appends, except a few header patches (box and segment sizes) that
 * land inside pieces already written.
 */
import { StreamTarget, type StreamTargetChunk } from 'mediabunny';

export class BlobSink {
  /** What mediabunny writes to, through `target`. */
  readonly writable = new WritableStream<StreamTargetChunk>({ write: (chunk) => this.#write(chunk) });
  readonly target = new StreamTarget(this.writable, { chunked: true });
  readonly #pieces: { position: number; data: Uint8Array<ArrayBuffer> }[] = [];
  #end = 0;

  blob(type: string): Blob {
    return new Blob(this.#pieces.map((p) => p.data), { type });
  }

  #write({ data, position }: StreamTargetChunk): void {
    if (position > this.#end) throw new Error(`the muxer skipped bytes ${this.#end}..${position}`);
    // The part that rewrites bytes already kept goes into their pieces...
    const overlap = Math.min(data.length, this.#end - position);
    if (overlap > 0) this.#patch(position, data.subarray(0, overlap));
    // ...the rest is new; copied, as the muxer may reuse its buffer.
    if (overlap < data.length) {
      this.#pieces.push({ position: this.#end, data: data.slice(overlap) });
      this.#end += data.length - overlap;
    }
  }

  #patch(position: number, bytes: Uint8Array): void {
    for (const piece of this.#pieces) {
      const from = Math.max(position, piece.position);
      const to = Math.min(position + bytes.length, piece.position + piece.data.length);
      if (from < to) piece.data.set(bytes.subarray(from - position, to - position), from - piece.position);
    }
  }
}
