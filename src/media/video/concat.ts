/**
 * Clips played one after another into one new video, at the first clip's size and frame rate,
 * optionally crossfading (picture and sound) between them. Each clip is decoded frame by frame
 * through mediabunny's CanvasSink, scaled to the frame as it is decoded, drawn, and handed to the
 * encoder, whose add() is the backpressure: at most two clips are being decoded at once (during
 * a crossfade), and no clip is ever held decoded.
 */
import { ALL_FORMATS, BlobSource, CanvasSink, Input, type WrappedCanvas } from 'mediabunny';
import { NodeError } from '../../engine';
import type { Layer } from '../audio/mix';
import { addSoundtrack } from '../audio/mux-soundtrack';
import { PcmReader } from '../audio/pcm-reader';
import { FITS, type Fit } from './choices';
import { encodeVideo, type Container } from './encode-video';

export interface ConcatClip {
  blob: Blob;
  /** Seconds. */
  duration: number;
}

export interface ConcatOptions {
  width: number;
  height: number;
  fps: number;
  fit: Fit;
  /** Seconds each clip overlaps the next; 0 cuts straight. */
  crossfade: number;
  container: Container;
  signal: AbortSignal;
  onProgress(fraction: number): void;
}

export interface Concatenated {
  blob: Blob;
  duration: number;
  hasAudio: boolean;
}

/** Where clip `index` sits on the output timeline, in output frames: [first, end). */
interface Placement {
  first: number;
  end: number;
  /** Timeline seconds. */
  start: number;
  stop: number;
}

/** Starts each clip `crossfade` seconds before the previous one stops. */
export function placeClips(durations: readonly number[], crossfade: number, fps: number): Placement[] {
  let start = 0;
  return durations.map((duration, i) => {
    if (i > 0) start -= crossfade;
    const placement = { start, stop: start + duration, first: Math.round(start * fps), end: Math.round((start + duration) * fps) };
    start += duration;
    return placement;
  });
}

export async function concatClips(clips: readonly ConcatClip[], options: ConcatOptions): Promise<Concatenated> {
  const { width, height, fps, crossfade, signal } = options;
  const placements = placeClips(clips.map((c) => c.duration), crossfade, fps);
  const last = placements.at(-1)!;
  const inputs = clips.map((clip) => new Input({ source: new BlobSource(clip.blob), formats: ALL_FORMATS }));
  const frames: ClipFrames[] = [];
  const readers: PcmReader[] = [];
  try {
    const layers: Layer[] = [];
    for (const [i, input] of inputs.entries()) {
      const video = await input.getPrimaryVideoTrack();
      if (!video) throw new NodeError(`clip ${i + 1} has no video track`);
      if (!(await video.canDecode())) throw new NodeError(`clip ${i + 1}: this browser cannot decode ${video.codec ?? 'its'} video`);
      const placement = placements[i]!;
      const sink = new CanvasSink(video, { width, height, fit: FITS[options.fit].mode, poolSize: 2 });
      const firstTime = await video.getFirstTimestamp();
      frames.push(new ClipFrames(sink, placement, (n) => firstTime + (n - placement.first) / fps));
      const audio = await input.getPrimaryAudioTrack();
      if (audio) {
        const reader = new PcmReader(audio);
        readers.push(reader);
        const fadeIn = i > 0 ? crossfade : 0;
        const fadeOut = i < clips.length - 1 ? crossfade : 0;
        layers.push({ source: reader, start: placement.start, end: placement.stop, gain: 1, fadeIn, fadeOut });
      }
    }
    const fadeFrames = crossfade * fps;
    const blob = await encodeVideo({
      width,
      height,
      fps,
      frameCount: last.end,
      container: options.container,
      signal,
      onProgress: options.onProgress,
      async drawFrame(n, context) {
        context.globalAlpha = 1;
        context.fillStyle = '#000';
        context.fillRect(0, 0, width, height);
        for (const clip of frames) {
          if (n < clip.placement.first || n >= clip.placement.end) continue;
          const frame = await clip.next();
          // The incoming clip rises over the outgoing one across the overlap.
          context.globalAlpha = clip.placement.first === 0 || fadeFrames === 0 ? 1 : Math.min(1, (n + 0.5 - clip.placement.first) / fadeFrames);
          if (frame) context.drawImage(frame.canvas, 0, 0, width, height);
          if (n === clip.placement.end - 1) await clip.close();
        }
      },
      ...(layers.length > 0 ? { withTracks: (output) => addSoundtrack(output, layers, { duration: last.end / fps, signal }) } : {}),
    });
    return { blob, duration: last.end / fps, hasAudio: layers.length > 0 };
  } finally {
    await Promise.all([...frames.map((f) => f.close()), ...readers.map((r) => r.close())]);
    for (const input of inputs) input.dispose();
  }
}

/** One clip's frames for the output frames it covers, in order, decoded only when asked for. */
class ClipFrames {
  #canvases: AsyncGenerator<WrappedCanvas | null, void, unknown> | undefined;

  constructor(
    readonly sink: CanvasSink,
    readonly placement: Placement,
    readonly timeOf: (frame: number) => number,
  ) {}

  async next(): Promise<WrappedCanvas | null> {
    this.#canvases ??= this.sink.canvasesAtTimestamps(this.#times());
    const next = await this.#canvases.next();
    return next.done ? null : next.value;
  }

  async close(): Promise<void> {
    await this.#canvases?.return();
    this.#canvases = undefined;
  }

  *#times(): Generator<number> {
    for (let n = this.placement.first; n < this.placement.end; n++) yield this.timeOf(n);
  }
}
