/**
 * The one PCM layout audio is mixed in: 48 kHz stereo, planar Float32. 48 kHz is Opus's own
 * rate, so the encoder never resamples again, and stereo covers every source we take.
 */
export const MIX_RATE = 48_000;
export const MIX_CHANNELS = 2;
/** Frames handled per step: ~0.17 s, so memory stays flat whatever the clip's length. */
export const CHUNK_FRAMES = 8192;

/** Planar audio: one Float32Array per channel, all the same length. */
export type Planar = Float32Array[];

export function silence(frames: number, channels = MIX_CHANNELS): Planar {
  return Array.from({ length: channels }, () => new Float32Array(frames));
}

/** Decibels to a linear gain; -60 dB and below is treated as silence. */
export function dbToGain(db: number): number {
  return db <= -60 ? 0 : 10 ** (db / 20);
}
