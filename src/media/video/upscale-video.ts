/**
 * A video resized frame by frame with our Lanczos resampler (GPU or CPU), written as
 * limited-range BT.709 as players assume (a limited-range source stays limited), audio copied (or
 * encoded to AAC when an MP4 would otherwise carry Opus). Frames
 * stream through mediabunny's Conversion: one decoded frame at a time is drawn to RGBA,
 * resampled and handed to the encoder, and the next is not decoded until the encoder takes it
 * (Conversion awaits `process` and the encoder queue), so memory stays flat whatever the length.
 */
import {
  ALL_FORMATS,
  BlobSource,
  canEncodeVideo,
  Conversion,
  Input,
  Mp4OutputFormat,
  Output,
  WebMOutputFormat,
  type VideoCodec,
} from 'mediabunny';
import { NodeError } from '../../engine';
import { soundFor } from '../audio/sound-codec';
import type { Resampler } from '../resample/backend';
import { qualityBitrate } from './bitrate';
import { BlobSink } from './blob-sink';
import { FrameReader } from './frame-reader';
import { rec709Frame } from './rec709';
import { runCancellable } from './convert-video';

export interface UpscaleVideoOptions {
  /** Even numbers: H.264 and VP9 in 4:2:0 need them. */
  width: number;
  height: number;
  sharpen: number;
  resampler: Resampler;
  signal?: AbortSignal;
  /** The share done, 0..1, as frames go through. */
  onProgress?(fraction: number): void;
}

/** Codecs tried in turn: the source's own (when we can encode it at the new size), then these. */
const FALLBACK_CODECS: readonly VideoCodec[] = ['avc', 'vp9'];

export async function upscaleVideo(source: Blob, options: UpscaleVideoOptions): Promise<Blob> {
  const input = new Input({ source: new BlobSource(source), formats: ALL_FORMATS });
  try {
    const track = await input.getPrimaryVideoTrack();
    if (!track) throw new NodeError('the input has no video track to upscale');
    if (!(await track.canDecode())) throw new NodeError(`this browser cannot decode ${track.codec ?? 'this'} video; put it through a Video input node first`);
    const { width, height, sharpen, resampler } = options;
    const codec = await encodableCodec(track.codec, width, height);
    const { averagePacketRate: fps } = await track.computePacketStats(120);
    const webm = codec === 'vp9' || codec === 'vp8';
    // Kept as pieces, moov at the end: a 4K clip is never held whole in one growing buffer.
    const sink = new BlobSink();
    const output = new Output({ format: webm ? new WebMOutputFormat() : new Mp4OutputFormat({ fastStart: false }), target: sink.target });
    const frame = new FrameReader(track.displayWidth, track.displayHeight);
    const resampled = new Uint8ClampedArray(width * height * 4);
    const conversion = await Conversion.init({
      input,
      output,
      video: {
        codec,
        bitrate: qualityBitrate(width, height, fps, 'high'),
        forceTranscode: true,
        processedWidth: width,
        processedHeight: height,
        process: async (sample) => {
          options.signal?.throwIfAborted();
          const result = await resampler.resample(await frame.read(sample), width, height, { sharpen }, resampled);
          // Limited-range BT.709 whatever the source was: RGBA frames would come out full range.
          return rec709Frame(result.data, width, height, sample.microsecondTimestamp, sample.microsecondDuration);
        },
      },
      audio: soundFor(output.format),
      showWarnings: false,
    });
    if (!conversion.isValid) {
      const reasons = conversion.discardedTracks.map((d) => `${d.track.type} track: ${d.reason}`).join(', ');
      throw new NodeError(`this video cannot be upscaled (${reasons})`);
    }
    conversion.onProgress = (fraction) => options.onProgress?.(fraction);
    await runCancellable(conversion, options.signal);
    return sink.blob(webm ? 'video/webm' : 'video/mp4');
  } finally {
    input.dispose();
  }
}

async function encodableCodec(own: VideoCodec | null, width: number, height: number): Promise<VideoCodec> {
  for (const codec of own ? [own, ...FALLBACK_CODECS] : FALLBACK_CODECS) {
    if (await canEncodeVideo(codec, { width, height })) return codec;
  }
  throw new NodeError(`this browser cannot encode video at ${width}x${height} px; choose a smaller scale`);
}
