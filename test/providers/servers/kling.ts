/**
 * A local Kling API (see src/providers/adapters/kling.ts and the official doc it follows): checks
 * the JWT's signature and times, validates the body as Kling does, answers in its `{code, message,
 * request_id, data}` envelope with its error codes, and finds tasks by `external_task_id` too.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { FakeProvider, headerValue, json, type FakeTask, type Request } from '../kit';
import type { ServerResponse } from 'node:http';

export function fakeKling(video: Buffer, keys = { access: 'kling-ak', secret: 'kling-sk' }): FakeProvider {
  const kling = new FakeProvider(video);
  let requests = 0;
  const answer = (res: ServerResponse, status: number, code: number, message: string, data?: unknown) =>
    json(res, status, { code, message, request_id: `req-${++requests}`, ...(data === undefined ? {} : { data }) });

  /** The error code Kling gives a bad token, or 0 when the token is good. */
  function tokenError(req: Request): number {
    const token = /^Bearer (.+)$/.exec(headerValue(req, 'authorization') ?? '')?.[1];
    if (!token) return 1001;
    const [header, payload, signature] = token.split('.');
    if (!header || !payload || !signature) return 1002;
    const expected = createHmac('sha256', keys.secret).update(`${header}.${payload}`).digest();
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 1002;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: string; exp?: number; nbf?: number };
    const now = Date.now() / 1000;
    if (claims.iss !== keys.access) return 1002;
    if (typeof claims.nbf !== 'number' || claims.nbf > now) return 1003;
    if (typeof claims.exp !== 'number' || claims.exp < now) return 1004;
    return 0;
  }

  const view = (t: FakeTask, status: string, extra: Record<string, unknown> = {}) => ({
    task_id: t.id,
    task_status: status,
    task_info: { external_task_id: t.extra.externalId },
    created_at: t.extra.createdAt,
    updated_at: Date.now(),
    ...extra,
  });

  kling.route('POST', '/v1/videos/image2video', 'submit', (req, res) => {
    const auth = tokenError(req);
    if (auth) return answer(res, 401, auth, 'Authorization is invalid');
    const body = req.json() as Record<string, unknown>;
    const invalid = (message: string) => answer(res, 400, 1201, message);
    if (typeof body.image !== 'string' || body.image === '') return invalid('image is required');
    if (body.image.startsWith('data:')) return invalid('image: invalid base64, do not add a data: prefix');
    if (!/^[A-Za-z0-9+/]+=*$/.test(body.image)) return invalid('image: invalid base64');
    if (body.image_tail !== undefined && (typeof body.image_tail !== 'string' || body.image_tail.startsWith('data:'))) return invalid('image_tail: invalid base64');
    if (typeof body.model_name !== 'string' || !body.model_name.startsWith('kling-')) return answer(res, 404, 1203, `model_name: ${String(body.model_name)} not found`);
    // Kling 3.0 takes 3 to 15 seconds; the earlier models 5 or 10. Always a string.
    const durations = body.model_name.startsWith('kling-v3') ? Array.from({ length: 13 }, (_, i) => String(i + 3)) : ['5', '10'];
    if (typeof body.duration !== 'string' || !durations.includes(body.duration)) return invalid(`duration: must be one of the strings ${durations.join(', ')}`);
    if (body.mode !== undefined && body.mode !== 'std' && body.mode !== 'pro') return invalid('mode: must be std or pro');
    if (body.sound !== undefined && body.sound !== 'on' && body.sound !== 'off') return invalid("sound: must be 'on' or 'off'");
    if (typeof body.prompt === 'string' && body.prompt.length > 2500) return invalid('prompt: longer than 2500 characters');
    const externalId = body.external_task_id;
    if (externalId !== undefined && [...kling.tasks.values()].some((t) => t.extra.externalId === externalId)) return invalid('external_task_id: already used');
    const t = kling.newTask(body);
    t.extra.externalId = externalId;
    t.extra.createdAt = Date.now();
    answer(res, 200, 0, 'SUCCEED', view(t, 'submitted'));
  });

  kling.route('GET', '/v1/videos/image2video/:id', 'poll', (req, res) => {
    const auth = tokenError(req);
    if (auth) return answer(res, 401, auth, 'Authorization is invalid');
    const id = req.params.id!;
    const t = kling.tasks.get(id) ?? [...kling.tasks.values()].find((task) => task.extra.externalId === id);
    if (!t) return answer(res, 404, 1203, 'task not found');
    if (!kling.advance(t)) return answer(res, 200, 0, 'SUCCEED', view(t, t.polls === 1 ? 'submitted' : 'processing'));
    if (t.outcome === 'fail') return answer(res, 200, 0, 'SUCCEED', view(t, 'failed', { task_status_msg: 'The generation failed, please try again' }));
    if (t.outcome === 'moderate') return answer(res, 200, 0, 'SUCCEED', view(t, 'failed', { task_status_msg: 'Failure to pass the risk control system' }));
    const input = t.input as { duration: string };
    answer(res, 200, 0, 'SUCCEED', view(t, 'succeed', { task_status_msg: '', task_result: { videos: [{ id: `video-${t.id}`, url: kling.downloadUrl(t), duration: input.duration }] } }));
  });
  return kling;
}
