/**
 * A local Gemini API for Veo (see src/providers/adapters/gemini.ts): `predictLongRunning`
 * answers with an operation, the operation ends with `generateVideoResponse.generatedSamples`
 * (or an `error`, or nothing but RAI filter reasons), the video is a Files API URI that needs
 * the key. Errors are google.rpc.Status `{error:{code,message,status}}`; a wrong key is a 400.
 * As the service does: a quota 429 names its wait in RetryInfo (`resourceExhausted`, from real
 * bodies several clients keep as fixtures); a request over 20 MB is refused with Google's
 * "Request payload size exceeds the limit" 400; Veo 3.1 makes 1080p and 4k only at 8 s (the
 * Gemini API's Veo page, as third-party copies of it state; the refusal's wording is ours).
 */
import type { ServerResponse } from 'node:http';
import { FakeProvider, headerValue, json, type Request } from '../kit';

/** What the Gemini API takes for Veo (the SDK's Gemini converter); seed and generateAudio are Vertex only. */
const PARAMETERS = new Set(['sampleCount', 'durationSeconds', 'aspectRatio', 'resolution', 'personGeneration', 'negativePrompt', 'enhancePrompt']);
const INSTANCE = new Set(['prompt', 'image', 'lastFrame', 'referenceImages']);
const REQUEST_LIMIT = 20 * 1024 * 1024;

