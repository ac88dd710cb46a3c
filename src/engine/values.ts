/**
 * Values that flow along edges at run time, one shape per port kind.
 *
 * Media is an immutable Blob plus its SHA-256: Blobs cross the worker boundary and go into
 * IndexedDB by reference, without copying the bytes, and the hash is what cache keys are built on.
 */
import { hashBytes, hashString } from './hash';
import type { PortType, ScalarKind } from './ports';
import { definePortKind, elementKind, isListType, portKind, portKinds } from './ports';

interface MediaBase {
  /** SHA-256 of the bytes in `blob`, lowercase hex. */
  readonly hash: string;
  readonly blob: Blob;
  /** MIME type of `blob`, e.g. `image/png`, `video/mp4`. */
  readonly mime: string;
}

export interface ImageValue extends MediaBase {
  readonly kind: 'image';
  readonly width: number;
  readonly height: number;
}

export interface VideoValue extends MediaBase {
  readonly kind: 'video';
  readonly width: number;
  readonly height: number;
  /** Seconds. */
  readonly duration: number;
  readonly fps: number;
  readonly hasAudio: boolean;
}

export interface AudioValue extends MediaBase {
  readonly kind: 'audio';
  /** Seconds. */
  readonly duration: number;
  readonly sampleRate: number;
  readonly channels: number;
}

export type MediaValue = ImageValue | VideoValue | AudioValue;

/**
 * The run-time value of each port kind. A module that registers a new kind (definePortKind)
 * adds its value type here by declaration merging: `declare module '.../values' { interface
 * ScalarValues { depth: DepthValue } }`.
 */
export interface ScalarValues {
  image: ImageValue;
  video: VideoValue;
  audio: AudioValue;
  text: string;
  number: number;
}

/** The run-time value carried by a port of type `T`. */
export type ValueOf<T extends PortType> = T extends `list<${infer K extends ScalarKind}>`
  ? readonly ScalarValues[K][]
  : T extends ScalarKind
    ? ScalarValues[T]
    : never;

export type ScalarValue = ScalarValues[ScalarKind];
export type PortValue = ScalarValue | readonly ScalarValue[];

type MediaMeta<V extends MediaValue> = Omit<V, 'hash' | 'blob' | 'kind'>;

/** Builds a media value, hashing its bytes. The only way media values should be made. */
export async function createMedia<K extends MediaValue['kind']>(
  kind: K,
  blob: Blob,
  meta: MediaMeta<Extract<MediaValue, { kind: K }>>,
): Promise<Extract<MediaValue, { kind: K }>> {
  return { kind, blob, hash: await hashBytes(blob), ...meta } as Extract<MediaValue, { kind: K }>;
}

const EXTENSIONS: Readonly<Record<string, string>> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'video/mp4': 'mp4',
  'video/webm': 'webm',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/wav': 'wav',
};

/** The file extension media of this MIME type is saved with; undefined for types without one here. */
export function fileExtension(mime: string): string | undefined {
  return Object.hasOwn(EXTENSIONS, mime) ? EXTENSIONS[mime] : undefined;
}

export function isMedia(value: unknown): value is MediaValue {
  return typeof value === 'object' && value !== null && 'hash' in value && 'blob' in value;
}

/** Values whose identity text is at most this long are used as is; longer ones are hashed. */
const INLINE_LIMIT = 256;

/**
 * A content identity of any port value: equal content, equal identity, whatever produced it.
 * Short values are spelled out (cache keys hash them anyway), long ones are SHA-256 hashed.
 */
export function valueHash(value: PortValue): string {
  if (typeof value === 'number') return `n:${Object.is(value, -0) ? 0 : value}`;
  if (typeof value === 'string') return value.length <= INLINE_LIMIT ? `t:${JSON.stringify(value)}` : `t#${hashString(value)}`;
  if (Array.isArray(value)) {
    const joined = value.map((v: ScalarValue) => valueHash(v)).join(',');
    return joined.length <= INLINE_LIMIT ? `l:[${joined}]` : `l#${hashString(joined)}`;
  }
  return `m:${(value as MediaValue).hash}`;
}

/** Whether `value` has the run-time shape of port type `type` (checked on node outputs). */
export function matchesPortType(value: unknown, type: PortType): boolean {
  const kind = portKind(elementKind(type));
  if (isListType(type)) return Array.isArray(value) && value.every((v) => kind.matches(v));
  return kind.matches(value);
}

/** Converts a value for an input whose type differs but is legal per `canConnect`. */
export function coerce(value: PortValue, to: PortType): PortValue {
  if (isListType(to)) return Array.isArray(value) ? value : [value as ScalarValue];
  if (Array.isArray(value) || portKind(to as ScalarKind).matches(value)) return value;
  const convert = portKinds().find((kind) => kind.matches(value))?.feeds?.[to as ScalarKind] as ((v: ScalarValue) => ScalarValue) | undefined;
  return convert ? convert(value as unknown as ScalarValue) : value;
}

const isMediaOf =
  <K extends MediaValue['kind']>(kind: K) =>
  (value: unknown): value is Extract<MediaValue, { kind: K }> =>
    isMedia(value) && value.kind === kind;

// The kinds that ship; colours are shared by ports and wires in the editor.
definePortKind({ name: 'image', colour: '#5fb3f9', matches: isMediaOf('image') });
definePortKind({ name: 'video', colour: '#f98f5f', matches: isMediaOf('video') });
definePortKind({ name: 'audio', colour: '#b18cff', matches: isMediaOf('audio') });
definePortKind({ name: 'text', colour: '#9bd77a', matches: (value): value is string => typeof value === 'string' });
definePortKind({
  name: 'number',
  colour: '#e8d36a',
  matches: (value): value is number => typeof value === 'number' && !Number.isNaN(value),
  feeds: { text: (value) => String(value) },
});
