/**
 * What a video file really holds, read from the file itself (not from what the node reported):
 * its codecs and container, length, size and overall bitrate. Opus in an MP4 is flagged, since
 * QuickTime, iOS and editors refuse or silence it.
 */
import { useEffect, useState } from 'react';
import type { VideoValue } from '../engine';
import type { VideoFacts } from '../media/video/probe-video';

const CODECS: Readonly<Record<string, string>> = { avc: 'H.264', hevc: 'H.265', vp8: 'VP8', vp9: 'VP9', av1: 'AV1', aac: 'AAC', opus: 'Opus', mp3: 'MP3', vorbis: 'Vorbis', flac: 'FLAC' };
const CONTAINERS: Readonly<Record<string, string>> = { 'video/mp4': 'MP4', 'video/webm': 'WebM', 'video/quicktime': 'MOV', 'video/x-matroska': 'MKV' };

export function FileFacts({ video }: { video: VideoValue }) {
  const [facts, setFacts] = useState<VideoFacts | null>();
  useEffect(() => {
    let live = true;
    // Loaded on first use: the page draws the canvas without the media code.
    void import('../media/video/probe-video')
      .then(({ inspectVideo }) => inspectVideo(video.blob))
      .then((found) => live && setFacts(found));
    return () => {
      live = false;
    };
  }, [video.blob]);
  if (facts === undefined) return null;
  if (facts === null) return <p className="file-facts">{formatBytes(video.blob.size)} · {video.mime}</p>;
  return (
    <p className="file-facts" data-testid="file-facts">
      {describeFile(facts, video.blob.size)}
      {facts.audioCodec === 'opus' && facts.mime !== 'video/webm' ? (
        <span className="warning"> · Opus sound in {CONTAINERS[facts.mime] ?? facts.mime}: QuickTime, iOS and editors may play it silent; Export writes AAC</span>
      ) : null}
    </p>
  );
}

/** "H.264 + AAC in MP4 · 5.00 s · 3.1 MB · 5.0 Mb/s" */
export function describeFile(facts: VideoFacts, bytes: number): string {
  const codecs = [facts.codec, facts.audioCodec].filter((c) => c !== undefined).map(codecName).join(' + ') || 'unknown codec';
  const bitrate = facts.duration > 0 ? ` · ${((bytes * 8) / facts.duration / 1e6).toFixed(1)} Mb/s` : '';
  const sound = facts.hasAudio && !facts.audioCodec ? ' (sound in an unknown codec)' : facts.hasAudio ? '' : ' · no sound';
  return `${codecs} in ${CONTAINERS[facts.mime] ?? facts.mime}${sound} · ${facts.duration.toFixed(2)} s · ${formatBytes(bytes)}${bitrate}`;
}

function codecName(codec: string): string {
  return CODECS[codec] ?? (codec.startsWith('pcm') ? 'PCM' : codec);
}

function formatBytes(bytes: number): string {
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(0)} kB`;
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
