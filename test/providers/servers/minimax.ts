/**
 * A local MiniMax video API, v1 (see src/providers/adapters/minimax.ts): every answer is HTTP 200
 * with `base_resp` carrying the outcome (1004 for a bad key, 2013 for bad parameters, 1027 for a
 * video judged sensitive), and the video URL only comes from files/retrieve.
 */
import type { ServerResponse } from 'node:http';
import { FakeProvider, headerValue, json, type Request } from '../kit';

const MODELS = ['MiniMax-Hailuo-2.3', 'MiniMax-Hailuo-2.3-Fast', 'MiniMax-Hailuo-02', 'I2V-01-Director', 'I2V-01-live', 'I2V-01'];
const RESOLUTIONS = ['512P', '720P', '768P', '1080P'];

export function fakeMiniMax(video: Buffer, key = 'minimax-test-key'): FakeProvider {
  const minimax = new FakeProvider(video);
  let ids = 106916112212032;
  const ok = { status_code: 0, status_msg: 'success' };
  const refuse = (res: ServerResponse, code: number, message: string) => json(res, 200, { base_resp: { status_code: code, status_msg: message } }, { 'Trace-Id': `trace-${code}` });
  const unauthorised = (req: Request, res: ServerResponse) => {
    if (headerValue(req, 'authorization') === `Bearer ${key}`) return false;
    refuse(res, 1004, 'login fail: Please carry the API secret key in the Authorization field of the request header');
    return true;
  };
  const image = (value: unknown) => typeof value === 'string' && /^(https:\/\/|data:image\/(png|jpeg|webp);base64,)/.test(value);

  minimax.route('POST', '/v1/video_generation', 'submit', (req, res) => {
    if (unauthorised(req, res)) return;
    const body = req.json() as Record<string, unknown>;
    if (!MODELS.includes(String(body.model))) return refuse(res, 2013, `invalid params, model ${String(body.model)} is not supported`);
    if (!image(body.first_frame_image)) return refuse(res, 2013, 'invalid params, first_frame_image must be a URL or a data:image base64 URI');
    if (body.last_frame_image !== undefined && !image(body.last_frame_image)) return refuse(res, 2013, 'invalid params, last_frame_image must be a URL or a data:image base64 URI');
    if (body.duration !== 6 && body.duration !== 10) return refuse(res, 2013, 'invalid params, duration must be 6 or 10');
    if (!RESOLUTIONS.includes(String(body.resolution))) return refuse(res, 2013, `invalid params, resolution must be one of ${RESOLUTIONS.join(', ')}`);
    if (body.duration === 10 && body.resolution === '1080P') return refuse(res, 2013, 'invalid params, 10 s is not available at 1080P');
    if (typeof body.prompt === 'string' && body.prompt.length > 2000) return refuse(res, 2013, 'invalid params, prompt is longer than 2000 characters');
    const t = minimax.newTask(body, String(++ids));
    t.extra.fileId = 241342648594580 + Number(t.id.slice(-3));
    json(res, 200, { task_id: t.id, base_resp: ok });
  });

  minimax.route('GET', '/v1/query/video_generation', 'poll', (req, res) => {
    if (unauthorised(req, res)) return;
    const t = minimax.tasks.get(req.url.searchParams.get('task_id') ?? '');
    if (!t) return refuse(res, 2013, 'invalid params, task not found');
    if (!minimax.advance(t)) return json(res, 200, { task_id: t.id, status: t.polls === 1 ? 'Queueing' : 'Processing', file_id: '', base_resp: ok });
    if (t.outcome === 'fail') return json(res, 200, { task_id: t.id, status: 'Fail', file_id: '', base_resp: { status_code: 1000, status_msg: 'video generation failed' } });
    if (t.outcome === 'moderate') return json(res, 200, { task_id: t.id, status: 'Fail', file_id: '', base_resp: { status_code: 1027, status_msg: 'output video new_sensitive' } });
    json(res, 200, { task_id: t.id, status: 'Success', file_id: t.extra.fileId, video_width: 1280, video_height: 720, base_resp: ok });
  });

  minimax.route('GET', '/v1/files/retrieve', 'result', (req, res) => {
    if (unauthorised(req, res)) return;
    const fileId = Number(req.url.searchParams.get('file_id'));
    const t = [...minimax.tasks.values()].find((task) => task.extra.fileId === fileId);
    if (!t) return refuse(res, 2013, 'invalid params, file not found');
    json(res, 200, { file: { file_id: fileId, bytes: video.length, created_at: Math.floor(Date.now() / 1000), filename: 'output.mp4', purpose: 'video_generation', download_url: minimax.downloadUrl(t) }, base_resp: ok });
  });
  return minimax;
}
