/** Images as providers take them: base64 with or without a data: prefix, and field mapping for aggregators. */
import type { FieldMap } from './catalog/schema';
import { ProviderError } from './errors';
import type { GenerationRequest, ImagePayload } from './protocol';

const BASE64 = new TextEncoder().encode('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/');
const PAD = 61; // '='

/**
 * Standard base64 (RFC 4648, padded). Written out with a table rather than btoa over a binary
 * string: that way took 3-6 s for a 24 MB 4K PNG (bench adapters-a), this takes a fraction.
 */
export async function base64Of(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  const whole = bytes.length - (bytes.length % 3);
  let o = 0;
  for (let i = 0; i < whole; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = BASE64[n >> 18]!;
    out[o++] = BASE64[(n >> 12) & 63]!;
    out[o++] = BASE64[(n >> 6) & 63]!;
    out[o++] = BASE64[n & 63]!;
  }
  if (whole < bytes.length) {
    const n = (bytes[whole]! << 16) | ((bytes[whole + 1] ?? 0) << 8);
    out[o++] = BASE64[n >> 18]!;
    out[o++] = BASE64[(n >> 12) & 63]!;
    out[o++] = whole + 1 < bytes.length ? BASE64[(n >> 6) & 63]! : PAD;
    out[o++] = PAD;
  }
  return new TextDecoder().decode(out);
}

export async function dataUri(image: ImagePayload): Promise<string> {
  return `data:${image.mime};base64,${await base64Of(image.blob)}`;
}

/** The length `dataUri` would have, known before spending time on encoding. */
export function dataUriLength(image: ImagePayload): number {
  return `data:${image.mime};base64,`.length + Math.ceil(image.blob.size / 3) * 4;
}

/**
 * The input object for an aggregator endpoint (fal, Replicate), named as that endpoint's own
 * schema names its fields; fields the endpoint lacks are not sent. Images go as data URIs unless
 * `send` says otherwise (an upload's URL).
 */
export async function mappedInput(request: GenerationRequest, fields: FieldMap, send: (image: ImagePayload) => Promise<string> = dataUri): Promise<Record<string, unknown>> {
  const input: Record<string, unknown> = { [fields.prompt]: request.prompt, [fields.image]: await send(request.image) };
  if (fields.endImage && request.endImage) input[fields.endImage] = await send(request.endImage);
  if (fields.negativePrompt && request.negativePrompt) input[fields.negativePrompt] = request.negativePrompt;
  if (fields.seed && request.seed !== undefined) input[fields.seed] = request.seed;
  if (fields.duration) {
    const { name, format } = fields.duration;
    input[name] = format === 'number' ? request.seconds : format === 'string' ? String(request.seconds) : `${request.seconds}s`;
  }
  if (fields.resolution) input[fields.resolution.name] = fields.resolution.values?.[request.resolution] ?? request.resolution;
  if (fields.aspectRatio && request.aspectRatio !== 'auto') input[fields.aspectRatio] = request.aspectRatio;
  if (fields.audio) input[fields.audio] = request.audio;
  return input;
}

/**
 * An upload made before the paid request (a Files API, an ephemeral upload). A timeout or an
 * unreadable answer there means nothing was submitted yet, so it must not be reported as a
 * request that may have been accepted and charged; it fails plainly and can be run again.
 */
export async function uploadBeforeSubmit<T>(what: string, upload: Promise<T>): Promise<T> {
  try {
    return await upload;
  } catch (error) {
    if (error instanceof ProviderError && (error.kind === 'timeout' || error.kind === 'malformed')) {
      throw new ProviderError('network', `${error.message}, while uploading ${what}; no generation was requested, so nothing was charged`, error.details);
    }
    throw error;
  }
}
