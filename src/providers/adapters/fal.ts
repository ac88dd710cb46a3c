/**
 * fal's queue API (fal-ai/fal-js, libs/client/src/queue.ts): submit to the full endpoint id;
 * status, result and cancel live under the first two path segments only. There is no failed
 * status: a failed run is COMPLETED, and the error comes back when the result is fetched, as a
 * model error (4xx, `detail[]` with a `type`; docs.fal.ai/errors) or a request error (5xx with
 * `error_type` and X-Fal-Error-Type; fal.ai/docs/documentation/model-apis/request-errors). Images
 * above a small size go through fal's storage as fal-js sends files (storage.ts): initiate on the
 * REST API with the key, then a PUT to the upload URL it names, without it.
 */
import { z } from 'zod';
import { ProviderError, type ProviderErrorKind } from '../errors';
import type { ProviderHttp } from '../http';
import { dataUri, mappedInput, uploadBeforeSubmit } from '../payload';
import type { ImagePayload, ProviderAdapter, ProviderCall, ProviderInfo, SubmittedTask, TaskState } from '../protocol';
import { PROVIDER_ENDPOINTS } from '../endpoints';

/**
 * Images up to this size go inline as data URIs; larger ones are uploaded. fal-js uploads every
 * file; a small image is not worth two more requests, and fal's docs warn that not every model
 * takes data URIs, so nothing megabytes long goes inline.
 */
export const FAL_INLINE_LIMIT = 256 * 1024;
/** fal-js switches to a multipart upload above this; no image-to-video model takes such an image. */
export const FAL_UPLOAD_LIMIT = 90 * 1024 * 1024;

const queued = z.object({ request_id: z.string().min(1), status: z.string() });
const status = z.object({
  status: z.enum(['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED']),
  queue_position: z.number().optional(),
  logs: z.array(z.object({ message: z.string() })).nullish(),
  // A COMPLETED request may carry its failure here too (fal's Python client, _parse_status).
  error: z.string().nullish(),
  error_type: z.string().nullish(),
});
const output = z.object({ video: z.object({ url: z.string().min(1) }) });
const initiated = z.object({ upload_url: z.string().min(1), file_url: z.string().min(1) });

/** `fal-ai/kling-video/v2.1/master/image-to-video` -> `fal-ai/kling-video` (the SDK's parseEndpointId). */
export function falApp(endpoint: string): string {
  const parts = endpoint.split('/');
  const namespaced = parts[0] === 'workflows' || parts[0] === 'comfy';
  return parts.slice(0, namespaced ? 3 : 2).join('/');
}

function requestPath(task: SubmittedTask): string {
  const { app } = task.data as { app: string };
  return `${app}/requests/${encodeURIComponent(task.id)}`;
}

/** The `type` of each model error in a `detail[]` body. */
function errorTypes(body: unknown): string[] {
  const detail = (body as { detail?: unknown } | undefined)?.detail;
  return Array.isArray(detail) ? detail.map((d) => String((d as { type?: unknown }).type)) : [];
}

/** A content checker's refusal (422 content_policy_violation) reads as one, on submit or on the result. */
function falKind(status: number, body: unknown): ProviderErrorKind | undefined {
  return status === 422 && errorTypes(body).includes('content_policy_violation') ? 'moderated' : undefined;
}

/**
 * A COMPLETED request's result: a 5xx that names its error type is the request's own failure,
 * final (fal has already retried it); a 5xx without one is the result endpoint passing trouble.
 */
function resultKind(status: number, body: unknown, headers: Headers): ProviderErrorKind | undefined {
  const type = headers.get('x-fal-error-type') ?? (body as { error_type?: unknown } | undefined)?.error_type;
  if (status >= 500 && typeof type === 'string' && type !== '') return 'failed';
  return falKind(status, body);
}

