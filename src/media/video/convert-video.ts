/**
 * A video file re-encoded or remuxed to another container and codec, with metadata tags, by
 * mediabunny's Conversion: packets stream from the source Blob through the decoder and encoder
 * (or straight across when the codec already matches), so the video is never held decoded.
 */
import {
  ALL_FORMATS,
  BlobSource,
  BufferTarget,
  canEncodeVideo,
  Conversion,
  Input,
  MATROSKA,
  MkvOutputFormat,
  MovOutputFormat,
  Mp4OutputFormat,
  Output,
  QTFF,
  WEBM,
  WebMOutputFormat,
  type InputFormat,
  type OutputFormat,
  type VideoCodec,
} from 'mediabunny';
import { NodeError } from '../../engine';
import { soundFor } from '../audio/sound-codec';
import { qualityBitrate, type QualityLevel } from './bitrate';

export type ConvertTarget = 'mp4-h264' | 'mp4-av1' | 'webm-vp9';

const TARGETS: Record<ConvertTarget, { codec: VideoCodec; name: string; mime: string }> = {
  'mp4-h264': { codec: 'avc', name: 'H.264', mime: 'video/mp4' },
  'mp4-av1': { codec: 'av1', name: 'AV1', mime: 'video/mp4' },
  'webm-vp9': { codec: 'vp9', name: 'VP9', mime: 'video/webm' },
};

export interface ConvertVideoOptions {
  target: ConvertTarget;
  /**
   * The bitrate asked for (bitrate.ts), 'high' when absent. A source already in the codec is
   * copied unless it has clearly less than that: then it is re-encoded at it.
   */
  quality?: QualityLevel;
  /** Bits per second; forces a re-encode even when the codec already matches. */
  bitrate?: number;
  /**
   * Written as MP4 `mdta` keys (`moov/udta/meta/keys`, shown by ffprobe as format tags) or as
   * Matroska SimpleTags with target MOVIE. The source's own tags are not carried over.
   */
  tags?: Readonly<Record<string, string>>;
  signal?: AbortSignal;
  /** The share done, 0..1, as the conversion advances through the source's duration. */
  onProgress?(fraction: number): void;
}

export interface ConvertedVideo {
  blob: Blob;
  /** Why the video was re-encoded; absent when its packets were copied across without decoding. */
  why?: string;
  /** Whether the file has sound: the source's audio, copied when already in the container's codec (AAC in MP4, Opus in WebM), else re-encoded. */
  hasAudio: boolean;
}

/** Converts `source` (any container mediabunny reads) to `options.target`. */
export async function convertVideo(source: Blob, options: ConvertVideoOptions): Promise<ConvertedVideo> {
  const input = new Input({ source: new BlobSource(source), formats: ALL_FORMATS });
  try {
    return await convertInput(input, options);
  } finally {
    input.dispose();
  }
}

async function convertInput(input: Input, options: ConvertVideoOptions): Promise<ConvertedVideo> {
  const { codec, mime } = TARGETS[options.target];
  const track = await input.getPrimaryVideoTrack();
  if (!track) throw new NodeError('the input has no video track to export');
  const { averageBitrate, averagePacketRate } = await track.computePacketStats();
  const quality = options.quality ?? 'high';
  const bitrate = options.bitrate ?? qualityBitrate(track.displayWidth, track.displayHeight, averagePacketRate, quality);
  const why = reencodeReason(track.codec === codec ? undefined : (track.codec ?? 'an unknown codec'), averageBitrate, bitrate, options.bitrate === undefined ? quality : undefined);
  const copied = why === undefined;
  if (!copied) await assertCanEncode(options.target, track.displayWidth, track.displayHeight);
  options.signal?.throwIfAborted();

  const target = new BufferTarget();
  const output = new Output({ format: outputFormat(options.target), target });
  const conversion = await Conversion.init({
    input,
    output,
    video: copied ? { codec } : { codec, bitrate: Math.round(bitrate) },
    audio: soundFor(output.format),
    tags: { raw: { ...options.tags } },
    showWarnings: false,
  });
  if (!conversion.isValid) {
    const reasons = conversion.discardedTracks.map((d) => `${d.track.type} track: ${d.reason}`).join(', ');
    throw new NodeError(`this video cannot be exported as ${TARGETS[options.target].name} (${reasons})`);
  }
  conversion.onProgress = (fraction) => options.onProgress?.(fraction);
  await runCancellable(conversion, options.signal);
  const bytes = new Uint8Array(target.buffer!);
  if (options.target === 'webm-vp9') voidTargetTypeStrings(bytes);
  return { blob: new Blob([bytes], { type: mime }), ...(why ? { why } : {}), hasAudio: hasAudioTrack(conversion) };
}

/**
 * A source has "less than asked" below this share of the Quality's bitrate. Encoders land under
 * their target on easy pictures (our own High clips come out near 60-90% of it), so only a
 * clearly poorer source is re-encoded; re-encoding cannot add detail, only room for it.
 */
const COPY_FLOOR = 0.5;

