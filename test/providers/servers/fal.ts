/**
 * A local fal (see src/providers/adapters/fal.ts), written from fal-js (libs/client/src/queue.ts,
 * storage.ts, types/endpoints.ts) and fal's docs:
 * - the queue: submit, status, result, cancel under owner/alias; a failed run is COMPLETED and
 *   fails when its result is fetched;
 * - model errors (docs.fal.ai/errors): 422 with `detail[]` of {loc, msg, type, url, input}, such
 *   as content_policy_violation (X-Fal-Retryable: false) and file_too_large (ctx.max_size);
 * - request errors (fal.ai/docs/documentation/model-apis/request-errors): a 5xx with
 *   `{detail, error_type}` and the same type in X-Fal-Error-Type, answered for every fetch of
 *   that request's result (fal has retried it already: it is over);
 * - storage: POST /storage/upload/initiate?storage_type=fal-cdn-v3 on the REST origin (this
 *   server under the name localhost, as rest.fal.ai is another origin) with the key, then a PUT
 *   of the bytes to the upload URL on the CDN origin, without it;
 * - per-endpoint input rules from the endpoint schemas: Veo 3.1 takes images up to 8 MB (its
 *   model page), PixVerse v5 makes 1080p only at 5 s (its duration field's description).
 * fal sends CORS headers (fal-js runs in browsers).
 */
import type { ServerResponse } from 'node:http';
import { FakeProvider, headerValue, json, type FakeTask, type Request } from '../kit';

/** fal's request error types and their typical status (the request-errors page). */
export const REQUEST_ERRORS = { request_timeout: 504, startup_timeout: 504, runner_scheduling_failure: 503, runner_disconnected: 503, runner_server_error: 500, internal_error: 500 } as const;
export type RequestErrorType = keyof typeof REQUEST_ERRORS;

export interface FakeFal extends FakeProvider {
  /** The next accepted request completes, then fails with this request error. */
  nextRequestError?: RequestErrorType;
  /** Images that came through storage uploads, by file URL, with their size. */
  readonly uploads: Map<string, number>;
}

const VEO_IMAGE_LIMIT = 8 * 1024 * 1024;

