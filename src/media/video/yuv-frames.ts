/**
 * A clip's frames as the decoder's own YUV planes, one at a time, and its sound as mono samples,
 * by mediabunny and the browser's WebCodecs decoders. Planes are what ffmpeg's metric filters
 * compare, so scores made from them match native ffmpeg's on the same file. Frames stream: one
 * is held at a time, in one buffer reused for the next, and each VideoFrame is closed at once.
 */
import { ALL_FORMATS, AudioSampleSink, BlobSource, Input, UnsupportedInputFormatError, VideoSampleSink, type InputAudioTrack, type InputVideoTrack, type VideoSample } from 'mediabunny';
import { NodeError } from '../../engine';
import { plane, type PlanarFrame } from '../../metrics/frame';
import type { LumaEncoding } from '../../metrics/identity';
import type { AudioTrack } from '../../metrics/take';

export interface DecodedFrame {
  frame: PlanarFrame;
  /** Seconds from the clip's first frame. */
  time: number;
  /** How the file says its luma was made: BT.709 when it says so, else BT.601; studio range unless full. */
  encoding: LumaEncoding;
}

/**
 * Yields every frame of `blob` in presentation order. A yielded frame's planes are overwritten by
 * the next one: copy what must outlive the loop body.
 */
export async function* yuvFrames(blob: Blob, signal?: AbortSignal): AsyncGenerator<DecodedFrame> {
  const input = new Input({ source: new BlobSource(blob), formats: ALL_FORMATS });
  try {
    const track = await readable(input.getPrimaryVideoTrack());
    if (!track) throw new NodeError('the input has no video track to score');
    if (!(await track.canDecode())) throw new NodeError(`this browser cannot decode ${track.codec ?? 'this'} video`);
    const first = await track.getFirstTimestamp();
    const encoding = declaredEncoding(await track.getColorSpace());
    let buffer = new Uint8Array(0);
    for await (const sample of new VideoSampleSink(track).samples()) {
      try {
        signal?.throwIfAborted();
        const size = sample.allocationSize();
        if (buffer.length < size) buffer = new Uint8Array(size);
        const frame = await planesOf(sample, buffer);
        yield { frame, time: sample.timestamp - first, encoding };
      } finally {
        sample.close();
      }
    }
  } finally {
    input.dispose();
  }
}

/**
 * The encoding the file declares. Not the decoded frames' own: Chromium labels every frame of an
 * untagged H.264 file BT.709 (measured, SD and HD alike), while untagged files are mostly made by
 * ffmpeg's swscale, whose default is BT.601; so untagged reads as BT.601, studio range.
 */
function declaredEncoding({ matrix, fullRange }: VideoColorSpaceInit): LumaEncoding {
  return { matrix: matrix === 'bt709' ? 'bt709' : 'bt601', fullRange: fullRange === true };
}

/** The sample's Y, U, V planes inside `buffer`: I420 as is, NV12's interleaved chroma split. */
async function planesOf(sample: VideoSample, buffer: Uint8Array): Promise<PlanarFrame> {
  const layout = await sample.copyTo(buffer);
  const { width, height } = sample.visibleRect;
  const cw = Math.ceil(width / 2);
  const ch = Math.ceil(height / 2);
  const at = (i: number) => layout[i] ?? { offset: 0, stride: 0 };
  const view = (i: number, w: number, h: number) => plane(buffer.subarray(at(i).offset), w, h, at(i).stride);
  switch (sample.format) {
    case 'I420':
    case 'I420A':
      return { planes: [view(0, width, height), view(1, cw, ch), view(2, cw, ch)] };
    case 'NV12': {
      const uv = view(1, cw * 2, ch);
      const u = new Uint8Array(cw * ch);
      const v = new Uint8Array(cw * ch);
      for (let y = 0; y < ch; y++) {
        for (let x = 0; x < cw; x++) {
          u[y * cw + x] = uv.data[y * uv.stride + 2 * x]!;
          v[y * cw + x] = uv.data[y * uv.stride + 2 * x + 1]!;
        }
      }
      return { planes: [view(0, width, height), plane(u, cw, ch), plane(v, cw, ch)] };
    }
    default:
      throw new NodeError(`the decoder gave ${sample.format ?? 'an opaque'} frames; scoring needs 8-bit 4:2:0 video (I420 or NV12)`);
  }
}

/** The clip's sound mixed to mono, or undefined when it has no audio track. */
export async function monoAudio(blob: Blob, signal?: AbortSignal): Promise<AudioTrack | undefined> {
  const input = new Input({ source: new BlobSource(blob), formats: ALL_FORMATS });
  try {
    const track = await readable(input.getPrimaryAudioTrack());
    if (!track) return undefined;
    if (!(await track.canDecode())) throw new NodeError(`this browser cannot decode ${track.codec ?? 'this'} audio`);
    const chunks: Float32Array[] = [];
    let sampleRate = track.sampleRate;
    for await (const sample of new AudioSampleSink(track).samples()) {
      try {
        signal?.throwIfAborted();
        sampleRate = sample.sampleRate;
        chunks.push(mixDown(sample.numberOfFrames, sample.numberOfChannels, (channel, into) => sample.copyTo(into, { planeIndex: channel, format: 'f32-planar' })));
      } finally {
        sample.close();
      }
    }
    const samples = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
    let offset = 0;
    for (const chunk of chunks) {
      samples.set(chunk, offset);
      offset += chunk.length;
    }
    return { samples, sampleRate };
  } finally {
    input.dispose();
  }
}

/** A track, or the user's error when the file is no media mediabunny knows. */
async function readable<T extends InputVideoTrack | InputAudioTrack>(track: Promise<T | null>): Promise<T | null> {
  try {
    return await track;
  } catch (error) {
    if (error instanceof UnsupportedInputFormatError) throw new NodeError('it is not a video file this app can read (MP4, MOV, WebM or MKV)');
    throw error;
  }
}

function mixDown(frames: number, channels: number, copy: (channel: number, into: Float32Array) => void): Float32Array {
  const mono = new Float32Array(frames);
  const scratch = new Float32Array(frames);
  for (let c = 0; c < channels; c++) {
    copy(c, scratch);
    for (let i = 0; i < frames; i++) mono[i]! += scratch[i]! / channels;
  }
  return mono;
}
