/**
 * Which audio codec a container gets, and making sure this browser can encode it. MP4 and MOV get
 * AAC: QuickTime, iOS, Instagram and editing apps refuse or silence Opus in MP4. WebM and Matroska
 * get Opus. Chromium on Linux has no AAC encoder, so mediabunny's (FFmpeg's AAC-LC built to wasm,
 * inlined in its own worker) is registered the first time AAC is needed, and loaded only then.
 */
import { canEncodeAudio, MkvOutputFormat, type ConversionAudioOptions, type InputAudioTrack, type OutputFormat } from 'mediabunny';
import { NodeError } from '../../engine';
import { MIX_CHANNELS, MIX_RATE } from './format';

export type SoundCodec = 'aac' | 'opus';

/** Stereo bitrates: AAC-LC needs more than Opus for the same sound. */
export const SOUND_BITRATES: Readonly<Record<SoundCodec, number>> = { aac: 192_000, opus: 128_000 };

const NAMES: Readonly<Record<SoundCodec, string>> = { aac: 'AAC', opus: 'Opus' };

/** Codecs a container's audio is copied in rather than re-encoded. */
const KEPT: Readonly<Record<SoundCodec, readonly string[]>> = { aac: ['aac'], opus: ['opus', 'vorbis'] };

export function soundCodecOf(format: OutputFormat): SoundCodec {
  return format instanceof MkvOutputFormat ? 'opus' : 'aac'; // WebM is a Matroska format
}

let aacRegistered: Promise<void> | undefined;

/** Resolves once `codec` can be encoded at the mix's rate and channels, or says why not. */
export async function assertCanEncodeSound(codec: SoundCodec): Promise<void> {
  const config = { numberOfChannels: MIX_CHANNELS, sampleRate: MIX_RATE, bitrate: SOUND_BITRATES[codec] };
  if (codec === 'aac') aacRegistered ??= registerAac(config);
  await aacRegistered;
  if (!(await canEncodeAudio(codec, config))) throw new NodeError(`this browser cannot encode ${NAMES[codec]} audio, which a video with sound in this format needs`);
}

async function registerAac(config: { numberOfChannels: number; sampleRate: number; bitrate: number }): Promise<void> {
  if (await canEncodeAudio('aac', config)) return; // a native encoder (Chrome on macOS and Windows)
  const { registerAacEncoder } = await import('@mediabunny/aac-encoder');
  registerAacEncoder();
}

/**
 * How a Conversion into `format` treats each audio track: copied when already in the container's
 * codec, else encoded to it (so an Opus track never lands in an MP4).
 */
export function soundFor(format: OutputFormat): (track: InputAudioTrack) => Promise<ConversionAudioOptions> {
  const codec = soundCodecOf(format);
  return async (track) => {
    if (track.codec && KEPT[codec].includes(track.codec)) return {};
    await assertCanEncodeSound(codec);
    return { codec, bitrate: SOUND_BITRATES[codec] };
  };
}
