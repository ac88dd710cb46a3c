import { describe, expect, it } from 'vitest';
import { MIX_CHANNELS, MIX_RATE } from '../../src/media/audio/format';
import { SOUND_BEDS, type SoundBed } from '../../src/media/sound-bed/choices';
import { soundBed } from '../../src/media/sound-bed/sound-bed';

const dbfs = (v: number) => 20 * Math.log10(v);

/** `seconds` of a bed read in one go. */
const render = (kind: SoundBed, seed: number, seconds: number) => soundBed(kind, seed).read(Math.round(seconds * MIX_RATE));

async function stats(kind: SoundBed) {
  const [left, right] = await render(kind, 1, 3);
  let peak = 0;
  let squares = 0;
  let crossings = 0;
  for (const plane of [left!, right!]) {
    for (let i = 0; i < plane.length; i++) {
      peak = Math.max(peak, Math.abs(plane[i]!));
      squares += plane[i]! ** 2;
    }
  }
  // Sign changes of the left channel: a rough measure of how bright the sound is.
  for (let i = 1; i < left!.length; i++) if (left![i]! * left![i - 1]! < 0) crossings++;
  return { peak, rms: Math.sqrt(squares / (2 * left!.length)), crossingsPerSecond: crossings / 3 };
}

describe('sound beds', () => {
  it.each(SOUND_BEDS)('%s: stereo at the mix rate, audible, well short of clipping, a wide image', async (kind) => {
    const planes = await render(kind, 4, 2.5);
    expect(planes).toHaveLength(MIX_CHANNELS);
    for (const plane of planes) expect(plane).toHaveLength(2.5 * 48_000);
    const { peak, rms } = await stats(kind);
    expect(dbfs(peak)).toBeLessThan(-6);
    expect(dbfs(rms)).toBeGreaterThan(-35);
    // The two channels are different noise, not mono.
    let same = 0;
    for (let i = 10_000; i < 11_000; i++) if (planes[0]![i] === planes[1]![i]) same++;
    expect(same).toBeLessThan(10);
  });

  it('is deterministic per seed, whatever the chunking, and the seed changes the sound', async () => {
    for (const kind of SOUND_BEDS) {
      const whole = (await render(kind, 9, 1))[0]!;
      const bed = soundBed(kind, 9);
      const chunks = [await bed.read(1000), await bed.read(20_000), await bed.read(48_000 - 21_000)];
      const joined = new Float32Array(48_000);
      chunks.reduce((at, chunk) => (joined.set(chunk[0]!, at), at + chunk[0]!.length), 0);
      expect(joined).toEqual(whole);
      expect((await render(kind, 10, 1))[0]).not.toEqual(whole);
    }
  });

  it('sounds like its name: rain is brighter than wind, room tone is the quietest', async () => {
    const [wind, rain, room] = [await stats('wind'), await stats('rain'), await stats('room-tone')];
    expect(rain.crossingsPerSecond).toBeGreaterThan(4 * wind.crossingsPerSecond);
    expect(room.rms).toBeLessThan(Math.min(wind.rms, rain.rms));
  });
});
