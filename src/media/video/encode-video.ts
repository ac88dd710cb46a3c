/**
 * Frames drawn on a canvas to a video file: H.264 in MP4 or VP9 in WebM, encoded by the
 * browser's WebCodecs and muxed by mediabunny, as limited-range BT.709 (rec709.ts). Works in the
 * page and in workers.
 */
import { BufferTarget, canEncodeVideo, Mp4OutputFormat, Output, VideoSample, VideoSampleSource, WebMOutputFormat, type VideoCodec } from 'mediabunny';
import { NodeError } from '../../engine';
import { qualityBitrate, type QualityLevel } from './bitrate';
import { rec709Frame } from './rec709';

export type Container = 'mp4' | 'webm';

/** A frame's pixels: RGBA8, the video's width x height. */
export type FramePixels = Uint8Array | Uint8ClampedArray;

const CONTAINERS: Record<Container, { codec: VideoCodec; name: string; mime: string }> = {
  mp4: { codec: 'avc', name: 'H.264', mime: 'video/mp4' },
  webm: { codec: 'vp9', name: 'VP9', mime: 'video/webm' },
};

export interface EncodeVideoOptions {
  /** Even numbers: H.264 and VP9 in 4:2:0 need them. */
  width: number;
  height: number;
  fps: number;
  frameCount: number;
  /**
   * Draws frame `index` onto `context`, which is `width` x `height` and keeps what was drawn
   * before; or returns the frame's RGBA pixels when it has them already, which skips the canvas.
   */
  drawFrame(index: number, context: OffscreenCanvasRenderingContext2D): FramePixels | void | Promise<FramePixels | void>;
  container?: Container;
  /** A quality (bitrate.ts: 'high' is fit to upload) or a bitrate in bits per second. */
  quality?: QualityLevel | number;
  signal?: AbortSignal;
  /** Called after each frame is handed to the encoder with the share done, 0..1. */
  onProgress?(fraction: number): void;
  /**
   * Adds more tracks (a soundtrack) to the output before it starts; the function it returns
   * feeds them, and runs beside the frames.
   */
  withTracks?(output: Output): Promise<() => Promise<void>>;
}

/** Encodes `frameCount` frames to a video Blob; each frame lasts 1 / fps seconds. */
export async function encodeVideo(options: EncodeVideoOptions): Promise<Blob> {
  const { width, height, fps, frameCount, signal } = options;
  const { codec, name, mime } = CONTAINERS[options.container ?? 'mp4'];
  const quality = options.quality ?? 'high';
  const bitrate = typeof quality === 'number' ? quality : qualityBitrate(width, height, fps, quality);
  if (!(await canEncodeVideo(codec, { width, height, bitrate, frameRate: fps }))) {
    throw new NodeError(`this browser cannot encode ${name} video at ${width}x${height} px, ${fps} fps; try a smaller resolution or another format`);
  }
  signal?.throwIfAborted();
  const context = new OffscreenCanvas(width, height).getContext('2d', { alpha: false, colorSpace: 'srgb', willReadFrequently: true });
  if (!context) throw new NodeError('this browser gives no 2D canvas to draw video frames on');

  const target = new BufferTarget();
  const format = options.container === 'webm' ? new WebMOutputFormat() : new Mp4OutputFormat({ fastStart: 'in-memory' });
  const output = new Output({ format, target });
  const source = new VideoSampleSource({ codec, bitrate, sizeChangeBehavior: 'deny' });
  output.addVideoTrack(source, { frameRate: fps });
  try {
    const feedTracks = await options.withTracks?.(output);
    await output.start();
    const frames = async () => {
      for (let index = 0; index < frameCount; index++) {
        signal?.throwIfAborted();
        const pixels = (await options.drawFrame(index, context)) ?? context.getImageData(0, 0, width, height, { colorSpace: 'srgb' }).data;
        await addFrame(source, pixels, width, height, index, fps);
        options.onProgress?.((index + 1) / frameCount);
      }
    };
    await untilBoth(frames(), feedTracks?.() ?? Promise.resolve(), () => output.cancel());
    await output.finalize();
  } catch (error) {
    if (output.state !== 'canceled') await output.cancel();
    throw error;
  }
  return new Blob([target.buffer!], { type: mime });
}

/**
 * Waits for two jobs feeding one output. The first failure stops the other (through `stop`), so
 * neither is left waiting on the muxer, and is the error reported once `stop` is done; the other
 * is not waited for (a job waiting on an encoder that `stop` closed may never settle), and its
 * error is the first's echo.
 */
export function untilBoth(a: Promise<unknown>, b: Promise<unknown>, stop: () => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    let failed = false;
    const fail = async (error: unknown) => {
      if (failed) return;
      failed = true;
      // Stopping may fail in turn (the output already torn down); the first error is the story.
      await stop().catch(() => undefined);
      reject(error);
    };
    Promise.all([a.catch(fail), b.catch(fail)]).then(() => failed || resolve());
  });
}

/** Hands one frame to the encoder; waiting on add() is the backpressure. */
async function addFrame(source: VideoSampleSource, pixels: FramePixels, width: number, height: number, index: number, fps: number): Promise<void> {
  const sample = new VideoSample(rec709Frame(pixels, width, height, Math.round((index * 1e6) / fps), Math.round(1e6 / fps)));
  try {
    await source.add(sample);
  } finally {
    sample.close(); // the VideoFrame holds native memory until closed
  }
}
