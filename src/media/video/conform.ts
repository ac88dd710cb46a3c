/**
 * A clip brought to another size and frame rate by mediabunny's Conversion: frames stream from
 * decoder to encoder one at a time (its own bounded queues), written as limited-range BT.709;
 * sound is copied across.
 */
import { ALL_FORMATS, BlobSource, BufferTarget, canEncodeVideo, Conversion, Input, Output } from 'mediabunny';
import { NodeError } from '../../engine';
import { soundFor } from '../audio/sound-codec';
import { qualityBitrate } from './bitrate';
import { hasAudioTrack, runCancellable, sameContainer } from './convert-video';
import { FrameReader } from './frame-reader';
import { FITS, type Fit } from './choices';
import { rec709Frame } from './rec709';


export interface ConformOptions {
  width: number;
  height: number;
  fit: Fit;
  /** Frames per second; frames are repeated or dropped to reach it. */
  fps: number;
  signal: AbortSignal;
  onProgress(fraction: number): void;
}

export interface Conformed {
  blob: Blob;
  hasAudio: boolean;
}

/** Re-encodes `source` at `width` x `height` and `fps`, in its own container and codec where this browser can. */
export async function conformVideo(source: Blob, options: ConformOptions): Promise<Conformed> {
  const input = new Input({ source: new BlobSource(source), formats: ALL_FORMATS });
  try {
    const track = await input.getPrimaryVideoTrack();
    if (!track) throw new NodeError('the input has no video track to conform');
    const { width, height, fps } = options;
    const format = sameContainer(await input.getFormat());
    const codec = track.codec && (await canEncodeVideo(track.codec, { width, height })) ? track.codec : format.getSupportedVideoCodecs()[0];
    if (!codec || !(await canEncodeVideo(codec, { width, height }))) throw new NodeError(`this browser cannot encode video at ${width}x${height} px`);
    const target = new BufferTarget();
    const reader = new FrameReader(width, height);
    const conversion = await Conversion.init({
      input,
      output: new Output({ format, target }),
      tracks: 'primary',
      video: {
        ...{ width, height, fit: FITS[options.fit].mode, frameRate: fps, codec, forceTranscode: true },
        bitrate: qualityBitrate(width, height, fps, 'high'),
        // mediabunny resizes on a canvas, which would encode full range: written as BT.709 limited instead.
        process: (sample) => rec709Frame(reader.read(sample).data, width, height, sample.microsecondTimestamp, sample.microsecondDuration),
      },
      audio: soundFor(format),
      showWarnings: false,
    });
    if (!conversion.isValid) {
      const reasons = conversion.discardedTracks.map((d) => `${d.track.type} track: ${d.reason}`).join(', ');
      throw new NodeError(`this video cannot be conformed (${reasons})`);
    }
    conversion.onProgress = options.onProgress;
    await runCancellable(conversion, options.signal);
    return { blob: new Blob([target.buffer!], { type: format.mimeType }), hasAudio: hasAudioTrack(conversion) };
  } finally {
    input.dispose();
  }
}