/** Why the video is re-encoded rather than copied; undefined to copy. */
function reencodeReason(otherCodec: string | undefined, sourceBitrate: number, bitrate: number, quality: QualityLevel | undefined): string | undefined {
  if (otherCodec) return `the source is ${otherCodec}`;
  if (quality === undefined) return `a bitrate of ${mbps(bitrate)} was set`;
  if (sourceBitrate < COPY_FLOOR * bitrate) return `the source's ${mbps(sourceBitrate)} is less than ${quality} quality's ${mbps(bitrate)}`;
  return undefined;
}

function mbps(bitsPerSecond: number): string {
  return `${(bitsPerSecond / 1e6).toFixed(1)} Mb/s`;
}

function outputFormat(target: ConvertTarget): Mp4OutputFormat | WebMOutputFormat {
  if (target === 'webm-vp9') return new WebMOutputFormat();
  // `moov` in front so readers that scan only the head (ComfyUI reads 2 MiB) find the tags;
  // `mdta` keys because the default `mdir` form only takes four-letter atom names.
  return new Mp4OutputFormat({ fastStart: 'in-memory', metadataFormat: 'mdta' });
}

/** The input's own container, for edits that keep it; MP4 for those mediabunny cannot write. */
export function sameContainer(format: InputFormat): OutputFormat {
  if (format === WEBM) return new WebMOutputFormat();
  if (format === MATROSKA) return new MkvOutputFormat();
  if (format === QTFF) return new MovOutputFormat({ fastStart: 'in-memory' });
  return new Mp4OutputFormat({ fastStart: 'in-memory' });
}

async function assertCanEncode(target: ConvertTarget, width: number, height: number): Promise<void> {
  if (!(await canEncodeVideo(TARGETS[target].codec, { width, height }))) {
    throw new NodeError(`this browser cannot encode ${TARGETS[target].name} video at ${width}x${height} px; try another format`);
  }
}

/** Whether a conversion writes an audio track (one the output cannot carry is dropped, not failed). */
export function hasAudioTrack(conversion: Conversion): boolean {
  return conversion.utilizedTracks.some((track) => track.isAudioTrack());
}

/** Runs the conversion, cancelling it when `signal` aborts; rethrows the abort reason then. */
export async function runCancellable(conversion: Conversion, signal: AbortSignal | undefined): Promise<void> {
  const cancel = () => void conversion.cancel();
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    signal?.throwIfAborted();
    await conversion.execute();
  } catch (error) {
    signal?.throwIfAborted();
    throw error;
  } finally {
    signal?.removeEventListener('abort', cancel);
  }
}

const EBML = { segment: 0x18538067, cluster: 0x1f43b675, tags: 0x1254c367, tag: 0x7373, targets: 0x63c0, targetType: 0x63ca, void: 0xec };

/**
 * mediabunny 1.61 writes each Matroska Tag's Targets with TargetType "MOVIE" beside
 * TargetTypeValue 50; ffmpeg, and so PyAV and ComfyUI, then name the tag "MOVIE/WORKFLOW" instead
 * of "WORKFLOW". Overwriting the TargetType string with a Void element of the same length keeps
 * every size and offset valid, and value 50 alone still means MOVIE.
 */
function voidTargetTypeStrings(bytes: Uint8Array): void {
  for (const segment of children(bytes, 0, bytes.length)) {
    if (segment.id !== EBML.segment) continue;
    for (const tags of children(bytes, segment.start, segment.end)) {
      if (tags.id === EBML.cluster) return; // our tags are written before the media
      if (tags.id !== EBML.tags) continue;
      for (const tag of children(bytes, tags.start, tags.end).filter((e) => e.id === EBML.tag)) {
        for (const targets of children(bytes, tag.start, tag.end).filter((e) => e.id === EBML.targets)) {
          for (const type of children(bytes, targets.start, targets.end).filter((e) => e.id === EBML.targetType)) {
            const length = type.end - type.at;
            bytes.fill(0, type.at, type.end);
            bytes.set([EBML.void, 0x80 | (length - 2)], type.at);
          }
        }
      }
    }
  }
}

interface Element {
  id: number;
  /** Offset of the element's ID, of its payload, and just past it. */
  at: number;
  start: number;
  end: number;
}

/** The EBML elements laid end to end in bytes[from, to); an unknown size runs to `to`. */
function children(bytes: Uint8Array, from: number, to: number): Element[] {
  const out: Element[] = [];
  for (let at = from; at < to; ) {
    const id = readVint(bytes, at, true);
    const size = readVint(bytes, at + id.length, false);
    if (!id.length || !size.length) break;
    const start = at + id.length + size.length;
    const end = size.value === undefined ? to : Math.min(to, start + size.value);
    out.push({ id: id.value!, at, start, end });
    at = end;
  }
  return out;
}

/** An EBML variable-length integer: IDs keep their length marker, sizes drop it (all ones: unknown). */
function readVint(bytes: Uint8Array, at: number, keepMarker: boolean): { value: number | undefined; length: number } {
  const first = bytes[at] ?? 0;
  const length = Math.clz32(first) - 23;
  if (length < 1 || length > 8 || at + length > bytes.length) return { value: undefined, length: 0 };
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    value = value * 256 + bytes[at + i]!;
    allOnes &&= bytes[at + i] === 0xff;
  }
  return { value: !keepMarker && allOnes ? undefined : value, length };
}
