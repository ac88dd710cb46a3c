/**
 * Audio tracks out of files, by mediabunny (demux, WAV/PCM decode) and the browser's WebCodecs
 * AudioDecoder (MP3, Opus, Vorbis, FLAC, AAC). Failures become NodeErrors that name the file.
 */
import { ALL_FORMATS, AudioSampleSink, BlobSource, Input, type InputAudioTrack } from 'mediabunny';
import { NodeError } from '../../engine';
import { SUPPORTED_AUDIO } from './choices';

export interface OpenedAudio {
  input: Input;
  track: InputAudioTrack;
}

/** Opens the primary audio track of `blob`; null when the file has none. Dispose `input` after. */
export async function openAudioTrack(blob: Blob): Promise<OpenedAudio | null> {
  const input = new Input({ source: new BlobSource(blob), formats: ALL_FORMATS });
  try {
    const track = await input.getPrimaryAudioTrack();
    if (!track) {
      input.dispose();
      return null;
    }
    return { input, track };
  } catch (error) {
    input.dispose();
    throw error;
  }
}

export interface AudioFacts {
  duration: number;
  sampleRate: number;
  channels: number;
  mime: string;
}

/**
 * Reads an audio file through to its end, decoding every packet (and dropping the samples at
 * once), so a file that is damaged halfway is refused here rather than in a later node.
 */
export async function checkAudioFile(blob: Blob, name: string, signal?: AbortSignal): Promise<AudioFacts> {
  const what = `"${name}" (${blob.type || 'unknown type'}, ${blob.size} bytes)`;
  const refuse = (reason: string) => new NodeError(`${what} is not a readable ${SUPPORTED_AUDIO} audio file: ${reason}`);
  if (blob.size === 0) throw refuse('the file is empty');
  let opened: OpenedAudio | null;
  try {
    opened = await openAudioTrack(blob);
  } catch (error) {
    throw refuse(`its container could not be read (${messageOf(error)})`);
  }
  if (!opened) throw refuse('it has no audio track');
  const { input, track } = opened;
  try {
    if (!(await track.canDecode())) throw refuse(`this browser cannot decode ${track.codec ?? 'its'} audio`);
    let end = 0;
    try {
      for await (const sample of new AudioSampleSink(track).samples()) {
        end = Math.max(end, sample.timestamp + sample.duration);
        sample.close();
        signal?.throwIfAborted();
      }
    } catch (error) {
      signal?.throwIfAborted();
      throw refuse(`decoding failed (${messageOf(error)})`);
    }
    const start = await track.getFirstTimestamp();
    if (end - start <= 0) throw refuse('it holds no sound');
    const mime = blob.type || (await input.getMimeType());
    return { duration: end - Math.max(0, start), sampleRate: track.sampleRate, channels: track.numberOfChannels, mime };
  } finally {
    input.dispose();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
