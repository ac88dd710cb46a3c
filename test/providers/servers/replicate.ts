/**
 * A local Replicate predictions API (see src/providers/adapters/replicate.ts): official models by
 * name, community models by version, RFC 7807 errors with `invalid_fields` on a 422, predictions
 * that go starting -> processing (with tqdm logs) -> succeeded/failed, cancel, and the Files API.
 */
import type { ServerResponse } from 'node:http';
import { FakeProvider, headerValue, json, type FakeTask, type Request } from '../kit';

/** A model's input schema, as Replicate checks it: what it requires, allows, and which durations. */
export interface ModelSchema {
  required: readonly string[];
  allowed: readonly string[];
  images: readonly string[];
  durations: readonly number[];
}

/** minimax/hailuo's schema: the default fake model. */
export const HAILUO_SCHEMA: ModelSchema = {
  required: ['prompt', 'first_frame_image'],
  allowed: ['last_frame_image', 'duration', 'resolution', 'prompt_optimizer', 'seed', 'negative_prompt', 'aspect_ratio', 'generate_audio'],
  images: ['first_frame_image', 'last_frame_image'],
  durations: [6, 10],
};

/** google/veo-3.1-fast's schema. */
export const VEO_SCHEMA: ModelSchema = {
  required: ['prompt'],
  allowed: ['image', 'last_frame', 'duration', 'resolution', 'aspect_ratio', 'generate_audio', 'negative_prompt', 'seed'],
  images: ['image', 'last_frame'],
  durations: [4, 6, 8],
};

const TOP_LEVEL = new Set(['input', 'version', 'webhook', 'webhook_events_filter', 'stream']);

export function fakeReplicate(video: Buffer, key = 'r8_test_key', schema: ModelSchema = HAILUO_SCHEMA): FakeProvider {
  const allowed = new Set([...schema.required, ...schema.allowed]);
  const replicate = new FakeProvider(video);
  const files = new Set<string>();
  const problem = (res: ServerResponse, status: number, title: string, detail: string, extra: Record<string, unknown> = {}) => json(res, status, { title, detail, status, ...extra });
  const authorised = (req: Request, res: ServerResponse) => {
    if (headerValue(req, 'authorization') === `Bearer ${key}`) return true;
    problem(res, 401, 'Unauthenticated', 'You did not pass a valid authentication token');
    return false;
  };
  const view = (t: FakeTask, status: string, more: Record<string, unknown> = {}) => ({
    id: t.id,
    model: t.extra.model,
    version: t.extra.version,
    input: t.input,
    logs: '',
    output: null,
    error: null,
    status,
    created_at: '2026-11-24T12:00:00.000Z',
    urls: { get: `${replicate.url}/v1/predictions/${t.id}`, cancel: `${replicate.url}/v1/predictions/${t.id}/cancel` },
    ...more,
  });

  function create(req: Request, res: ServerResponse, model: string, version: string | undefined): void {
    if (!authorised(req, res)) return;
    const body = req.json() as Record<string, unknown>;
    const invalid: { type: string; field: string; description: string }[] = [];
    for (const k of Object.keys(body)) if (!TOP_LEVEL.has(k)) invalid.push({ type: 'additional_property_not_allowed', field: '', description: `Additional property ${k} is not allowed` });
    if (model === 'predictions' && typeof body.version !== 'string') invalid.push({ type: 'required', field: '', description: 'version is required' });
    const input = body.input as Record<string, unknown> | undefined;
    if (typeof input !== 'object' || input === null) invalid.push({ type: 'required', field: '', description: 'input is required' });
    else {
      for (const name of schema.required) if (!(name in input)) invalid.push({ type: 'required', field: 'input', description: `${name} is required` });
      for (const name of Object.keys(input)) if (!allowed.has(name)) invalid.push({ type: 'additional_property_not_allowed', field: 'input', description: `Additional property ${name} is not allowed` });
      for (const name of schema.images) {
        const value = input[name];
        if (value !== undefined && (typeof value !== 'string' || !(/^(https:\/\/|data:image\/)/.test(value) || files.has(value)))) invalid.push({ type: 'format', field: `input.${name}`, description: 'Does not match format \'uri\'' });
      }
      if (input.duration !== undefined && !schema.durations.includes(input.duration as number)) invalid.push({ type: 'enum', field: 'input.duration', description: `input.duration must be one of the following: ${schema.durations.join(', ')}` });
    }
    if (invalid.length) return problem(res, 422, 'Input validation failed', invalid.map((i) => `- ${i.field ? `${i.field}: ` : ''}${i.description}`).join('\n'), { invalid_fields: invalid });
    const t = replicate.newTask(input);
    Object.assign(t.extra, { model: model === 'predictions' ? 'community/model' : model, version: version ?? 'official' });
    json(res, 201, view(t, 'starting'));
  }

  replicate.route('POST', '/v1/models/:owner/:name/predictions', 'submit', (req, res) => create(req, res, `${req.params.owner}/${req.params.name}`, undefined));
  replicate.route('POST', '/v1/predictions', 'submit', (req, res) => create(req, res, 'predictions', String((req.json() as { version?: unknown }).version)));

  replicate.route('GET', '/v1/predictions/:id', 'poll', (req, res) => {
    if (!authorised(req, res)) return;
    const t = replicate.tasks.get(req.params.id!);
    if (!t) return problem(res, 404, 'Not found', 'The requested resource could not be found.');
    if (t.cancelled) return json(res, 200, view(t, 'canceled'));
    if (replicate.advance(t)) {
      if (t.outcome === 'fail') return json(res, 200, view(t, 'failed', { error: 'CUDA out of memory (E1001)' }));
      if (t.outcome === 'moderate') return json(res, 200, view(t, 'failed', { error: 'The input or output was flagged as sensitive. Please try again with different inputs. (E005)' }));
      return json(res, 200, view(t, 'succeeded', { output: replicate.downloadUrl(t), metrics: { predict_time: 42.1 } }));
    }
    if (t.polls === 1) return json(res, 200, view(t, 'starting'));
    const percent = Math.round((100 * t.polls) / replicate.pollsToFinish);
    json(res, 200, view(t, 'processing', { logs: `Loading pipeline...\n ${Math.round(percent / 2)}%|█    | 1/2\n ${percent}%|███  | 2/2\n` }));
  });

  replicate.route('POST', '/v1/predictions/:id/cancel', 'cancel', (req, res) => {
    if (!authorised(req, res)) return;
    const t = replicate.tasks.get(req.params.id!);
    if (!t) return problem(res, 404, 'Not found', 'The requested resource could not be found.');
    t.cancelled = true;
    json(res, 200, view(t, 'canceled'));
  });

  replicate.route('POST', '/v1/files', 'upload', (req, res) => {
    if (!authorised(req, res)) return;
    if (!String(req.headers['content-type']).startsWith('multipart/form-data') || !req.body.includes('name="content"')) return problem(res, 400, 'Bad request', 'expected a multipart form with a content field');
    const id = `file-${files.size + 1}`;
    const get = `https://api.replicate.com/v1/files/${id}`;
    files.add(get);
    json(res, 201, { id, name: 'image.png', content_type: 'image/png', size: req.body.length, urls: { get } });
  });

  return replicate;
}
