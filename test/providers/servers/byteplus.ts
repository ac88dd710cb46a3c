/**
 * A local BytePlus ModelArk task API for Seedance (see src/providers/adapters/byteplus.ts): bearer
 * key, the `content[]` body checked field by field with Ark's `{error: {code, message, param}}`
 * answers, cgt- task ids, its six statuses, and DELETE that cancels a queued task only.
 */
import type { ServerResponse } from 'node:http';
import { FakeProvider, headerValue, json, type FakeTask, type Request } from '../kit';

const RATIOS = ['16:9', '9:16', '1:1', '4:3', '3:4', '21:9', 'adaptive'];
const RESOLUTIONS = ['480p', '720p', '1080p'];
const FIELDS = new Set(['model', 'content', 'ratio', 'resolution', 'duration', 'seed', 'generate_audio', 'camera_fixed', 'watermark', 'return_last_frame', 'callback_url']);

export function fakeBytePlus(video: Buffer, key = 'ark-test-key'): FakeProvider {
  const ark = new FakeProvider(video);
  const error = (res: ServerResponse, status: number, code: string, message: string, param?: string) =>
    json(res, status, { error: { code, message, ...(param ? { param } : {}), type: status === 401 ? 'Unauthorized' : 'BadRequest' } });
  const unauthorised = (req: Request, res: ServerResponse) => {
    if (headerValue(req, 'authorization') === `Bearer ${key}`) return false;
    error(res, 401, 'AuthenticationError', 'The API key in the request is missing or invalid.');
    return true;
  };

  /** Ark's own objection to a body, or undefined when it would accept it. */
  function objection(body: Record<string, unknown>): [string, string] | undefined {
    const unknown = Object.keys(body).find((k) => !FIELDS.has(k));
    if (unknown) return [unknown, 'the parameter is not supported'];
    if (typeof body.model !== 'string' || !/seedance-/.test(body.model)) return ['model', 'the model does not exist or you do not have access to it'];
    if (!Array.isArray(body.content) || body.content.length === 0) return ['content', 'content must be a non-empty array'];
    for (const item of body.content as Record<string, unknown>[]) {
      if (item.type === 'text') {
        if (typeof item.text !== 'string') return ['content.text', 'text must be a string'];
      } else if (item.type === 'image_url') {
        const url = (item.image_url as { url?: unknown } | undefined)?.url;
        if (typeof url !== 'string' || !/^(https:\/\/|data:image\/(png|jpeg|webp);base64,)/.test(url)) return ['content.image_url.url', 'expected an https URL or a data:image/...;base64 URI'];
        if (!['first_frame', 'last_frame', 'reference_image'].includes(String(item.role))) return ['content.role', `unknown role ${String(item.role)}`];
      } else return ['content.type', `unknown content type ${String(item.type)}`];
    }
    if (body.ratio !== undefined && !RATIOS.includes(String(body.ratio))) return ['ratio', `ratio must be one of ${RATIOS.join(', ')}`];
    if (body.resolution !== undefined && !RESOLUTIONS.includes(String(body.resolution))) return ['resolution', `resolution must be one of ${RESOLUTIONS.join(', ')}`];
    if (body.duration !== undefined && body.duration !== -1 && (!Number.isInteger(body.duration) || (body.duration as number) < 2 || (body.duration as number) > 15)) return ['duration', 'duration must be an integer from 2 to 15, or -1'];
    if (body.seed !== undefined && !Number.isInteger(body.seed)) return ['seed', 'seed must be an integer'];
    if (body.generate_audio !== undefined && typeof body.generate_audio !== 'boolean') return ['generate_audio', 'generate_audio must be a boolean'];
    return undefined;
  }

  const view = (t: FakeTask, status: string, extra: Record<string, unknown> = {}) => {
    const input = t.input as Record<string, unknown>;
    const seconds = Math.floor(Date.now() / 1000);
    return { id: t.id, model: input.model, status, created_at: t.extra.createdAt, updated_at: seconds, seed: input.seed ?? 42, resolution: input.resolution ?? '720p', ratio: input.ratio ?? 'adaptive', duration: input.duration ?? 5, framespersecond: 24, generate_audio: input.generate_audio ?? true, ...extra };
  };

  ark.route('POST', '/api/v3/contents/generations/tasks', 'submit', (req, res) => {
    if (unauthorised(req, res)) return;
    const body = req.json() as Record<string, unknown>;
    const wrong = objection(body);
    if (wrong) return error(res, 400, 'InvalidParameter', `The parameter \`${wrong[0]}\` specified in the request is not valid: ${wrong[1]}`, wrong[0]);
    const t = ark.newTask(body, `cgt-20260101000000-${String(ark.tasks.size + 1).padStart(5, '0')}`);
    t.extra.createdAt = Math.floor(Date.now() / 1000);
    json(res, 200, { id: t.id });
  });

  ark.route('GET', '/api/v3/contents/generations/tasks/:id', 'poll', (req, res) => {
    if (unauthorised(req, res)) return;
    const t = ark.tasks.get(req.params.id!);
    if (!t || t.extra.deleted) return error(res, 404, 'ResourceNotFound', `The specified task ${req.params.id} is not found.`);
    if (t.cancelled) return json(res, 200, view(t, 'cancelled'));
    if (!ark.advance(t)) return json(res, 200, view(t, t.polls === 1 ? 'queued' : 'running'));
    if (t.outcome === 'fail') return json(res, 200, view(t, 'failed', { error: { code: 'InternalServiceError', message: 'The service encountered an unexpected internal error.' } }));
    if (t.outcome === 'moderate') return json(res, 200, view(t, 'failed', { error: { code: 'OutputVideoSensitiveContentDetected', message: 'The request failed because the output video may contain sensitive information.' } }));
    json(res, 200, view(t, 'succeeded', { content: { video_url: ark.downloadUrl(t) }, usage: { completion_tokens: 108900, total_tokens: 108900 } }));
  });

  ark.route('DELETE', '/api/v3/contents/generations/tasks/:id', 'cancel', (req, res) => {
    if (unauthorised(req, res)) return;
    const t = ark.tasks.get(req.params.id!);
    if (!t || t.extra.deleted) return error(res, 404, 'ResourceNotFound', `The specified task ${req.params.id} is not found.`);
    const finished = t.polls >= ark.pollsToFinish;
    if (!finished && t.polls > 1) return error(res, 400, 'InvalidAction', 'A running task cannot be cancelled.');
    if (finished) t.extra.deleted = true; // a finished task's record is deleted
    else t.cancelled = true;
    json(res, 200, {});
  });
  return ark;
}
