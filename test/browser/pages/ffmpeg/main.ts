/**
 * The page test/browser/ffmpeg-loader.test.ts drives: src/media/ffmpeg/ffmpeg.ts on its own, so
 * the test can give it jobs no node makes (a silent one, a refused one) and read what comes back.
 */
import { NodeError } from '../../../../src/engine';
import { outputPath, runFfmpeg } from '../../../../src/media/ffmpeg/ffmpeg';

export interface FfmpegTest {
  /** A test pattern of `seconds` as a GIF, logs silenced; `stallMs` for the watchdog. */
  gif(seconds: number, quiet: boolean, stallMs: number): Promise<{ bytes?: number; error?: string; nodeError?: boolean; ms: number }>;
  /** A job whose one input claims `mib` MiB (made of one small chunk repeated, held once). */
  oversized(mib: number): Promise<string>;
}

const test: FfmpegTest = {
  async gif(seconds, quiet, stallMs) {
    const started = performance.now();
    try {
      const blob = await runFfmpeg({
        inputs: [],
        args: [
          ...(quiet ? ['-v', 'quiet', '-nostats'] : []),
          ...['-f', 'lavfi', '-i', `testsrc=size=160x90:rate=30:duration=${seconds}`],
          ...['-filter_complex', 'split[a][b];[a]palettegen[p];[b][p]paletteuse', outputPath('test.gif')],
        ],
        output: { name: 'test.gif', mime: 'image/gif' },
        stallMs,
      });
      return { bytes: blob.size, ms: performance.now() - started };
    } catch (error) {
      return { error: String(error instanceof Error ? error.message : error), nodeError: error instanceof NodeError, ms: performance.now() - started };
    }
  },

  async oversized(mib) {
    const chunk = new Uint8Array(2 ** 20);
    const blob = new Blob(Array.from({ length: mib }, () => chunk));
    try {
      await runFfmpeg({ inputs: [{ name: 'big', blob }], args: [], output: { name: 'x', mime: 'video/mp4' } });
      return 'accepted';
    } catch (error) {
      return String(error instanceof Error ? error.message : error);
    }
  },
};

(globalThis as { ffmpegTest?: FfmpegTest }).ffmpegTest = test;
