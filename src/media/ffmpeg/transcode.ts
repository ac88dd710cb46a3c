/** Video this browser cannot decode (ProRes, DNxHD, MPEG-2...), made playable by ffmpeg.wasm. */
import { inputPath, outputPath, runFfmpeg } from './ffmpeg';

export interface TranscodeOptions {
  /** Seconds, when known, for progress; undefined leaves ffmpeg.wasm to guess. */
  duration?: number;
  signal?: AbortSignal;
  onProgress?(fraction: number): void;
}

/**
 * H.264 (x264 veryfast, CRF 18: visually lossless for an intermediate) in 4:2:0 with AAC audio,
 * in an MP4 with `moov` first: what every WebCodecs build decodes.
 */
export function transcodeToH264(source: Blob, options: TranscodeOptions = {}): Promise<Blob> {
  return runFfmpeg({
    inputs: [{ name: 'source', blob: source }],
    args: [
      ...['-i', inputPath('source'), '-map', '0:v:0', '-map', '0:a:0?'],
      // Odd sizes cannot be 4:2:0: round down to even.
      ...['-vf', 'crop=trunc(iw/2)*2:trunc(ih/2)*2', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-pix_fmt', 'yuv420p'],
      ...['-c:a', 'aac', '-b:a', '192k', '-movflags', '+faststart', outputPath('out.mp4')],
    ],
    output: { name: 'out.mp4', mime: 'video/mp4' },
    duration: options.duration,
    signal: options.signal,
    onProgress: options.onProgress,
  });
}
