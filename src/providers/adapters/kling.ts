/**
 * Kling's own API (the official English doc "Video Generation - Image to Video", mirrored in
 * QuincyMillerDev/cooliomusic docs/KLINGAI_IMAGE_TO_VIDEO_API.md, and its error-code table):
 * requests carry a short-lived JWT (HS256) signed from the access key with the secret key; the
 * image goes as raw base64 (a data: prefix is refused); duration is a string; a task can be looked
 * up by our own `external_task_id`, which is how a request whose answer was lost is found again.
 * `sound` (v2.6 and later) follows third-party copies of Kling's v2.6 reference. There is no cancel.
 */
import { z } from 'zod';
import type { Credentials } from '../../engine';
import { ProviderError, type ProviderErrorKind } from '../errors';
import type { ProviderHttp } from '../http';
import { base64Of } from '../payload';
import type { Resolution } from '../catalog/schema';
import type { ProviderAdapter, ProviderInfo, TaskState } from '../protocol';
import { PROVIDER_ENDPOINTS } from '../endpoints';

const PATH = 'v1/videos/image2video';

/** Kling names quality by mode: std is its 720p tier, pro its 1080p one. */
export const KLING_MODES: Partial<Record<Resolution, string>> = { '720p': 'std', '1080p': 'pro' };

/** Every answer, success or not, is `{code, message, request_id, data}`; code 0 is success. */
const envelope = <T extends z.ZodType>(data: T) => z.object({ code: z.number(), message: z.string().nullish(), data: data.nullish() });
const task = z.object({
  task_id: z.string().min(1),
  task_status: z.enum(['submitted', 'processing', 'succeed', 'failed']),
  task_status_msg: z.string().nullish(),
  task_result: z.object({ videos: z.array(z.object({ url: z.string().min(1) })) }).nullish(),
});

/** How a failed task says Kling's content review ("risk control") refused it. */
const RISK_CONTROL = /risk[ -]?control/i;

/** Kling's codes where they say more than the HTTP status does (its error-code table). */
function kindOfCode(_status: number, body: unknown): ProviderErrorKind | undefined {
  const code = (body as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'number') return undefined;
  if (code >= 1000 && code <= 1004) return 'auth';
  // Sent as 429, but they mean the account (in arrears, resource pack used up), not the pace.
  if (code >= 1100 && code <= 1102) return 'billing';
  if (code === 1300 || code === 1301) return 'moderated'; // platform policy, content safety
  if (code === 1304) return 'auth'; // the key is bound to an IP whitelist this machine is not on
  return undefined;
}

const adapter: ProviderAdapter = {
  async submit(request, { http, signal }) {
    const mode = KLING_MODES[request.resolution];
    // Sending std for another resolution would quietly make a different video than was priced.
    if (!mode) throw new ProviderError('invalid', `${http.options.name}: ${request.resolution} is not a mode this adapter knows (720p is std, 1080p is pro)`);
    const body = {
      model_name: request.endpoint,
      image: await base64Of(request.image.blob),
      ...(request.endImage ? { image_tail: await base64Of(request.endImage.blob) } : {}),
      prompt: request.prompt,
      ...(request.negativePrompt ? { negative_prompt: request.negativePrompt } : {}),
      mode,
      duration: String(request.seconds),
      // Models with sound (v2.6 on) make it only when asked; older ones do not know the field.
      ...(request.audio ? { sound: 'on' } : {}),
      external_task_id: request.clientRef,
    };
    const answer = await http.json('POST', PATH, envelope(task.pick({ task_id: true })), { body, signal, kindOf: kindOfCode });
    return { id: accepted(answer, http).task_id };
  },

  async poll(submitted, { http, signal }): Promise<TaskState> {
    const now = accepted(await http.json('GET', `${PATH}/${encodeURIComponent(submitted.id)}`, envelope(task), { signal, kindOf: kindOfCode }), http);
    switch (now.task_status) {
      case 'submitted':
        return { state: 'queued' };
      case 'processing':
        return { state: 'running' };
      case 'failed': {
        const reason = now.task_status_msg || 'no reason given';
        // "Failure to pass the risk control system": Kling's content review refused it.
        return { state: 'failed', reason, ...(RISK_CONTROL.test(reason) ? { moderated: true } : {}) };
      }
      case 'succeed': {
        const url = now.task_result?.videos[0]?.url;
        if (!url) throw new ProviderError('malformed', `${http.options.name} says the task succeeded but names no video`);
        return { state: 'succeeded', result: { url } };
      }
    }
  },

  /** The query path takes our external_task_id in place of Kling's own id. */
  async recover(clientRef, { http, signal }) {
    try {
      const found = accepted(await http.json('GET', `${PATH}/${encodeURIComponent(clientRef)}`, envelope(task), { signal, kindOf: kindOfCode }), http);
      return { id: found.task_id };
    } catch (error) {
      if (error instanceof ProviderError && error.kind === 'not-found') return undefined;
      throw error;
    }
  },
};

/** The `data` of a code-0 answer; a non-zero code in a 200 answer is still an error. */
function accepted<T>(answer: { code: number; message?: string | null | undefined; data?: T | null | undefined }, http: ProviderHttp): T {
  if (answer.code !== 0) throw http.error(kindOfCode(200, answer) ?? 'invalid', answer.message ?? `error code ${answer.code}`);
  if (answer.data === undefined || answer.data === null) throw new ProviderError('malformed', `${http.options.name} answered without data`);
  return answer.data;
}

const encoder = new TextEncoder();

function base64Url(bytes: Uint8Array | string): string {
  const raw = typeof bytes === 'string' ? encoder.encode(bytes) : bytes;
  let binary = '';
  for (const byte of raw) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A JWT for Kling: issued by the access key, valid 30 minutes, signed HS256 with the secret key. */
export async function klingToken({ apiKey, secretKey }: Credentials, nowMs = Date.now()): Promise<string> {
  if (!secretKey) throw new ProviderError('missing-key', 'No Kling secret key: add it next to the access key in Settings > Providers > Kling');
  const now = Math.floor(nowMs / 1000);
  // nbf a little in the past: a clock a few seconds ahead of Kling's would otherwise be refused.
  const unsigned = `${base64Url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64Url(JSON.stringify({ iss: apiKey, exp: now + 1800, nbf: now - 5 }))}`;
  const key = await crypto.subtle.importKey('raw', encoder.encode(secretKey), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const signature = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(unsigned)));
  return `${unsigned}.${base64Url(signature)}`;
}

export const kling: ProviderInfo = {
  id: 'kling',
  name: 'Kling',
  origin: PROVIDER_ENDPOINTS.kling.keyed[0]!,
  keysUrl: 'https://app.klingai.com/global/dev/api-key',
  keyLabel: 'Access key',
  secretKeyLabel: 'Secret key',
  // A fresh token per request: tasks outlive the 30 minutes one token lasts.
  authorize: async (credentials) => ({ Authorization: `Bearer ${await klingToken(credentials)}` }),
  adapter,
};
