/**
 * One frame of a video file as RGBA pixels, by mediabunny and the browser's WebCodecs decoder.
 * It seeks: only the packets from the keyframe before the frame up to the frame are decoded.
 */
import { ALL_FORMATS, BlobSource, CanvasSink, Input, VideoSampleSink, type InputVideoTrack, type VideoSample } from 'mediabunny';
import { NodeError } from '../../engine';
import type { RgbaImage } from '../resample/lanczos';

/** 'first', 'last', or a time in seconds from the start of the clip. */
export type FramePosition = 'first' | 'last' | number;

/** Float slack when a requested time equals the clip's end, in seconds. */
const END_SLACK = 1e-3;

/** Decodes the frame shown at `position`, at the video's display size (rotation applied). */
export async function readFrame(blob: Blob, position: FramePosition, signal?: AbortSignal): Promise<RgbaImage> {
  return atFrame(blob, position, signal, async (track, timestamp) => {
    const frame = await new CanvasSink(track).getCanvas(timestamp);
    signal?.throwIfAborted();
    return frame && pixelsOf(frame.canvas);
  });
}

/** The decoded frame shown at `position` as mediabunny's VideoSample, which the caller closes. */
export async function readSample(blob: Blob, position: FramePosition, signal?: AbortSignal): Promise<VideoSample> {
  return atFrame(blob, position, signal, (track, timestamp) => new VideoSampleSink(track).getSample(timestamp));
}

/** Opens the video's track, finds `position`'s timestamp and gives both to `decode`. */
async function atFrame<T>(blob: Blob, position: FramePosition, signal: AbortSignal | undefined, decode: (track: InputVideoTrack, timestamp: number) => Promise<T | null>): Promise<T> {
  const input = new Input({ source: new BlobSource(blob), formats: ALL_FORMATS });
  try {
    const track = await input.getPrimaryVideoTrack();
    if (!track) throw new NodeError('the input has no video track to take a frame from');
    if (!(await track.canDecode())) throw new NodeError(`this browser cannot decode ${track.codec ?? 'this'} video`);
    const timestamp = await timestampOf(track, position);
    signal?.throwIfAborted();
    const frame = await decode(track, timestamp);
    if (!frame) throw new NodeError(`the video has no frame at ${timestamp.toFixed(3)} s`);
    return frame;
  } finally {
    input.dispose();
  }
}

/** The track timestamp to ask for; times past the clip's end are refused, not clamped. */
async function timestampOf(track: InputVideoTrack, position: FramePosition): Promise<number> {
  const first = await track.getFirstTimestamp();
  if (position === 'first') return first;
  const end = await track.computeDuration();
  // A frame is shown from its timestamp on, so the end time itself gives the last frame.
  if (position === 'last') return end;
  if (position < 0 || first + position > end + END_SLACK) {
    throw new NodeError(`${position} s is outside the clip, which lasts ${(end - first).toFixed(1)} s`);
  }
  return Math.min(end, first + position);
}

function pixelsOf(canvas: HTMLCanvasElement | OffscreenCanvas): RgbaImage {
  const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null;
  if (!context) throw new NodeError('this browser gives no 2D canvas to read video pixels from');
  const { data, width, height } = context.getImageData(0, 0, canvas.width, canvas.height, { colorSpace: 'srgb' });
  return { data, width, height };
}
