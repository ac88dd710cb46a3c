/** A mixed soundtrack encoded to Opus (WebCodecs AudioEncoder) as a track of a mediabunny Output. */
import { AudioSample, AudioSampleSource, canEncodeAudio, type Output } from 'mediabunny';
import { NodeError } from '../../engine';
import { MIX_CHANNELS, MIX_RATE, type Planar } from './format';

const OPUS_BITRATE = 128_000;

export interface OpusTrack {
  /** Encodes one chunk placed at `timestamp` seconds; resolves when the encoder can take more. */
  write(chunk: Planar, timestamp: number): Promise<void>;
  /** Closes the source: no more chunks. */
  close(): void;
}

/** Adds an Opus audio track to `output`, which must not be started yet. */
export async function addOpusTrack(output: Output): Promise<OpusTrack> {
  if (!(await canEncodeAudio('opus', { numberOfChannels: MIX_CHANNELS, sampleRate: MIX_RATE, bitrate: OPUS_BITRATE }))) {
    throw new NodeError('this browser cannot encode Opus audio, which every video with sound here needs');
  }
  const source = new AudioSampleSource({ codec: 'opus', bitrate: OPUS_BITRATE });
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
