/**
 * The export only ffmpeg.wasm can make here: animated GIF (palettegen/paletteuse, which browsers
 * have no encoder for).
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
