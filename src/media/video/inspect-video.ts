/**
 * What a video file holds, read by mediabunny from the container alone (no decoding), and
 * whether this browser's WebCodecs can decode its video track.
 */
import { ALL_FORMATS, BlobSource, Input } from 'mediabunny';

export interface VideoInspection {
  /** The container's MIME type without codec parameters, e.g. `video/mp4`, `video/quicktime`. */
  mime: string;
  /** mediabunny's codec name (`avc`, `vp9`...), or undefined when it does not know the codec (ProRes). */
  codec: string | undefined;
  /** Display size: rotation applied. */
  width: number;
  height: number;
  /** Seconds. */
  duration: number;
  fps: number;
  hasAudio: boolean;
  /** Whether WebCodecs here can decode the video track (and the audio track, when there is one). */
  decodable: boolean;
}

/** Reads `blob`'s container; null when mediabunny does not recognise it or finds no video track. */
export async function inspectVideo(blob: Blob): Promise<VideoInspection | null> {
  const input = new Input({ source: new BlobSource(blob), formats: ALL_FORMATS });
  try {
    const track = await input.getPrimaryVideoTrack();
    if (!track) return null;
    const audio = await input.getPrimaryAudioTrack();
    const stats = await track.computePacketStats(120);
    const decodable = (await track.canDecode()) && (!audio || (await audio.canDecode()));
    return {
      mime: (await input.getMimeType()).split(';')[0]!.trim(),
      codec: track.codec ?? undefined,
      width: track.displayWidth,
      height: track.displayHeight,
      duration: (await input.computeDuration()) - Math.max(0, await track.getFirstTimestamp()),
      fps: Math.round(stats.averagePacketRate * 1000) / 1000,
      hasAudio: audio !== null,
      decodable,
    };
  } catch {
    // Not a container mediabunny reads, or a damaged one: the caller decides what to try next.
    return null;
  } finally {
    input.dispose();
  }
}
