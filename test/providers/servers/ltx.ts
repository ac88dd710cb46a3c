/**
 * A local LTX API (see src/providers/adapters/ltx.ts): one synchronous route whose 200 answer is
 * the MP4, and LTX's error envelope `{type:"error", error:{type, message}}` for everything else.
 */
import { FakeProvider, headerValue, json, type Request } from '../kit';

const MODELS = ['ltx-2-fast', 'ltx-2-pro', 'ltx-2-3-fast', 'ltx-2-3-pro'];
const RESOLUTIONS = ['1280x720', '720x1280', '1920x1080', '1080x1920', '2560x1440', '1440x2560', '3840x2160', '2160x3840'];
const FIELDS = new Set(['image_uri', 'last_frame_uri', 'prompt', 'model', 'duration', 'resolution', 'fps', 'camera_motion', 'generate_audio']);

export function ltxError(type: string, message: string): unknown {
  return { type: 'error', error: { type, message } };
}

/** What LTX would say is wrong with a request body, or undefined when it is right. */
function invalid(input: Record<string, unknown>): string | undefined {
  const unknown = Object.keys(input).find((k) => !FIELDS.has(k));
  if (unknown) return `unknown field: ${unknown}`;
  if (typeof input.prompt !== 'string' || input.prompt === '') return 'prompt is required';
  if (typeof input.image_uri !== 'string' || !/^(https:|data:image\/)/.test(input.image_uri)) return 'image_uri must be an https URL or a data URI';
  if (typeof input.model !== 'string' || !MODELS.includes(input.model)) return `model must be one of ${MODELS.join(', ')}`;
  if (!Number.isInteger(input.duration) || (input.duration as number) < 6 || (input.duration as number) > 20) return 'duration must be an integer from 6 to 20';
  if (typeof input.resolution !== 'string' || !RESOLUTIONS.includes(input.resolution)) return `resolution must be one of ${RESOLUTIONS.join(', ')}`;
  if (input.generate_audio !== undefined && typeof input.generate_audio !== 'boolean') return 'generate_audio must be a boolean';
  return undefined;
}

/** `generationMs`: how long the answer is held, as the real API holds it for the whole generation. */
export function fakeLtx(video: Buffer, key = 'ltx-test-key', generationMs = 0): FakeProvider {
  const ltx = new FakeProvider(video);
  ltx.route('POST', '/v1/image-to-video', 'submit', async (req: Request, res) => {
    if (headerValue(req, 'authorization') !== `Bearer ${key}`) return json(res, 401, ltxError('authentication_error', 'Invalid API key'));
    const input = req.json() as Record<string, unknown>;
    const wrong = invalid(input);
    if (wrong) return json(res, 400, ltxError('invalid_request_error', wrong));
    const task = ltx.newTask(input);
    await new Promise((resolve) => setTimeout(resolve, generationMs));
    if (task.outcome === 'moderate') return json(res, 422, ltxError('content_filtered_error', 'Content is filtered due to policy restrictions'));
    if (task.outcome === 'fail') return json(res, 500, ltxError('api_error', 'Video generation failed'));
    res.writeHead(200, { 'Content-Type': 'video/mp4', 'Content-Length': ltx.video.length, 'x-request-id': task.id });
    res.end(ltx.video);
  });
  return ltx;
}
