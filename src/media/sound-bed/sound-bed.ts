/**
 * Procedural ambient sound beds (wind, rain, room tone) synthesised sample by sample in plain
 * TypeScript: seeded, so the same seed gives the same samples on every machine, and free of
 * Web Audio, so it runs in the engine worker (OfflineAudioContext does not exist there).
 * Each bed is shaped noise: filters and slow modulations chosen by ear to read as the named
 * ambience, not recordings and not a model. A bed is an endless FrameSource at the mix's rate,
 * so it goes through the audio mixer (gain, fades, Opus) like any other layer.
 */
import { MIX_CHANNELS, MIX_RATE, silence } from '../audio/format';
import type { FrameSource } from '../audio/mix';
import { mulberry32 } from '../random';
import type { SoundBed } from './choices';

/**
 * Bed `kind` from its first sample on, at MIX_RATE stereo; reads continue where the last one
 * ended, so any chunking gives the same samples. At gain 1 wind and rain peak near -10 dBFS,
 * room tone lower.
 */
export function soundBed(kind: SoundBed, seed: number): FrameSource {
  // Each channel has its own noise (a wide, natural stereo image) but shares the slow shape.
  const voices = Array.from({ length: MIX_CHANNELS }, (_, channel) => VOICES[kind](mulberry32(seed * 2 + channel), mulberry32(seed * 2 + 7919)));
  let position = 0;
  return {
    async read(frames) {
      const planes = silence(frames);
      voices.forEach((voice, channel) => {
        const plane = planes[channel]!;
        for (let i = 0; i < frames; i++) plane[i] = voice((position + i) / MIX_RATE);
      });
      position += frames;
      return planes;
    },
  };
}

/** A voice: given this channel's noise and the shared shape's randomness, the sample at time s. */
type Voice = (noise: () => number, shape: () => number) => (seconds: number) => number;

const white = (random: () => number) => random() * 2 - 1;
/** One-pole low-pass coefficient for a cut-off in hertz. */
const onePole = (hz: number) => 1 - Math.exp((-2 * Math.PI * hz) / MIX_RATE);

/** Slow random modulation in 0..1: a few sines with seeded phases and rates. */
function slowWave(shape: () => number, rates: readonly number[]): (seconds: number) => number {
  const waves = rates.map((hz) => ({ hz: hz * (0.8 + 0.4 * shape()), phase: shape() * 2 * Math.PI }));
  return (s) => 0.5 + waves.reduce((sum, w) => sum + Math.sin(2 * Math.PI * w.hz * s + w.phase), 0) / (2 * waves.length);
}

const VOICES: Record<SoundBed, Voice> = {
  // Low-passed noise whose cut-off and loudness rise and fall together in gusts.
  wind: (noise, shape) => {
    const gust = slowWave(shape, [0.07, 0.13, 0.31]);
    let low = 0;
    let lower = 0;
    return (s) => {
      const g = gust(s);
      const a = onePole(180 + 700 * g);
      low += a * (white(noise) - low);
      lower += a * (low - lower);
      return lower * (0.5 + 1.6 * g * g) * 0.7;
    };
  },
  // A bright hiss of many small drops, with louder near drops as short decaying clicks.
  rain: (noise) => {
    let low = 0;
    let drop = 0;
    let dropLevel = 0;
    const dropChance = 35 / MIX_RATE; // about 35 near drops a second
    const dropDecay = Math.exp(-1 / (0.004 * MIX_RATE));
    return () => {
      const n = white(noise);
      low += onePole(2500) * (n - low);
      const hiss = (n - low) * 0.18 + low * 0.06;
      if (noise() < dropChance) dropLevel = 0.15 + 0.35 * noise();
      dropLevel *= dropDecay;
      drop += onePole(4000) * (white(noise) * dropLevel - drop);
      return (hiss + drop) * 0.7;
    };
  },
  // A quiet room: dark, slightly uneven noise and a faint mains hum.
  'room-tone': (noise, shape) => {
    const drift = slowWave(shape, [0.05, 0.11]);
    const humPhase = shape() * 2 * Math.PI;
    let low = 0;
    let lower = 0;
    return (s) => {
      low += onePole(400) * (white(noise) - low);
      lower += onePole(250) * (low - lower);
      return lower * (0.9 + 0.3 * drift(s)) * 0.8 + 0.006 * Math.sin(2 * Math.PI * 50 * s + humPhase);
    };
  },
};
