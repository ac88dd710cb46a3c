/**
 * PixVerse Platform API v2 (docs.platform.pixverse.ai: "How to use Image-to-video", "Upload
 * Image", "Get Video Generation Status", "Common errors and Solutions"): the image is uploaded
 * first (multipart) for an `img_id`, then image-to-video is asked for with it. Every request
 * carries the API-KEY and its own Ai-trace-id (the docs ask for a new one per request). Answers
 * are `{ErrCode, ErrMsg, Resp}` on HTTP 200, errors included; statuses are numbers: 1 done,
 * 5 generating, 7 refused by moderation, 8 failed (6: deleted). There is no cancel and no
 * reference of ours to find a task by.
 */
import { z } from 'zod';
import { ProviderError, type ProviderErrorKind } from '../errors';
import type { ProviderHttp } from '../http';
import type { ProviderAdapter, ProviderInfo, TaskState } from '../protocol';
import { PROVIDER_ENDPOINTS } from '../endpoints';

/** Resp is read only once ErrCode says success: error answers carry an empty or partial one. */
const envelope = z.object({ ErrCode: z.number(), ErrMsg: z.string().optional(), Resp: z.unknown() });
const uploaded = z.object({ img_id: z.number().int() });
const created = z.object({ video_id: z.number().int() });
const result = z.object({ status: z.number().int(), url: z.string().nullish() });

/**
 * ErrCodes as remembered from PixVerse's "Error codes" page, which could not be read while this
 * was written: only 500044 ("Reached the limit for concurrent generations") is confirmed, by a
 * client seen in the wild. The rest are unverified, so an unknown code is read conservatively (below).
 */
function kindOfCode(code: number, unknown: ProviderErrorKind): ProviderErrorKind {
  if (code >= 10001 && code <= 10005) return 'auth'; // key missing, invalid or expired
  if (code === 500044 || code === 500069) return 'rate-limit'; // concurrency limit; system overloaded
  if (code === 500090) return 'billing'; // insufficient balance
  if (code === 500054 || code === 500063) return 'moderated'; // the input did not pass the safety review
  if (code >= 400000 && code < 500000) return 'invalid'; // parameter errors
  return unknown;
}

/**
 * One request with a fresh trace id, its Resp checked. A non-zero ErrCode of a kind not known
 * is a refusal on submit, but passing trouble on a poll: the task is paid for, and failing it
 * would mean paying again.
 */
async function call<T extends z.ZodType>(http: ProviderHttp, method: string, path: string, resp: T, options: { body?: unknown; form?: FormData; signal: AbortSignal }, unknown: ProviderErrorKind): Promise<z.infer<T>> {
  const answer = await http.json(method, `openapi/v2/${path}`, envelope, { ...options, headers: { 'Ai-trace-id': crypto.randomUUID() } });
  if (answer.ErrCode !== 0) {
    throw http.error(kindOfCode(answer.ErrCode, unknown), `${answer.ErrMsg || 'error'} (ErrCode ${answer.ErrCode})`);
  }
  const parsed = resp.safeParse(answer.Resp);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ProviderError('malformed', `${http.options.name} answered ${path} in an unexpected shape (Resp${issue?.path.length ? `.${issue.path.join('.')}` : ''}: ${issue?.message ?? 'unknown'})`);
  }
  return parsed.data;
}

const adapter: ProviderAdapter = {
  async submit(request, { http, signal }) {
    // Its first/last-frame mode is another endpoint (transition) this adapter does not speak yet.
    if (request.endImage) throw new ProviderError('invalid', `${http.options.name} image-to-video takes one image; an end frame is not supported here`);
    const form = new FormData();
    form.append('image', request.image.blob, `frame.${request.image.mime.split('/')[1] ?? 'png'}`);
    const { img_id } = await call(http, 'POST', 'image/upload', uploaded, { form, signal }, 'invalid').catch((error: unknown) => {
      // An upload that went unanswered cost nothing: say so, rather than "may have been charged".
      if (error instanceof ProviderError && (error.kind === 'timeout' || error.kind === 'malformed')) {
        throw new ProviderError('server', `${error.message}, while uploading the image; nothing was generated, so running again is safe`);
      }
      throw error;
    });
    const body = {
      model: request.endpoint,
      img_id,
      prompt: request.prompt,
      ...(request.negativePrompt ? { negative_prompt: request.negativePrompt } : {}),
      duration: request.seconds,
      quality: request.resolution,
      motion_mode: 'normal',
      ...(request.seed === undefined ? {} : { seed: request.seed }),
      // Off unless asked: PixVerse makes silent video by default.
      ...(request.audio ? { generate_audio_switch: true } : {}),
    };
    const { video_id } = await call(http, 'POST', 'video/img/generate', created, { body, signal }, 'invalid');
    return { id: String(video_id) };
  },

  async poll(task, { http, signal }): Promise<TaskState> {
    const now = await call(http, 'GET', `video/result/${encodeURIComponent(task.id)}`, result, { signal }, 'server');
    switch (now.status) {
      case 1:
        if (!now.url) throw new ProviderError('malformed', `${http.options.name} says the video is done but gives no URL`);
        return { state: 'succeeded', result: { url: now.url } };
      case 5:
        return { state: 'running' };
      case 7:
        return { state: 'failed', reason: 'the video did not pass moderation (status 7)', moderated: true };
      case 8:
        return { state: 'failed', reason: 'the generation failed (status 8)' };
      case 6:
        return { state: 'failed', reason: 'the video was deleted (status 6)' };
      default:
        throw new ProviderError('malformed', `${http.options.name} answered with an unknown status ${now.status}`);
    }
  },
};

export const pixverse: ProviderInfo = {
  id: 'pixverse',
  name: 'PixVerse',
  origin: PROVIDER_ENDPOINTS.pixverse.keyed[0]!,
  keysUrl: 'https://platform.pixverse.ai/api-key',
  keyLabel: 'API key',
  authorize: ({ apiKey }) => ({ 'API-KEY': apiKey }),
  adapter,
};
