/**
 * What a video file is (container, codec, size, length, frame rate, sound), read by mediabunny
 * from the container alone, without decoding; and, where WebCodecs exists, whether this browser
 * can decode it.
 */
import { ALL_FORMATS, BlobSource, Input, type InputVideoTrack } from 'mediabunny';

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
}

export interface VideoInspection extends VideoFacts {
  /** Whether WebCodecs here can decode the video track (and the audio track, when there is one). */
  decodable: boolean;
}

/** Throws with the reason when the bytes are not a video mediabunny can read. Works in Node too. */
export async function probeVideo(blob: Blob): Promise<VideoFacts> {
  return withTrack(blob, (input, track) => facts(input, track));
}

/** The facts plus decodability; null when mediabunny does not recognise it or finds no video track. */
export async function inspectVideo(blob: Blob): Promise<VideoInspection | null> {
  return withTrack(blob, async (input, track) => {
    const audio = await input.getPrimaryAudioTrack();
    const decodable = (await track.canDecode()) && (!audio || (await audio.canDecode()));
    return { ...(await facts(input, track)), decodable };
  }).catch(() => null); // not a container mediabunny reads, or a damaged one: the caller decides what next
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
  };
}