/** A 429 RESOURCE_EXHAUSTED as the Gemini API sends it: QuotaFailure, Help, and the wait in RetryInfo. */
export function resourceExhausted(retryDelay: string): unknown {
  return {
    error: {
      code: 429,
      message: `You exceeded your current quota, please check your plan and billing details. Please retry in ${retryDelay}.`,
      status: 'RESOURCE_EXHAUSTED',
      details: [
        { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaMetric: 'generativelanguage.googleapis.com/predict_long_running_requests', quotaId: 'PredictLongRunningRequestsPerMinutePerProjectPerModel', quotaValue: '2' }] },
        { '@type': 'type.googleapis.com/google.rpc.Help', links: [{ description: 'Learn more about Gemini API quotas', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' }] },
        { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay },
      ],
    },
  };
}

export function fakeGemini(video: Buffer, key = 'gemini-test-key'): FakeProvider {
  const gemini = new FakeProvider(video, { cors: true });
  gemini.downloadUrl = (t) => `${gemini.url}/v1beta/files/${t.id}:download?alt=media`;
  const rpc = (res: ServerResponse, code: number, status: string, message: string, details?: unknown[]) => json(res, code, { error: { code, message, status, ...(details ? { details } : {}) } });
  const authorised = (req: Request, res: ServerResponse) => {
    const given = headerValue(req, 'x-goog-api-key');
    if (given === key) return true;
    if (given === undefined) rpc(res, 403, 'PERMISSION_DENIED', "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
    else rpc(res, 400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }]);
    return false;
  };
  const unknown = (res: ServerResponse, name: string, at: string) => rpc(res, 400, 'INVALID_ARGUMENT', `Invalid JSON payload received. Unknown name "${name}" at '${at}': Cannot find field.`);
  const picture = (value: unknown) => {
    const v = value as { bytesBase64Encoded?: unknown; mimeType?: unknown } | undefined;
    return typeof v?.bytesBase64Encoded === 'string' && /^[A-Za-z0-9+/]+=*$/.test(v.bytesBase64Encoded) && typeof v.mimeType === 'string' && v.mimeType.startsWith('image/');
  };

  gemini.route('POST', '/v1beta/models/:call', 'submit', (req, res) => {
    if (!authorised(req, res)) return;
    if (req.body.length > REQUEST_LIMIT) return rpc(res, 400, 'INVALID_ARGUMENT', `Request payload size exceeds the limit: ${REQUEST_LIMIT} bytes.`);
    const [model, method] = req.params.call!.split(':');
    if (method !== 'predictLongRunning') return rpc(res, 404, 'NOT_FOUND', `Method ${method} not found`);
    if (!model!.startsWith('veo-')) return rpc(res, 404, 'NOT_FOUND', `models/${model} is not found for API version v1beta, or is not supported for predictLongRunning.`);
    const body = req.json() as { instances?: Record<string, unknown>[]; parameters?: Record<string, unknown> };
    const instance = body.instances?.[0];
    if (!instance || body.instances!.length !== 1) return rpc(res, 400, 'INVALID_ARGUMENT', 'instances: exactly one instance is required');
    for (const name of Object.keys(instance)) if (!INSTANCE.has(name)) return unknown(res, name, 'instances[0]');
    for (const name of Object.keys(body.parameters ?? {})) if (!PARAMETERS.has(name)) return unknown(res, name, 'parameters');
    if (typeof instance.prompt !== 'string') return rpc(res, 400, 'INVALID_ARGUMENT', 'instances[0].prompt is required');
    if (!picture(instance.image) || (instance.lastFrame !== undefined && !picture(instance.lastFrame))) {
      return rpc(res, 400, 'INVALID_ARGUMENT', 'Input image must have bytesBase64Encoded (base64, no data: prefix) and an image mimeType.');
    }
    const duration = body.parameters?.durationSeconds;
    if (duration !== undefined && ![4, 6, 8].includes(duration as number)) {
      return rpc(res, 400, 'INVALID_ARGUMENT', `The number value for \`durationSeconds\` is out of bound. Please provide a value between 4 and 8, inclusive.`);
    }
    const resolution = body.parameters?.resolution;
    if ((resolution === '1080p' || resolution === '4k') && (duration ?? 8) !== 8) {
      return rpc(res, 400, 'INVALID_ARGUMENT', `${String(resolution)} video is only available with durationSeconds 8.`);
    }
    const t = gemini.newTask(body, `op${gemini.tasks.size + 1}`);
    json(res, 200, { name: `models/${model}/operations/${t.id}` });
  });

  gemini.route('GET', '/v1beta/models/:model/operations/:op', 'poll', (req, res) => {
    if (!authorised(req, res)) return;
    const t = gemini.tasks.get(req.params.op!);
    const name = `models/${req.params.model}/operations/${req.params.op}`;
    if (!t) return rpc(res, 404, 'NOT_FOUND', `Operation ${name} not found`);
    if (!gemini.advance(t)) return json(res, 200, { name });
    if (t.outcome === 'fail') return json(res, 200, { name, done: true, error: { code: 13, message: 'Video generation failed due to an internal error.', status: 'INTERNAL' } });
    const kind = 'type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse';
    if (t.outcome === 'moderate') {
      return json(res, 200, { name, done: true, response: { '@type': kind, generateVideoResponse: { raiMediaFilteredCount: 1, raiMediaFilteredReasons: ["We encountered an issue with the input image. It may violate Google's Responsible AI practices."] } } });
    }
    json(res, 200, { name, done: true, response: { '@type': kind, generateVideoResponse: { generatedSamples: [{ video: { uri: gemini.downloadUrl(t) } }] } } });
  });

  // The Files API: a download answers with a redirect to /download/... on the same host, which
  // needs the key again (as reported of the real service), then the video.
  const file = (req: Request, res: ServerResponse) => {
    const [id, method] = req.params.file!.split(':');
    if (method !== 'download' || req.url.searchParams.get('alt') !== 'media' || !gemini.tasks.has(id!)) return void rpc(res, 404, 'NOT_FOUND', 'File not found');
    return id;
  };
  gemini.route('GET', '/v1beta/files/:file', 'download', (req, res) => {
    if (!authorised(req, res) || !file(req, res)) return;
    res.writeHead(302, { Location: `/download${req.url.pathname}${req.url.search}` }).end();
  });
  gemini.route('GET', '/download/v1beta/files/:file', 'download', (req, res) => {
    if (!authorised(req, res) || !file(req, res)) return;
    res.writeHead(200, { 'Content-Type': 'video/mp4', 'Content-Length': gemini.video.length });
    res.end(gemini.video);
  });

  return gemini;
}
