/**
 * Mixing on a timeline: layers of audio placed at times, each with a gain and linear fades,
 * summed chunk by chunk at MIX_RATE, then a fade over the whole result. Pure arithmetic on
 * planar Float32, apart from pulling each layer's frames from its reader.
 */
import { CHUNK_FRAMES, MIX_CHANNELS, MIX_RATE, silence, type Planar } from './format';

/** Where audio comes from: the next `frames` frames, in order, at MIX_RATE stereo. */
export interface FrameSource {
  read(frames: number): Promise<Planar>;
}

export interface Layer {
  source: FrameSource;
  /** Timeline seconds at which the layer starts and stops sounding. */
  start: number;
  end: number;
  /** Linear gain. */
  gain: number;
  /** Seconds of linear fade at the layer's start and end (a crossfade is two overlapping fades). */
  fadeIn?: number;
  fadeOut?: number;
}

export interface MixOptions {
  /** Timeline length in seconds. */
  duration: number;
  /** Fades of the whole mix at its start and end, in seconds. */
  fadeIn?: number;
  fadeOut?: number;
  signal?: AbortSignal;
  /** Receives each chunk in order, with its timeline start in seconds; awaited (backpressure). */
  write(chunk: Planar, timestamp: number): Promise<void>;
  onProgress?(fraction: number): void;
}

/** Renders `layers` over [0, duration) in chunks of CHUNK_FRAMES and hands each to `write`. */
export async function renderMix(layers: readonly Layer[], options: MixOptions): Promise<void> {
  const total = Math.round(options.duration * MIX_RATE);
  for (let first = 0; first < total; first += CHUNK_FRAMES) {
    options.signal?.throwIfAborted();
    const frames = Math.min(CHUNK_FRAMES, total - first);
    const out = silence(frames);
    for (const layer of layers) await addLayer(out, layer, first);
    applyEnvelope(out, first, (t) => fadeGain(t, 0, options.duration, options.fadeIn ?? 0, options.fadeOut ?? 0));
    for (const plane of out) clamp(plane);
    await options.write(out, first / MIX_RATE);
    options.onProgress?.((first + frames) / total);
  }
}

/** Adds the part of `layer` that falls in this chunk (which starts at timeline frame `first`). */
async function addLayer(out: Planar, layer: Layer, first: number): Promise<void> {
  const from = Math.max(first, Math.round(layer.start * MIX_RATE));
  const to = Math.min(first + out[0]!.length, Math.round(layer.end * MIX_RATE));
  if (to <= from || layer.gain === 0) {
    // A layer that is silent here must still advance past this span, or it would fall behind.
    if (to > from) await layer.source.read(to - from);
    return;
  }
  const frames = await layer.source.read(to - from);
  for (let i = 0; i < to - from; i++) {
    const t = (from + i) / MIX_RATE;
    const gain = layer.gain * fadeGain(t, layer.start, layer.end, layer.fadeIn ?? 0, layer.fadeOut ?? 0);
    for (let c = 0; c < MIX_CHANNELS; c++) out[c]![from - first + i]! += frames[c]![i]! * gain;
  }
}

/** Gain 0..1 at time `t` of a span [start, end) that fades in over `fadeIn` s and out over `fadeOut` s. */
export function fadeGain(t: number, start: number, end: number, fadeIn: number, fadeOut: number): number {
  let gain = 1;
  if (fadeIn > 0) gain = Math.min(gain, Math.max(0, (t - start) / fadeIn));
  if (fadeOut > 0) gain = Math.min(gain, Math.max(0, (end - t) / fadeOut));
  return gain;
}

function applyEnvelope(out: Planar, first: number, gainAt: (t: number) => number): void {
  for (let i = 0; i < out[0]!.length; i++) {
    const gain = gainAt((first + i) / MIX_RATE);
    if (gain === 1) continue;
    for (const plane of out) plane[i]! *= gain;
  }
}

/** Keeps a loud mix from wrapping around in the encoder: hard limit at full scale. */
function clamp(plane: Float32Array): void {
  for (let i = 0; i < plane.length; i++) plane[i] = Math.max(-1, Math.min(1, plane[i]!));
}
