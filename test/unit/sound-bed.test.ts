import { describe, expect, it } from 'vitest';
import { SOUND_BED_CHANNELS, SOUND_BED_RATE, SOUND_BEDS, synthesizeSoundBed, type SoundBed } from '../../src/media/sound-bed/sound-bed';

const dbfs = (v: number) => 20 * Math.log10(v);

function stats(kind: SoundBed, seed = 1, level = 1) {
  const { data } = synthesizeSoundBed(kind, 3, seed, level);
  let peak = 0;
  let squares = 0;
  let crossings = 0;
  for (let i = 0; i < data.length; i++) {
    peak = Math.max(peak, Math.abs(data[i]!));
    squares += data[i]! ** 2;
    // Left channel sign changes: a rough measure of how bright the sound is.
    if (i >= 2 && i % 2 === 0 && data[i]! * data[i - 2]! < 0) crossings++;
  }
  return { peak, rms: Math.sqrt(squares / data.length), crossingsPerSecond: crossings / 3 };
}

describe('sound beds', () => {
  it.each(SOUND_BEDS)('%s: stereo 48 kHz of the asked length, audible, never clipping, fading in and out', (kind) => {
    const audio = synthesizeSoundBed(kind, 2.5, 4, 1);
    expect(audio).toMatchObject({ sampleRate: SOUND_BED_RATE, channels: SOUND_BED_CHANNELS });
    expect(audio.data).toHaveLength(2.5 * 48_000 * 2);
    const { peak, rms } = stats(kind);
    expect(dbfs(peak)).toBeLessThan(-6);
    expect(dbfs(rms)).toBeGreaterThan(-35);
    expect(Math.abs(audio.data[0]!)).toBe(0);
    expect(Math.abs(audio.data.at(-1)!)).toBeLessThan(1e-3);
    // The two channels are different noise: a wide image, not mono.
    let same = 0;
    for (let i = 0; i < 2000; i += 2) if (audio.data[10_000 + i] === audio.data[10_001 + i]) same++;
    expect(same).toBeLessThan(10);
  });

  it('is deterministic per seed, and the seed changes the sound', () => {
    for (const kind of SOUND_BEDS) {
      expect(synthesizeSoundBed(kind, 1, 9, 0.5).data).toEqual(synthesizeSoundBed(kind, 1, 9, 0.5).data);
      expect(synthesizeSoundBed(kind, 1, 9, 0.5).data).not.toEqual(synthesizeSoundBed(kind, 1, 10, 0.5).data);
    }
  });

  it('sounds like its name: rain is brighter than wind, room tone is the quietest, level scales', () => {
    const [wind, rain, room] = [stats('wind'), stats('rain'), stats('room-tone')];
    expect(rain.crossingsPerSecond).toBeGreaterThan(4 * wind.crossingsPerSecond);
    expect(room.rms).toBeLessThan(Math.min(wind.rms, rain.rms));
    expect(stats('wind', 1, 0.5).rms).toBeCloseTo(wind.rms / 2, 6);
    expect(synthesizeSoundBed('rain', 1, 1, 0).data.every((v) => v === 0)).toBe(true);
  });
});
