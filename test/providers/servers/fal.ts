/** A local fal queue API (see src/providers/adapters/fal.ts and the fal-js client it follows). */
import { FakeProvider, headerValue, json, type FakeTask, type Request } from '../kit';

export function fakeFal(video: Buffer, key = 'fal-test-key'): FakeProvider {
  const fal = new FakeProvider(video, { cors: true });
  const authorised = (req: Request) => headerValue(req, 'authorization') === `Key ${key}`;
  const task = (req: Request) => fal.tasks.get(req.params.id!);
  const urls = (t: FakeTask, app: string) => ({
    request_id: t.id,
    response_url: `${fal.url}/${app}/requests/${t.id}`,
    status_url: `${fal.url}/${app}/requests/${t.id}/status`,
    cancel_url: `${fal.url}/${app}/requests/${t.id}/cancel`,
  });

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
    if (t.outcome === 'fail') return json(res, 422, { detail: [{ loc: ['body'], msg: 'the model failed to generate a video', type: 'generation_error' }] });
    if (t.outcome === 'moderate') return json(res, 422, { detail: [{ loc: ['body', 'prompt'], msg: 'flagged by the content checker', type: 'content_policy_violation' }] });
    json(res, 200, { video: { url: fal.downloadUrl(t), content_type: 'video/mp4' } }, { 'x-fal-request-id': t.id });
  });
  fal.route('PUT', '/:owner/:alias/requests/:id/cancel', 'cancel', (req, res) => {
    const t = task(req);
    if (!t) return json(res, 404, { detail: 'Request not found' });
    t.cancelled = true;
    json(res, 202, { status: 'CANCELLATION_REQUESTED' });
  });
  fal.route('POST', '/:endpoint*', 'submit', (req, res) => {
    if (!authorised(req)) return json(res, 401, { detail: 'Invalid API key' });
    const input = req.json() as Record<string, unknown>;
    if (typeof input.prompt !== 'string') return json(res, 422, { detail: [{ loc: ['body', 'prompt'], msg: 'Field required', type: 'missing' }] });
    const image = Object.entries(input).find(([k]) => k.endsWith('image_url'))?.[1];
    if (typeof image !== 'string' || !/^(https:|data:image\/)/.test(image)) {
      return json(res, 422, { detail: [{ loc: ['body', 'image_url'], msg: 'expected an https URL or a data URI', type: 'value_error' }] });
    }
    const app = req.params.endpoint!.split('/').slice(0, 2).join('/');
    const t = fal.newTask(input);
    json(res, 200, { status: 'IN_QUEUE', queue_position: 0, ...urls(t, app) });
  });
  return fal;
}
