/**
 * What a video file is (container, codec, size, length, frame rate, sound), read by mediabunny
 * from the container alone, without decoding; and, where WebCodecs exists, whether this browser
 * can decode it.
 */
import { ALL_FORMATS, BlobSource, EncodedPacketSink, Input, type InputVideoTrack } from 'mediabunny';

export interface VideoFacts {
  /** The container's MIME type without codec parameters, e.g. `video/mp4`, `video/quicktime`. */
  mime: string;
  /** mediabunny's codec name (`avc`, `vp9`...), or undefined when it does not know the codec (ProRes). */
  codec: string | undefined;
  /** Display size: rotation applied. */
  width: number;
  height: number;
  /** Seconds, from the first frame. */
  duration: number;
  fps: number;
  hasAudio: boolean;
  /** mediabunny's name for the audio codec (`aac`, `opus`...), when there is a known one. */
  audioCodec: string | undefined;
}

export interface VideoInspection extends VideoFacts {
  /** Whether WebCodecs here can decode the video track (and the audio track, when there is one). */
  decodable: boolean;
  /** False for a file cut short: its index names frames whose bytes are not there. */
  complete: boolean;
}

/** Why a video whose index outlives its bytes is refused. */
export const CUT_SHORT = 'the file is cut short: its last frames are not in it (a copy or download that stopped early?)';

/** Throws with the reason when the bytes are not a whole video mediabunny can read. Works in Node too. */
export async function probeVideo(blob: Blob): Promise<VideoFacts> {
  return withTrack(blob, async (input, track) => {
    if (!(await lastFrameIsThere(track))) throw new Error(CUT_SHORT);
    return facts(input, track);
  });
}

/** The facts plus decodability and completeness; null when mediabunny does not recognise it or finds no video track. */
export async function inspectVideo(blob: Blob): Promise<VideoInspection | null> {
  return withTrack(blob, async (input, track) => {
    const audio = await input.getPrimaryAudioTrack();
    const decodable = (await track.canDecode()) && (!audio || (await audio.canDecode()));
    return { ...(await facts(input, track)), decodable, complete: await lastFrameIsThere(track) };
  }).catch(() => null); // not a container mediabunny reads, or a damaged one: the caller decides what next
}

/**
 * Whether the bytes of the track's last packet are in the file. An MP4 written for streaming has
 * its index first, so one cut short still reads as whole (same duration) until the frames run out.
 */
async function lastFrameIsThere(track: InputVideoTrack): Promise<boolean> {
  const last = await new EncodedPacketSink(track).getPacket(Infinity).catch(() => null);
  return last !== null && last.data.byteLength > 0;
}

async function withTrack<T>(blob: Blob, read: (input: Input, track: InputVideoTrack) => Promise<T>): Promise<T> {
  const input = new Input({ source: new BlobSource(blob), formats: ALL_FORMATS });
  try {
    const track = await input.getPrimaryVideoTrack();
    if (!track) throw new Error('the file has no video track');
    return await read(input, track);
  } finally {
    input.dispose();
  }
}

async function facts(input: Input, track: InputVideoTrack): Promise<VideoFacts> {
  const [stats, end, first, audio, mime] = await Promise.all([track.computePacketStats(120), input.computeDuration(), track.getFirstTimestamp(), input.getPrimaryAudioTrack(), input.getMimeType()]);
  return {
    mime: mime.split(';')[0]!.trim(),
    codec: track.codec ?? undefined,
    width: track.displayWidth,
    height: track.displayHeight,
    duration: end - Math.max(0, first),
    fps: Math.round(stats.averagePacketRate * 1000) / 1000,
    hasAudio: audio !== null,
    audioCodec: audio?.codec ?? undefined,
  };
}
