/**
 * The exports only ffmpeg.wasm can make here: animated GIF (palettegen/paletteuse, which browsers
 * have no encoder for) and AAC audio in MP4 (Chromium on Linux cannot encode AAC).
 */
import { inputPath, outputPath, runFfmpeg } from './ffmpeg';

export interface GifOptions {
  /** Frames per second kept; GIF delays are in 1/100 s, so 10, 12.5, 20, 25, 50 are exact. */
  fps: number;
  /** Output size in pixels; the caller keeps the aspect. */
  width: number;
  height: number;
  /** Palette size, 2..256. */
  colors: number;
  signal?: AbortSignal;
  onProgress?(fraction: number): void;
}

/** An animated GIF of `video` that loops forever, with one palette made for the whole clip. */
export function encodeGif(video: Blob, duration: number, options: GifOptions): Promise<Blob> {
  const { fps, width, height, colors } = options;
  // One palette from every frame's changes (stats_mode=diff) suits slow camera moves; Bayer
  // dithering stays still from frame to frame where error diffusion would crawl, and compresses better.
  const filter = `fps=${fps},scale=${width}:${height}:flags=lanczos,split[a][b];[a]palettegen=max_colors=${colors}:stats_mode=diff[p];[b][p]paletteuse=dither=bayer:bayer_scale=4:diff_mode=rectangle`;
  return runFfmpeg({
    inputs: [{ name: 'source', blob: video }],
    args: ['-i', inputPath('source'), '-filter_complex', filter, '-loop', '0', outputPath('out.gif')],
    output: { name: 'out.gif', mime: 'image/gif' },
    duration,
    signal: options.signal,
    onProgress: options.onProgress,
  });
}

export interface AacOptions {
  /** Bits per second for the AAC track. */
  audioBitrate: number;
  signal?: AbortSignal;
  onProgress?(fraction: number): void;
}

/**
 * An MP4 with the video packets of `video` copied and the audio of `audioSource` encoded to
 * AAC-LC. Metadata tags of `video` (the embedded workflow) are kept as `mdta` keys, `moov` first.
 */
export function muxWithAac(video: Blob, audioSource: Blob, duration: number, options: AacOptions): Promise<Blob> {
  return runFfmpeg({
    inputs: [
      { name: 'video.mp4', blob: video },
      { name: 'audio', blob: audioSource },
    ],
    args: [
      ...['-i', inputPath('video.mp4'), '-i', inputPath('audio')],
      ...['-map', '0:v:0', '-map', '1:a:0', '-map_metadata', '0', '-shortest'],
      ...['-c:v', 'copy', '-c:a', 'aac', '-b:a', String(Math.round(options.audioBitrate))],
      ...['-movflags', '+faststart+use_metadata_tags', outputPath('out.mp4')],
    ],
    output: { name: 'out.mp4', mime: 'video/mp4' },
    duration,
    signal: options.signal,
    onProgress: options.onProgress,
  });
}