/** fal's storage API is on its REST origin (rest.fal.ai, the second keyed origin); a proxy set for fal takes it too. */
function storageUrl(http: ProviderHttp, path: string): string {
  const rest = http.options.keyedOrigins?.[0] ?? http.options.origin;
  return new URL(path, rest.endsWith('/') ? rest : `${rest}/`).href;
}

/** fal-js storage.upload: a slot from initiate, then the bytes PUT to its upload URL, which gets no key. */
async function upload(image: ImagePayload, { http, signal }: ProviderCall): Promise<string> {
  if (image.blob.size > FAL_UPLOAD_LIMIT) {
    throw new ProviderError('invalid', `the image is ${(image.blob.size / 1024 / 1024).toFixed(0)} MB, more than fal takes in one upload (90 MB): use a smaller image`);
  }
  const file_name = `image.${image.mime.split('/')[1]?.replace('jpeg', 'jpg') ?? 'png'}`;
  const slot = await http.json('POST', storageUrl(http, 'storage/upload/initiate?storage_type=fal-cdn-v3'), initiated, { body: { content_type: image.mime, file_name }, signal });
  // At least 100 KB/s: a large image on a slow line is not a hung request.
  const timeoutMs = http.options.timeoutMs + Math.round(image.blob.size / 100);
  await http.send('PUT', slot.upload_url, { raw: image.blob, headers: { 'Content-Type': image.mime }, signal, timeoutMs });
  return slot.file_url;
}

function imageValue(image: ImagePayload, call: ProviderCall): Promise<string> {
  return image.blob.size <= FAL_INLINE_LIMIT ? dataUri(image) : uploadBeforeSubmit('the image to fal', upload(image, call));
}

const adapter: ProviderAdapter = {
  async submit(request, call) {
    if (!request.fields) throw new ProviderError('invalid', `the catalog has no input names for fal endpoint ${request.endpoint}`);
    const body = await mappedInput(request, request.fields, (image) => imageValue(image, call));
    const answer = await call.http.json('POST', request.endpoint, queued, { body, signal: call.signal, headers: { 'x-fal-queue-priority': 'normal' }, kindOf: falKind });
    return { id: answer.request_id, data: { app: falApp(request.endpoint) } };
  },

  async poll(task, { http, signal }): Promise<TaskState> {
    const now = await http.json('GET', `${requestPath(task)}/status?logs=1`, status, { signal });
    if (now.status === 'IN_QUEUE') return { state: 'queued', ...(now.queue_position === undefined ? {} : { position: now.queue_position }) };
    if (now.status === 'IN_PROGRESS') {
      const last = now.logs?.at(-1)?.message;
      return { state: 'running', ...(last ? { message: last.slice(0, 80) } : {}) };
    }
    if (now.error) return { state: 'failed', reason: now.error_type ? `${now.error} (${now.error_type})` : now.error };
    try {
      const result = await http.json('GET', requestPath(task), output, { signal, kindOf: resultKind });
      return { state: 'succeeded', result: { url: result.video.url } };
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      const reason = `${error.details.said ?? 'no reason given'} (HTTP ${error.details.status})`;
      // fal's reliability docs: "Failed requests that return 5xx status codes are not billed".
      if (error.kind === 'failed') return { state: 'failed', reason, billed: false };
      if (error.kind === 'moderated') return { state: 'failed', reason, moderated: true };
      // The model's own failure arrives as a 4xx on the result.
      if (error.kind === 'invalid') return { state: 'failed', reason };
      throw error;
    }
  },

  async cancel(task, { http, signal }) {
    await http.send('PUT', `${requestPath(task)}/cancel`, { signal });
  },
};

export const fal: ProviderInfo = {
  id: 'fal',
  name: 'fal',
  origin: PROVIDER_ENDPOINTS.fal.keyed[0]!,
  keysUrl: 'https://fal.ai/dashboard/keys',
  keyLabel: 'API key',
  authorize: ({ apiKey }) => ({ Authorization: `Key ${apiKey}` }),
  adapter,
};
