/**
 * A pull reader over one decoded audio track: hands out MIX_RATE stereo planar frames in the
 * amounts asked for, decoding only as far ahead as needed (one mediabunny AudioSample at a time),
 * so a long file is never decoded whole. It can start part-way in and loop a span forever.
 */
import { AudioSampleSink, type AudioSample, type InputAudioTrack } from 'mediabunny';
import { MIX_CHANNELS, MIX_RATE, silence, type Planar } from './format';

export interface PcmReaderOptions {
  /** Track time, in seconds, of the first frame handed out. */
  from?: number;
  /** Track time at which the span ends; the track's end when absent. */
  to?: number;
  /** After the span's end, start again at `from`; otherwise hand out silence. */
  loop?: boolean;
}

export class PcmReader {
  readonly #track: InputAudioTrack;
  readonly #from: number;
  readonly #to: number | undefined;
  readonly #loop: boolean;
  readonly #step: number;
  #samples: AsyncGenerator<AudioSample, void, unknown> | undefined;
  /** Source-rate frames decoded but not yet consumed, already mapped to MIX_CHANNELS. */
  #buffer: Planar = silence(0);
  /** Read position inside #buffer, in source frames (fractional when resampling). */
  #pos = 0;
  #ended = false;
  /** Frames produced by the current pass over the span; a loop with none would spin forever. */
  #passFrames = 0;

  constructor(track: InputAudioTrack, options: PcmReaderOptions = {}) {
    this.#track = track;
    this.#from = options.from ?? 0;
    this.#to = options.to;
    this.#loop = options.loop ?? false;
    this.#step = track.sampleRate / MIX_RATE;
  }

  /** The next `frames` frames at MIX_RATE; silence once a non-looping span is over. */
  async read(frames: number): Promise<Planar> {
    const out = silence(frames);
    // Linear interpolation reads one source frame past the position, hence the + 2.
    const needed = Math.floor(this.#pos + frames * this.#step) + 2;
    while (this.#buffer[0]!.length < needed && !this.#ended) await this.#pull();
    const available = this.#buffer[0]!.length;
    let i = 0;
    for (; i < frames; i++) {
      const at = this.#pos + i * this.#step;
      const k = Math.floor(at);
      if (k >= available) break;
      const t = at - k;
      for (let c = 0; c < MIX_CHANNELS; c++) {
        const plane = this.#buffer[c]!;
        const a = plane[k]!;
        out[c]![i] = k + 1 < available ? a + (plane[k + 1]! - a) * t : a;
      }
    }
    this.#consume(this.#pos + i * this.#step);
    return out;
  }

  /** Stops decoding; call when done, early or not. */
  async close(): Promise<void> {
    await this.#samples?.return();
    this.#samples = undefined;
  }

  #consume(position: number): void {
    const drop = Math.min(Math.floor(position), this.#buffer[0]!.length);
    this.#buffer = this.#buffer.map((plane) => plane.subarray(drop));
    this.#pos = position - drop;
  }

  /** Decodes one more sample onto the buffer; at the span's end loops or marks the end. */
  async #pull(): Promise<void> {
    this.#samples ??= new AudioSampleSink(this.#track).samples(this.#from, this.#to);
    const next = await this.#samples.next();
    if (next.done) {
      this.#samples = undefined;
      if (this.#loop && this.#passFrames > 0) this.#passFrames = 0;
      else this.#ended = true;
      return;
    }
    const sample = next.value;
    try {
      const planes = this.#planesOf(sample);
      this.#passFrames += planes[0]!.length;
      this.#buffer = this.#buffer.map((plane, c) => concat(plane, planes[c]!));
    } finally {
      sample.close();
    }
  }

  /** The part of `sample` inside the span, as MIX_CHANNELS planes (mono doubled, extra channels dropped). */
  #planesOf(sample: AudioSample): Planar {
    const rate = sample.sampleRate;
    const skip = Math.max(0, Math.round((this.#from - sample.timestamp) * rate));
    const end = this.#to === undefined ? sample.numberOfFrames : Math.min(sample.numberOfFrames, Math.round((this.#to - sample.timestamp) * rate));
    const frameCount = Math.max(0, end - skip);
    const planes: Planar = [];
    for (let c = 0; c < MIX_CHANNELS; c++) {
      const plane = new Float32Array(frameCount);
      if (frameCount > 0) sample.copyTo(plane, { planeIndex: Math.min(c, sample.numberOfChannels - 1), format: 'f32-planar', frameOffset: skip, frameCount });
      planes.push(plane);
    }
    return planes;
  }
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  if (a.length === 0) return b;
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
