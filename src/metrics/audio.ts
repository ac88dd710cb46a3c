/**
 * Audio scores on mono samples (-1..1): loudness as RMS in dBFS (not LUFS: no K-weighting or
 * gating), sound onsets from rises of the short-time energy, and how many onsets land on a
 * motion peak of the picture.
 */

/** Short-time analysis hop, in seconds. */
const HOP = 0.01;
/** An onset within this many seconds of a motion peak counts as lined up. */
export const SYNC_TOLERANCE = 0.1;

/** RMS level in dBFS; -Infinity for silence. */
export function loudness(samples: Float32Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return samples.length ? 10 * Math.log10(sum / samples.length) : -Infinity;
}

/** Times (seconds) where the short-time energy jumps: hits, steps, words. */
export function onsets(samples: Float32Array, sampleRate: number): number[] {
  const hop = Math.max(1, Math.round(HOP * sampleRate));
  const energy: number[] = [];
  for (let start = 0; start + hop <= samples.length; start += hop) {
    let sum = 0;
    for (let i = start; i < start + hop; i++) sum += samples[i]! * samples[i]!;
    energy.push(Math.log10(1e-10 + sum / hop));
  }
  const rise = energy.map((e, i) => Math.max(0, e - (energy[i - 1] ?? e)));
  return peaks(rise, 1 / HOP, 0.1);
}

/**
 * Indices of local maxima of `curve` standing out above its mean by more than one standard
 * deviation, at least `minGap` seconds apart, returned as times at `rate` values per second.
 */
export function peaks(curve: readonly number[], rate: number, minGap: number): number[] {
  if (curve.length < 3) return [];
  const mean = curve.reduce((s, v) => s + v, 0) / curve.length;
  const sd = Math.sqrt(curve.reduce((s, v) => s + (v - mean) ** 2, 0) / curve.length);
  const found: number[] = [];
  for (let i = 1; i < curve.length - 1; i++) {
    const v = curve[i]!;
    if (v <= mean + sd || v < curve[i - 1]! || v < curve[i + 1]!) continue;
    const t = i / rate;
    if (found.length && t - found[found.length - 1]! < minGap) continue;
    found.push(t);
  }
  return found;
}

/** Share of sound onsets within SYNC_TOLERANCE of a motion peak; undefined without onsets. */
export function onsetSync(onsetTimes: readonly number[], motionPeaks: readonly number[]): number | undefined {
  if (onsetTimes.length === 0) return undefined;
  return onsetTimes.filter((t) => motionPeaks.some((p) => Math.abs(p - t) <= SYNC_TOLERANCE)).length / onsetTimes.length;
}
