/**
 * A local PixVerse Platform API v2 (see src/providers/adapters/pixverse.ts): API-KEY and
 * Ai-trace-id on every request (a trace id seen before gets the earlier answer back, as third
 * parties report), a multipart image upload for an img_id, image-to-video by img_id, numeric
 * statuses, and every error as HTTP 200 with a non-zero ErrCode.
 */
import type { ServerResponse } from 'node:http';
import { FakeProvider, headerValue, json, type Request } from '../kit';

const MODELS = ['v3.5', 'v4', 'v4.5', 'v5', 'v5.5', 'v6'];
const QUALITIES = ['360p', '540p', '720p', '1080p'];

export function fakePixVerse(video: Buffer, key = 'pixverse-test-key'): FakeProvider {
  const pixverse = new FakeProvider(video);
  const images = new Map<number, string>();
  const answered = new Map<string, unknown>();
  let ids = 300000000000;
  const reply = (res: ServerResponse, code: number, message: string, resp: unknown = {}) => json(res, 200, { ErrCode: code, ErrMsg: message, Resp: resp });
  /** Refuses a request without the key or a trace id; true when it did. */
  const refused = (req: Request, res: ServerResponse) => {
    if (headerValue(req, 'api-key') !== key) return reply(res, 10005, 'Invalid API-KEY'), true;
    if (!headerValue(req, 'ai-trace-id')) return reply(res, 400017, 'Invalid parameter: Ai-trace-id is required'), true;
    return false;
  };

  pixverse.route('POST', '/openapi/v2/image/upload', 'upload', async (req, res) => {
    if (refused(req, res)) return;
    const type = headerValue(req, 'content-type') ?? '';
    if (!type.startsWith('multipart/form-data')) return reply(res, 400017, 'Invalid parameter: expected multipart/form-data');
    const form = await new Response(new Uint8Array(req.body), { headers: { 'content-type': type } }).formData();
    const image = form.get('image');
    if (!(image instanceof Blob)) return reply(res, 400017, 'Invalid parameter: image file is required');
    const head = new Uint8Array(await image.slice(0, 4).arrayBuffer());
    const known = (head[0] === 0x89 && head[1] === 0x50) || (head[0] === 0xff && head[1] === 0xd8) || (head[0] === 0x52 && head[1] === 0x49);
    if (!known) return reply(res, 500032, 'Unsupported image format');
    const id = ++ids;
    images.set(id, `https://media.pixverse.ai/openapi/${id}.png`);
    reply(res, 0, 'success', { img_id: id, img_url: images.get(id) });
  });

  pixverse.route('POST', '/openapi/v2/video/img/generate', 'submit', (req, res) => {
    if (refused(req, res)) return;
    const trace = headerValue(req, 'ai-trace-id')!;
    if (answered.has(trace)) return json(res, 200, answered.get(trace));
    const body = req.json() as Record<string, unknown>;
    const invalid = (field: string, why: string) => reply(res, 400017, `Invalid parameter: ${field} ${why}`);
    if (!MODELS.includes(String(body.model))) return invalid('model', `must be one of ${MODELS.join(', ')}`);
    if (typeof body.img_id !== 'number' || !images.has(body.img_id)) return invalid('img_id', 'is not an uploaded image');
    if (typeof body.prompt !== 'string' || body.prompt.length > 2048) return invalid('prompt', 'is required, at most 2048 characters');
    // v6 takes 1 to 15 seconds; the earlier models 5 or 8.
    const durations = body.model === 'v6' ? Array.from({ length: 15 }, (_, i) => i + 1) : [5, 8];
    if (!durations.includes(body.duration as number)) return invalid('duration', `must be one of ${durations.join(', ')}`);
    if (!QUALITIES.includes(String(body.quality))) return invalid('quality', `must be one of ${QUALITIES.join(', ')}`);
    // PixVerse's own MCP client (src/utils/validation.py) refuses these before the API would; v6 (1-15 s at any quality on fal's schema) is not among its models.
    if (body.quality === '1080p' && body.model !== 'v6' && (body.duration as number) > 5) return invalid('quality', '1080p quality does not support duration > 5 seconds');
    if (body.motion_mode !== undefined && body.motion_mode !== 'normal' && body.motion_mode !== 'fast') return invalid('motion_mode', 'must be normal or fast');
    if (body.seed !== undefined && (!Number.isInteger(body.seed) || (body.seed as number) < 0 || (body.seed as number) > 2147483647)) return invalid('seed', 'must be an integer from 0 to 2147483647');
    const t = pixverse.newTask(body, String(++ids));
    const answer = { ErrCode: 0, ErrMsg: 'success', Resp: { video_id: Number(t.id) } };
    answered.set(trace, answer);
    json(res, 200, answer);
  });

  pixverse.route('GET', '/openapi/v2/video/result/:id', 'poll', (req, res) => {
    if (refused(req, res)) return;
    const t = pixverse.tasks.get(req.params.id!);
    if (!t) return reply(res, 500008, 'Requested data not found');
    const input = t.input as Record<string, unknown>;
    const view = (status: number, url = '') => ({ id: Number(t.id), status, url, prompt: input.prompt, negative_prompt: input.negative_prompt ?? '', seed: input.seed ?? 1234, outputWidth: 1280, outputHeight: 720, size: 0, create_time: '2026-01-01T00:00:00Z', modify_time: '2026-01-01T00:00:00Z', resolution_ratio: 720, style: '' });
    if (!pixverse.advance(t)) return reply(res, 0, 'success', view(5));
    if (t.outcome === 'fail') return reply(res, 0, 'success', view(8));
    if (t.outcome === 'moderate') return reply(res, 0, 'success', view(7));
    reply(res, 0, 'success', { ...view(1, pixverse.downloadUrl(t)), size: video.length });
  });
  return pixverse;
}
