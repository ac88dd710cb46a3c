/**
 * BytePlus ModelArk's video generation tasks for Seedance ("Create a video generation task",
 * "Query", "Cancel or delete", docs.byteplus.com ModelArk API reference, read through the mirrors
 * listed in /work/shared/reference/providers.md §6): the prompt and the frames go in `content[]`,
 * the frames as data URIs with roles first_frame/last_frame; ratio, resolution, duration, seed and
 * generate_audio are top-level fields. DELETE cancels a task that is still queued (a running one
 * cannot be stopped). Errors are OpenAI-like, `{error: {code, message, param?}}`.
 */
import { z } from 'zod';
import { ProviderError, type ProviderErrorKind } from '../errors';
import { dataUri } from '../payload';
import type { ProviderAdapter, ProviderInfo, TaskState } from '../protocol';
import { PROVIDER_ENDPOINTS } from '../endpoints';

const TASKS = 'api/v3/contents/generations/tasks';

const created = z.object({ id: z.string().min(1) });
const task = z.object({
  id: z.string(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled', 'expired']),
  content: z.object({ video_url: z.string().min(1) }).nullish(),
  error: z.object({ code: z.string().optional(), message: z.string().optional() }).nullish(),
});

const SENSITIVE = /SensitiveContent/;

/**
 * Ark's error codes where the status says less: an account in arrears answers 403, which is not a
 * bad key, and content refusals (Input/Output...SensitiveContentDetected, with suffixes such as
 * .PolicyViolation) answer 400. Code names as third-party Ark clients report them.
 */
function kindOfCode(_status: number, body: unknown): ProviderErrorKind | undefined {
  const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
  if (code === 'AccountOverdueError') return 'billing';
  return typeof code === 'string' && SENSITIVE.test(code) ? 'moderated' : undefined;
}


const adapter: ProviderAdapter = {
  async submit(request, { http, signal }) {
    const frames = [{ type: 'image_url', image_url: { url: await dataUri(request.image) }, role: 'first_frame' }];
    if (request.endImage) frames.push({ type: 'image_url', image_url: { url: await dataUri(request.endImage) }, role: 'last_frame' });
    const body = {
      model: request.endpoint,
      content: [{ type: 'text', text: request.prompt }, ...frames],
      ratio: request.aspectRatio === 'auto' ? 'adaptive' : request.aspectRatio,
      resolution: request.resolution,
      duration: request.seconds,
      ...(request.seed === undefined ? {} : { seed: request.seed }),
      // Always said: the models with sound default to making it, and sound costs more.
      generate_audio: request.audio,
    };
    const answer = await http.json('POST', TASKS, created, { body, signal, kindOf: kindOfCode });
    return { id: answer.id };
  },

  async poll(submitted, { http, signal }): Promise<TaskState> {
    const now = await http.json('GET', `${TASKS}/${encodeURIComponent(submitted.id)}`, task, { signal, kindOf: kindOfCode });
    switch (now.status) {
      case 'queued':
        return { state: 'queued' };
      case 'running':
        return { state: 'running' };
      case 'cancelled':
        return { state: 'cancelled' };
      case 'expired':
        return { state: 'failed', reason: 'the task expired before it finished' };
      case 'failed': {
        const reason = now.error?.message || now.error?.code || 'no reason given';
        return { state: 'failed', reason, ...(SENSITIVE.test(now.error?.code ?? '') ? { moderated: true } : {}) };
      }
      case 'succeeded':
        if (!now.content?.video_url) throw new ProviderError('malformed', `${http.options.name} says the task succeeded but names no video`);
        return { state: 'succeeded', result: { url: now.content.video_url } };
    }
  },

  async cancel(submitted, { http, signal }) {
    await http.send('DELETE', `${TASKS}/${encodeURIComponent(submitted.id)}`, { signal });
  },
};

export const byteplus: ProviderInfo = {
  id: 'byteplus',
  name: 'BytePlus',
  origin: PROVIDER_ENDPOINTS.byteplus.keyed[0]!,
  keysUrl: 'https://console.byteplus.com/ark/region:ark+ap-southeast-1/apiKey',
  keyLabel: 'ModelArk API key',
  authorize: ({ apiKey }) => ({ Authorization: `Bearer ${apiKey}` }),
  adapter,
};
