/**
 * MiniMax's Hailuo video API, v1 (platform.minimax.io API reference: video generation, query,
 * files/retrieve, and its error-code page; MiniMax-AI/MiniMax-MCP client.py for the base_resp
 * check): submit, poll the task, then ask the file service for the download URL, which the poll
 * never carries. Errors mostly come back as HTTP 200 with a non-zero `base_resp.status_code`.
 * There is no cancel and no reference of ours to find a task by.
 */
import { z } from 'zod';
import type { ProviderHttp } from '../http';
import { ProviderError, type ProviderErrorKind } from '../errors';
import { dataUri } from '../payload';
import type { ProviderAdapter, ProviderInfo, TaskState } from '../protocol';
import { PROVIDER_ENDPOINTS } from '../endpoints';

const baseResp = z.object({ status_code: z.number(), status_msg: z.string().optional() });
const created = z.object({ task_id: z.string().optional(), base_resp: baseResp });
const query = z.object({
  status: z.enum(['Preparing', 'Queueing', 'Processing', 'Success', 'Fail']).optional(),
  // An int64 in the spec, a string in the examples, empty until the video exists.
  file_id: z.union([z.string(), z.number()]).optional(),
  base_resp: baseResp,
});
const retrieved = z.object({ file: z.object({ download_url: z.string().min(1) }).nullish(), base_resp: baseResp });

/** 1026: the input was judged sensitive; 1027: the video made from it was. */
const SENSITIVE = new Set([1026, 1027]);

const KINDS: ReadonlyMap<number, ProviderErrorKind> = new Map([
  [1000, 'server'], // unknown error
  [1001, 'server'], // timeout on their side
  [1002, 'rate-limit'],
  [1004, 'auth'],
  [2049, 'auth'], // invalid API key
  [1008, 'billing'], // insufficient balance
  [2013, 'invalid'], // invalid parameters
]);

/**
 * The error a non-zero base_resp means. An unknown code on submit is a refusal; on a poll it is
 * taken as passing, since the task is already paid for and failing it would mean paying again.
 */
function failure(http: ProviderHttp, { status_code: code, status_msg: said }: z.infer<typeof baseResp>, unknown: ProviderErrorKind): ProviderError {
  return http.error(SENSITIVE.has(code) ? 'moderated' : (KINDS.get(code) ?? unknown), `${said ?? 'error'} (code ${code})`);
}

const adapter: ProviderAdapter = {
  async submit(request, { http, signal }) {
    const body = {
      model: request.endpoint,
      first_frame_image: await dataUri(request.image),
      ...(request.endImage ? { last_frame_image: await dataUri(request.endImage) } : {}),
      prompt: request.prompt,
      duration: request.seconds,
      resolution: request.resolution.toUpperCase(), // MiniMax writes 768P, 1080P
    };
    const answer = await http.json('POST', 'v1/video_generation', created, { body, signal });
    if (answer.base_resp.status_code !== 0) throw failure(http, answer.base_resp, 'invalid');
    if (!answer.task_id) throw new ProviderError('malformed', `${http.options.name} accepted the request but gave no task id`);
    return { id: answer.task_id };
  },

  async poll(task, { http, signal }): Promise<TaskState> {
    const now = await http.json('GET', `v1/query/video_generation?task_id=${encodeURIComponent(task.id)}`, query, { signal });
    if (now.status === 'Fail') {
      const { status_code: code, status_msg: said } = now.base_resp;
      return { state: 'failed', reason: code === 0 ? 'no reason given' : `${said ?? 'error'} (code ${code})`, ...(SENSITIVE.has(code) ? { moderated: true } : {}) };
    }
    if (now.base_resp.status_code !== 0) throw failure(http, now.base_resp, 'server');
    switch (now.status) {
      case 'Preparing':
      case 'Queueing':
        return { state: 'queued' };
      case 'Processing':
        return { state: 'running' };
      case 'Success':
        if (now.file_id === undefined || now.file_id === '') throw new ProviderError('malformed', `${http.options.name} says the task succeeded but names no file`);
        return { state: 'succeeded', result: { url: await downloadUrl(http, String(now.file_id), signal) } };
      default:
        throw new ProviderError('malformed', `${http.options.name} answered the query without a status`);
    }
  },
};

/** The file service turns the task's file id into a short-lived download URL. */
async function downloadUrl(http: ProviderHttp, fileId: string, signal: AbortSignal): Promise<string> {
  const answer = await http.json('GET', `v1/files/retrieve?file_id=${encodeURIComponent(fileId)}`, retrieved, { signal });
  if (answer.base_resp.status_code !== 0) throw failure(http, answer.base_resp, 'server');
  if (!answer.file?.download_url) throw new ProviderError('malformed', `${http.options.name} named no download URL for file ${fileId}`);
  return answer.file.download_url;
}

export const minimax: ProviderInfo = {
  id: 'minimax',
  name: 'MiniMax',
  origin: PROVIDER_ENDPOINTS.minimax.keyed[0]!,
  keysUrl: 'https://www.minimax.io/platform/user-center/basic-information/interface-key',
  keyLabel: 'API key',
  authorize: ({ apiKey }) => ({ Authorization: `Bearer ${apiKey}` }),
  adapter,
};
