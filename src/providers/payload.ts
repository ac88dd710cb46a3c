/** Images as providers take them: base64 with or without a data: prefix, and field mapping for aggregators. */
import type { FieldMap } from './catalog/schema';
import { ProviderError } from './errors';
import type { GenerationRequest, ImagePayload } from './protocol';

export async function base64Of(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  // Chunks keep String.fromCharCode under the engine's argument limit.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export async function dataUri(image: ImagePayload): Promise<string> {
  return `data:${image.mime};base64,${await base64Of(image.blob)}`;
}

/**
 * The input object for an aggregator endpoint (fal, Replicate), named as that endpoint's own
 * schema names its fields; fields the endpoint lacks are not sent.
 */
export async function mappedInput(request: GenerationRequest, fields: FieldMap): Promise<Record<string, unknown>> {
  const input: Record<string, unknown> = { [fields.prompt]: request.prompt, [fields.image]: await dataUri(request.image) };
  if (fields.endImage && request.endImage) input[fields.endImage] = await dataUri(request.endImage);
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
