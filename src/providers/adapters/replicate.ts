/**
 * Replicate's predictions API (replicate/replicate-javascript: lib/predictions.js, lib/files.js,
 * index.d.ts; replicate.com/docs/reference/http). An official model is run by name
 * (`POST /v1/models/{owner}/{name}/predictions`), a community one by version
 * (`owner/name:version` -> `POST /v1/predictions`). Inputs are named as each model's own schema
 * names them (the catalog's field map). Errors are RFC 7807 `{title, detail, status}`.
 */
import { z } from 'zod';
import { ProviderError } from '../errors';
import { dataUri, mappedInput, uploadBeforeSubmit } from '../payload';
import type { ImagePayload, ProviderAdapter, ProviderCall, ProviderInfo, TaskState } from '../protocol';
import { PROVIDER_ENDPOINTS } from '../endpoints';

/**
 * Replicate's docs (topics/predictions/input-files): a data URI "is only recommended if the file
 * is less than 1MB"; a file this size or larger goes through the Files API.
 */
export const INLINE_LIMIT = 1_000_000;

const prediction = z.object({
  id: z.string().min(1),
  status: z.enum(['starting', 'processing', 'succeeded', 'failed', 'canceled', 'aborted']),
  output: z.unknown().optional(),
  error: z.unknown().optional(),
  logs: z.string().nullish(),
  data_removed: z.boolean().optional(),
});
const file = z.object({ urls: z.object({ get: z.string().min(1) }) });

/** Where a prediction for `endpoint` is created, and the body besides `input`. */
function target(endpoint: string): { path: string; extra: Record<string, string> } {
  const [model, version] = endpoint.split(':');
  if (version) return { path: 'v1/predictions', extra: { version } };
  return { path: `v1/models/${model}/predictions`, extra: {} };
}

/** The video URL in `output`: a URI string for most video models, a list of them for some. */
function videoUrl(output: unknown): string | undefined {
  if (typeof output === 'string') return output;
  if (Array.isArray(output)) return output.find((o): o is string => typeof o === 'string');
  return undefined;
}

/** The last progress bar a model printed (tqdm: " 45%|████"), as 0..1. */
function fractionOf(logs: string | null | undefined): number | undefined {
  const matches = logs?.match(/(\d{1,3})%\|/g);
  const last = matches?.at(-1);
  return last === undefined ? undefined : Math.min(1, Number.parseInt(last, 10) / 100);
}

/** A data URI for a small image, else the URL of a Files API upload. */
function imageValue(image: ImagePayload, call: ProviderCall): Promise<string> {
  return image.blob.size < INLINE_LIMIT ? dataUri(image) : uploadBeforeSubmit('the image', upload(image, call));
}

/** The SDK's files.create: a multipart `content` field; the model then fetches the image by its URL. */
async function upload(image: ImagePayload, { http, signal }: ProviderCall): Promise<string> {
  const form = new FormData();
  form.append('content', image.blob, `image.${image.mime.split('/')[1] ?? 'png'}`);
  form.append('metadata', new Blob(['{}'], { type: 'application/json' }));
  return (await http.json('POST', 'v1/files', file, { form, signal })).urls.get;
}

/**
 * How a failed prediction says its safety checker refused it: "The input or output was flagged as
 * sensitive. Please try again with different inputs. (E005)" (as quoted by many client projects;
 * Replicate's error-codes page does not list E005).
 */
const MODERATED = /\bE005\b|flagged as sensitive|\bNSFW\b/i;

const adapter: ProviderAdapter = {
  async submit(request, call) {
    if (!request.fields) throw new ProviderError('invalid', `the catalog has no input names for Replicate model ${request.endpoint}`);
    const input = await mappedInput(request, request.fields, (image) => imageValue(image, call));
    const { path, extra } = target(request.endpoint);
    const answer = await call.http.json('POST', path, prediction, { body: { ...extra, input }, signal: call.signal });
    return { id: answer.id };
  },

  async poll(task, { http, signal }): Promise<TaskState> {
    const now = await http.json('GET', `v1/predictions/${encodeURIComponent(task.id)}`, prediction, { signal });
    switch (now.status) {
      case 'starting': // waiting for a machine to boot
        return { state: 'queued' };
      case 'processing': {
        const fraction = fractionOf(now.logs);
        return { state: 'running', ...(fraction === undefined ? {} : { fraction }) };
      }
      case 'succeeded': {
        const url = videoUrl(now.output);
        if (url) return { state: 'succeeded', result: { url } };
        // Made and billed, but gone: the task is over, and only a new one makes the video.
        if (now.data_removed) return { state: 'failed', reason: 'the prediction finished, but its output has been removed (Replicate keeps API outputs for an hour)', billed: true };
        return { state: 'failed', reason: `it finished with no video URL in its output (${String(JSON.stringify(now.output)).slice(0, 80)})` };
      }
      case 'failed': {
        const reason = typeof now.error === 'string' && now.error ? now.error : 'no reason given';
        return { state: 'failed', reason, ...(MODERATED.test(reason) ? { moderated: true } : {}) };
      }
      case 'canceled':
      case 'aborted':
        return { state: 'cancelled' };
    }
  },

  async cancel(task, { http, signal }) {
    await http.send('POST', `v1/predictions/${encodeURIComponent(task.id)}/cancel`, { signal });
  },
};

export const replicate: ProviderInfo = {
  id: 'replicate',
  name: 'Replicate',
  origin: PROVIDER_ENDPOINTS.replicate.keyed[0]!,
  keysUrl: 'https://replicate.com/account/api-tokens',
  keyLabel: 'API token',
  authorize: ({ apiKey }) => ({ Authorization: `Bearer ${apiKey}` }),
  adapter,
};
