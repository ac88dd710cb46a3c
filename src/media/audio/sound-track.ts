/**
 * A mixed soundtrack encoded as a track of a mediabunny Output, in its container's codec (AAC in
 * MP4, Opus in WebM: see sound-codec.ts), by WebCodecs or the registered AAC encoder.
 */
import { AudioSample, AudioSampleSource, type Output } from 'mediabunny';
import { MIX_CHANNELS, MIX_RATE, type Planar } from './format';
import { assertCanEncodeSound, SOUND_BITRATES, soundCodecOf } from './sound-codec';

export interface SoundTrack {
  /** Encodes one chunk placed at `timestamp` seconds; resolves when the encoder can take more. */
  write(chunk: Planar, timestamp: number): Promise<void>;
  /** Closes the source: no more chunks. */
  close(): void;
}

/** Adds an audio track to `output`, which must not be started yet. */
export async function addSoundTrack(output: Output): Promise<SoundTrack> {
  const codec = soundCodecOf(output.format);
  await assertCanEncodeSound(codec);
  const source = new AudioSampleSource({ codec, bitrate: SOUND_BITRATES[codec] });
  output.addAudioTrack(source);
  return {
    async write(chunk, timestamp) {
      const frames = chunk[0]!.length;
      const data = new Float32Array(frames * MIX_CHANNELS);
      chunk.forEach((plane, c) => data.set(plane, c * frames));
      const sample = new AudioSample({ data, format: 'f32-planar', numberOfChannels: MIX_CHANNELS, sampleRate: MIX_RATE, timestamp });
      try {
        await source.add(sample);
      } finally {
        sample.close();
      }
    },
    close: () => source.close(),
  };
}
