/**
 * A local Runway developer API (see src/providers/adapters/runway.ts): the version header is
 * required, errors are `{error}` with a 400 for bad input, tasks go PENDING -> THROTTLED ->
 * RUNNING (with progress) -> SUCCEEDED/FAILED, DELETE cancels, large images come as ephemeral
 * uploads to a storage host. Refusing keys a model does not take is an assumption (the SDK's
 * per-model types suggest it; the live API was not tried): it makes a field sent to the wrong
 * model show up here.
 */
import { FakeProvider, headerValue, json, type Request } from '../kit';

const RATIOS: Record<string, string[]> = {
  'gen4.5': ['1280:720', '720:1280', '1104:832', '960:960', '832:1104', '1584:672'],
  gen4_turbo: ['1280:720', '720:1280', '1104:832', '960:960', '832:1104', '1584:672'],
  'veo3.1': ['1280:720', '720:1280', '1080:1920', '1920:1080'],
};
const DURATIONS: Record<string, number[]> = { 'gen4.5': [2, 3, 4, 5, 6, 7, 8, 9, 10], gen4_turbo: [5, 10], 'veo3.1': [4, 6, 8] };
const KEYS: Record<string, string[]> = {
  'gen4.5': ['model', 'promptImage', 'promptText', 'ratio', 'duration', 'seed', 'contentModeration'],
  gen4_turbo: ['model', 'promptImage', 'promptText', 'ratio', 'duration', 'seed', 'contentModeration'],
  'veo3.1': ['model', 'promptImage', 'promptText', 'ratio', 'duration', 'audio', 'negativePrompt'],
};

export function fakeRunway(video: Buffer, key = 'runway-test-key'): FakeProvider {
  const runway = new FakeProvider(video);
  // Ephemeral uploads go to another origin, as the real storage host is: this server under the name localhost.
  runway.openOrigins = () => [runway.url.replace('127.0.0.1', 'localhost')];
  /** What came through ephemeral uploads, by runway:// URI. */
  const uploads = new Map<string, number>();
  /** Answers the errors Runway gives before it reads a request; undefined when the request may go on. */
  const refuse = (req: Request): [number, { error: string }] | undefined => {
    if (headerValue(req, 'authorization') !== `Bearer ${key}`) return [401, { error: 'Invalid API key' }];
    if (headerValue(req, 'x-runway-version') !== '2024-11-06') return [400, { error: 'Invalid or missing X-Runway-Version header' }];
    return undefined;
  };
  const image = (uri: unknown) => typeof uri === 'string' && (/^(https:\/\/|data:image\/(png|jpeg|webp);base64,)/.test(uri) || uploads.has(uri));

  runway.route('POST', '/v1/image_to_video', 'submit', (req, res) => {
    const refused = refuse(req);
    if (refused) return json(res, ...refused);
    const body = req.json() as Record<string, unknown>;
    const model = String(body.model);
    const allowed = KEYS[model];
    if (!allowed) return json(res, 400, { error: `model: Invalid enum value '${model}'` });
    const extra = Object.keys(body).filter((k) => !allowed.includes(k));
    if (extra.length) return json(res, 400, { error: `Unrecognized key(s) in object: ${extra.map((k) => `'${k}'`).join(', ')}` });
    const images = Array.isArray(body.promptImage) ? (body.promptImage as { uri?: unknown; position?: unknown }[]) : [{ uri: body.promptImage, position: 'first' }];
    if (!images.every((i) => image(i.uri) && (i.position === 'first' || i.position === 'last'))) return json(res, 400, { error: 'promptImage: expected an HTTPS URL, a data URI or a runway:// upload' });
    if (!RATIOS[model]!.includes(String(body.ratio))) return json(res, 400, { error: `ratio: Invalid enum value. Expected ${RATIOS[model]!.map((r) => `'${r}'`).join(' | ')}, received '${String(body.ratio)}'` });
    if (!DURATIONS[model]!.includes(body.duration as number)) return json(res, 400, { error: `duration: must be one of ${DURATIONS[model]!.join(', ')}` });
    // The SDK's Gen4_5: promptText is required, "a non-empty string up to 1000 characters (measured in UTF-16 code units)".
    if (model === 'gen4.5' && (typeof body.promptText !== 'string' || body.promptText.length === 0 || body.promptText.length > 1000)) {
      return json(res, 400, { error: 'promptText: must be a non-empty string of at most 1000 characters' });
    }
    json(res, 200, { id: runway.newTask(body).id });
  });

  runway.route('GET', '/v1/tasks/:id', 'poll', (req, res) => {
    const refused = refuse(req);
    if (refused) return json(res, ...refused);
    const t = runway.tasks.get(req.params.id!);
    if (!t) return json(res, 404, { error: 'Task not found' });
    const base = { id: t.id, createdAt: '2026-11-24T12:00:00.000Z' };
    if (t.cancelled) return json(res, 200, { ...base, status: 'CANCELLED' });
    if (runway.advance(t)) {
      if (t.outcome === 'fail') return json(res, 200, { ...base, status: 'FAILED', failure: 'An unexpected error occurred.', failureCode: 'INTERNAL' });
      if (t.outcome === 'moderate') return json(res, 200, { ...base, status: 'FAILED', failure: 'The input image did not pass moderation.', failureCode: 'SAFETY.INPUT.IMAGE' });
      return json(res, 200, { ...base, status: 'SUCCEEDED', output: [runway.downloadUrl(t)] });
    }
    if (t.polls === 1) return json(res, 200, { ...base, status: 'PENDING' });
    if (t.polls === 2) return json(res, 200, { ...base, status: 'THROTTLED' });
    json(res, 200, { ...base, status: 'RUNNING', progress: Math.min(0.99, t.polls / runway.pollsToFinish) });
  });

  runway.route('DELETE', '/v1/tasks/:id', 'cancel', (req, res) => {
    const refused = refuse(req);
    if (refused) return json(res, ...refused);
    const t = runway.tasks.get(req.params.id!);
    if (!t) return json(res, 404, { error: 'Task not found' });
    t.cancelled = true;
    res.writeHead(204).end();
  });

  runway.route('POST', '/v1/uploads', 'upload', (req, res) => {
    const refused = refuse(req);
    if (refused) return json(res, ...refused);
    const body = req.json() as { filename?: unknown; type?: unknown };
    if (typeof body.filename !== 'string' || body.type !== 'ephemeral') return json(res, 400, { error: "filename and type 'ephemeral' are required" });
    const id = `upload-${uploads.size + 1}`;
    json(res, 200, { uploadUrl: `${runway.url.replace('127.0.0.1', 'localhost')}/storage/${id}`, fields: { key: `ephemeral/${id}/${body.filename}`, policy: 'signed-policy' }, runwayUri: `runway://${id}` });
  });

  // The storage host: a presigned multipart POST, no Runway key (and none must be sent).
  runway.route('POST', '/storage/:id', undefined, (req, res) => {
    if (req.headers.authorization) return json(res, 400, { error: 'unexpected Authorization header on a presigned upload' });
    if (!String(req.headers['content-type']).startsWith('multipart/form-data') || !req.body.includes('name="policy"')) return json(res, 403, { error: 'policy missing' });
    uploads.set(`runway://${req.params.id!}`, req.body.length);
    res.writeHead(204).end();
  });

  return runway;
}
