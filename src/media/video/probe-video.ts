/** What a video file is (size, length, frame rate, sound), read from its container without decoding. */
import { ALL_FORMATS, BlobSource, Input } from 'mediabunny';

export interface VideoFacts {
  mime: string;
  width: number;
  height: number;
  /** Seconds. */
  duration: number;
  fps: number;
  hasAudio: boolean;
}

/** Throws with the reason when the bytes are not a video mediabunny can read. */
export async function probeVideo(blob: Blob): Promise<VideoFacts> {
  const input = new Input({ source: new BlobSource(blob), formats: ALL_FORMATS });
  try {
    const track = await input.getPrimaryVideoTrack();
    if (!track) throw new Error('the file has no video track');
    const [stats, duration, audio, mime] = await Promise.all([track.computePacketStats(120), input.computeDuration(), input.getPrimaryAudioTrack(), input.getMimeType()]);
    return { mime: mime.split(';')[0]!, width: track.displayWidth, height: track.displayHeight, duration, fps: Math.round(stats.averagePacketRate * 1000) / 1000, hasAudio: audio !== null };
  } finally {
    input.dispose();
  }
}
