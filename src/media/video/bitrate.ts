/**
 * The bitrate a Quality setting asks for, the same for H.264, VP9 and AV1 so that High, Medium
 * and Low mean comparable file sizes whatever the codec. High is YouTube's recommended upload
 * bitrate for SDR video (support.google.com/youtube/answer/1722171: 360p 1 Mb/s, 480p 2.5,
 * 720p 5, 1080p 8, 1440p 16, 2160p 35-45 at 24-30 fps; half as much again at 48-60 fps), so a
 * file we make is fit to upload; mediabunny's own presets give H.264 2.7 Mb/s at 720p30.
 */
export type QualityLevel = 'low' | 'medium' | 'high';

/** Pixels per frame (16:9 sizes) and the recommended bits per second at 30 fps. */
const UPLOAD: readonly (readonly [number, number])[] = [
  [640 * 360, 1e6],
  [854 * 480, 2.5e6],
  [1280 * 720, 5e6],
  [1920 * 1080, 8e6],
  [2560 * 1440, 16e6],
  [3840 * 2160, 40e6],
];

/** Shares of High: Medium and Low trade size for detail the same way on every codec. */
const SHARE: Readonly<Record<QualityLevel, number>> = { high: 1, medium: 0.6, low: 0.35 };

/** Bits per second for `quality` at this size and frame rate. */
export function qualityBitrate(width: number, height: number, fps: number, quality: QualityLevel): number {
  const pixels = width * height;
  const upper = UPLOAD.findIndex(([p]) => p >= pixels);
  const base =
    upper === 0
      ? (UPLOAD[0]![1] * pixels) / UPLOAD[0]![0] // below 360p: in proportion to the pixels
      : upper === -1
        ? (UPLOAD.at(-1)![1] * pixels) / UPLOAD.at(-1)![0] // above 4K likewise
        : interpolate(UPLOAD[upper - 1]!, UPLOAD[upper]!, pixels);
  // 30 fps and below take the table's rate; 60 fps half as much again, as YouTube recommends.
  const motion = 1 + 0.5 * Math.min(1, Math.max(0, (fps - 30) / 30));
  return Math.round(base * motion * SHARE[quality]);
}

function interpolate([p0, b0]: readonly [number, number], [p1, b1]: readonly [number, number], pixels: number): number {
  return b0 + ((b1 - b0) * (pixels - p0)) / (p1 - p0);
}
