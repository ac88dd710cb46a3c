/**
 * fal's queue API (fal-ai/fal-js, libs/client/src/queue.ts): submit to the full endpoint id;
 * status, result and cancel live under the first two path segments only. There is no failed
 * status: a failed run is COMPLETED, and the error comes back when the result is fetched.
 */
import { z } from 'zod';
import { ProviderError } from '../errors';
import { mappedInput } from '../payload';
import type { ProviderAdapter, ProviderInfo, SubmittedTask, TaskState } from '../protocol';
import { PROVIDER_ENDPOINTS } from '../endpoints';

const queued = z.object({ request_id: z.string().min(1), status: z.string() });
const status = z.object({
  status: z.enum(['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED']),
  queue_position: z.number().optional(),
  logs: z.array(z.object({ message: z.string() })).nullish(),
});
const output = z.object({ video: z.object({ url: z.string().min(1) }) });

/** `fal-ai/kling-video/v2.1/master/image-to-video` -> `fal-ai/kling-video` (the SDK's parseEndpointId). */
export function falApp(endpoint: string): string {
  const parts = endpoint.split('/');
  const namespaced = parts[0] === 'workflows' || parts[0] === 'comfy';
  return parts.slice(0, namespaced ? 3 : 2).join('/');
}

function requestPath(task: SubmittedTask): string {
  const { app } = task.data as { app: string };
  return `${app}/requests/${encodeURIComponent(task.id)}`;
}

const adapter: ProviderAdapter = {
  async submit(request, { http, signal }) {
    if (!request.fields) throw new ProviderError('invalid', `the catalog has no input names for fal endpoint ${request.endpoint}`);
    const body = await mappedInput(request, request.fields);
    const answer = await http.json('POST', request.endpoint, queued, { body, signal, headers: { 'x-fal-queue-priority': 'normal' } });
    return { id: answer.request_id, data: { app: falApp(request.endpoint) } };
  },

  async poll(task, { http, signal }): Promise<TaskState> {
    const now = await http.json('GET', `${requestPath(task)}/status?logs=1`, status, { signal });
    if (now.status === 'IN_QUEUE') return { state: 'queued', ...(now.queue_position === undefined ? {} : { position: now.queue_position }) };
    if (now.status === 'IN_PROGRESS') {
      const last = now.logs?.at(-1)?.message;
      return { state: 'running', ...(last ? { message: last.slice(0, 80) } : {}) };
    }
    try {
      const result = await http.json('GET', requestPath(task), output, { signal });
      return { state: 'succeeded', result: { url: result.video.url } };
    } catch (error) {
      // The model's own failure arrives here, as a 4xx on the result; a 5xx may pass, so it is retried.
      if (error instanceof ProviderError && error.kind === 'invalid') {
        return { state: 'failed', reason: error.message };
      }
      throw error;
    }
  },

  async cancel(task, { http, signal }) {
    await http.send('PUT', `${requestPath(task)}/cancel`, { signal });
  },
};

export const fal: ProviderInfo = {
  id: 'fal',
  name: 'fal',
  origin: PROVIDER_ENDPOINTS.fal.keyed[0]!,
  keysUrl: 'https://fal.ai/dashboard/keys',
  keyLabel: 'API key',
  authorize: ({ apiKey }) => ({ Authorization: `Key ${apiKey}` }),
  adapter,
};