export function fakeFal(video: Buffer, key = 'fal-test-key'): FakeFal {
  const fal = Object.assign(new FakeProvider(video, { cors: true }), { uploads: new Map<string, number>() }) as FakeFal;
  const rest = () => fal.url.replace('127.0.0.1', 'localhost');
  fal.keyedOrigins = () => [rest()];
  const slots = new Map<string, { contentType: string; fileUrl: string }>();
  const authorised = (req: Request) => headerValue(req, 'authorization') === `Key ${key}`;
  const task = (req: Request) => fal.tasks.get(req.params.id!);
  const urls = (t: FakeTask, app: string) => ({
    request_id: t.id,
    response_url: `${fal.url}/${app}/requests/${t.id}`,
    status_url: `${fal.url}/${app}/requests/${t.id}/status`,
    cancel_url: `${fal.url}/${app}/requests/${t.id}/cancel`,
  });
  /** A model error as docs.fal.ai/errors shapes it. */
  const modelError = (res: ServerResponse, field: string, msg: string, type: string, input: unknown, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    json(res, 422, { detail: [{ loc: ['body', field], msg, type, url: `https://docs.fal.ai/errors/#${type}`, input, ...extra }] }, headers);

  /** The bytes an image input stands for: a data URI's, or an upload's; undefined when it is neither. */
  function imageSize(value: unknown): number | undefined {
    if (typeof value !== 'string') return undefined;
    const inline = /^data:image\/[\w.+-]+;base64,([A-Za-z0-9+/]+=*)$/.exec(value);
    if (inline) return Buffer.from(inline[1]!, 'base64').length;
    return fal.uploads.get(value) ?? (value.startsWith('https:') ? 0 : undefined);
  }

  fal.route('GET', '/:owner/:alias/requests/:id/status', 'poll', (req, res) => {
    if (!authorised(req)) return json(res, 401, { detail: 'Invalid API key' });
    const t = task(req);
    if (!t) return json(res, 404, { detail: 'Request not found' });
    const app = `${req.params.owner}/${req.params.alias}`;
    if (t.cancelled || fal.advance(t)) return json(res, 200, { status: 'COMPLETED', ...urls(t, app), logs: [] });
    if (t.polls === 1) return json(res, 202, { status: 'IN_QUEUE', queue_position: 0, ...urls(t, app) });
    json(res, 202, { status: 'IN_PROGRESS', logs: [{ message: `step ${t.polls}` }], ...urls(t, app) });
  });
  fal.route('GET', '/:owner/:alias/requests/:id', 'result', (req, res) => {
    if (!authorised(req)) return json(res, 401, { detail: 'Invalid API key' });
    const t = task(req);
    if (!t) return json(res, 404, { detail: 'Request not found' });
    if (t.cancelled) return json(res, 400, { detail: 'Request was cancelled' });
    const failure = t.extra.requestError as RequestErrorType | undefined;
    if (failure) return json(res, REQUEST_ERRORS[failure], { detail: failure === 'request_timeout' ? 'Request timed out' : 'The runner failed to process the request', error_type: failure }, { 'X-Fal-Error-Type': failure });
    if (t.outcome === 'fail') return modelError(res, 'prompt', 'the model failed to generate a video', 'no_media_generated', (t.input as { prompt?: unknown }).prompt);
    if (t.outcome === 'moderate') {
      const msg = 'The content could not be processed because it contained material flagged by a content checker.';
      return modelError(res, 'prompt', msg, 'content_policy_violation', (t.input as { prompt?: unknown }).prompt, {}, { 'X-Fal-Retryable': 'false' });
    }
    json(res, 200, { video: { url: fal.downloadUrl(t), content_type: 'video/mp4' } }, { 'x-fal-request-id': t.id });
  });
  fal.route('PUT', '/:owner/:alias/requests/:id/cancel', 'cancel', (req, res) => {
    const t = task(req);
    if (!t) return json(res, 404, { detail: 'Request not found' });
    t.cancelled = true;
    json(res, 202, { status: 'CANCELLATION_REQUESTED' });
  });

  // The REST origin's storage API: only under its own name, and only with the key.
  fal.route('POST', '/storage/upload/initiate', 'upload', (req, res) => {
    if (!headerValue(req, 'host')?.startsWith('localhost')) return json(res, 404, { detail: 'Not Found' });
    if (!authorised(req)) return json(res, 401, { detail: 'Invalid API key' });
    if (req.url.searchParams.get('storage_type') !== 'fal-cdn-v3') return json(res, 400, { detail: 'Invalid storage type' });
    const body = req.json() as { content_type?: unknown; file_name?: unknown };
    if (typeof body.content_type !== 'string' || typeof body.file_name !== 'string') return json(res, 422, { detail: [{ loc: ['body', 'file_name'], msg: 'Field required', type: 'missing' }] });
    const id = `u${slots.size + 1}`;
    const fileUrl = `${fal.cdnUrl}/files/b/${id}/${body.file_name}`;
    slots.set(id, { contentType: body.content_type, fileUrl });
    json(res, 200, { upload_url: `${fal.cdnUrl}/upload/${id}?signature=fake`, file_url: fileUrl });
  });
  fal.cdnRoute('PUT', '/upload/:id', 'upload', (req, res) => {
    const slot = slots.get(req.params.id!);
    if (!slot || req.url.searchParams.get('signature') !== 'fake') return json(res, 403, { detail: 'Invalid signature' });
    if (req.headers.authorization) return json(res, 400, { detail: 'unexpected Authorization header on a signed upload' });
    if (headerValue(req, 'content-type') !== slot.contentType) return json(res, 403, { detail: 'Content-Type does not match the signed one' });
    fal.uploads.set(slot.fileUrl, req.body.length);
    res.writeHead(200).end();
  });

  fal.route('POST', '/:endpoint*', 'submit', (req, res) => {
    if (!authorised(req)) return json(res, 401, { detail: 'Invalid API key' });
    const endpoint = req.params.endpoint!;
    const input = req.json() as Record<string, unknown>;
    if (typeof input.prompt !== 'string') return json(res, 422, { detail: [{ loc: ['body', 'prompt'], msg: 'Field required', type: 'missing' }] });
    const [field, image] = Object.entries(input).find(([k]) => k.endsWith('image_url')) ?? ['image_url', undefined];
    const size = imageSize(image);
    if (size === undefined) return modelError(res, field, 'expected an https URL or a data URI', 'value_error', image);
    if (endpoint.startsWith('fal-ai/veo3.1/') && size > VEO_IMAGE_LIMIT) {
      return modelError(res, field, `File size exceeds the maximum allowed size of ${VEO_IMAGE_LIMIT} bytes`, 'file_too_large', '(image)', { ctx: { max_size: VEO_IMAGE_LIMIT } });
    }
    if (endpoint === 'fal-ai/pixverse/v5/image-to-video' && input.resolution === '1080p' && input.duration === '8') {
      return modelError(res, 'duration', '1080p videos are limited to 5 seconds', 'value_error', input.duration);
    }
    const app = endpoint.split('/').slice(0, 2).join('/');
    const t = fal.newTask(input);
    if (fal.nextRequestError) t.extra.requestError = fal.nextRequestError;
    json(res, 200, { status: 'IN_QUEUE', queue_position: 0, ...urls(t, app) });
  });
  return fal;
}
