/**
 * Veo through the Gemini Developer API (googleapis/js-genai: src/models.ts generateVideos,
 * src/converters/_models_converters.ts generateVideosParametersToMldev, src/operations.ts,
 * src/node/_node_downloader.ts). A `predictLongRunning` call answers with an operation to poll;
 * the finished operation names a Files API URI that is downloaded with the key, on Google's own
 * origin. The Gemini API takes no seed and no audio switch (the SDK refuses both there): Veo 3
 * decides its sound itself, and the clip keeps it.
 */
import { z } from 'zod';
import { ProviderError } from '../errors';
import { base64Of } from '../payload';
import type { GenerationRequest, ImagePayload, ProviderAdapter, ProviderCall, ProviderInfo, ResultLocation, TaskState } from '../protocol';
import { PROVIDER_ENDPOINTS } from '../endpoints';

export const GEMINI_ORIGIN = PROVIDER_ENDPOINTS.gemini.keyed[0]!;

/**
 * The most one request may carry: images go inline (base64), and Google caps a request with
 * inline data at 20 MB (Gemini API docs, "inline data"; assumed to hold for predictLongRunning).
 */
export const GEMINI_REQUEST_LIMIT = 20 * 1024 * 1024;

const status = z.object({ code: z.number().optional(), message: z.string().optional(), status: z.string().optional() });
const sample = z.object({
  video: z.object({ uri: z.string().min(1).optional(), encodedVideo: z.string().min(1).optional(), encoding: z.string().optional() }).optional(),
});
const operation = z.object({
  name: z.string().min(1),
  done: z.boolean().optional(),
  error: status.optional(),
  response: z
    .object({
      generateVideoResponse: z
        .object({
          generatedSamples: z.array(sample).optional(),
          raiMediaFilteredCount: z.number().optional(),
          raiMediaFilteredReasons: z.array(z.string()).optional(),
        })
        .optional(),
    })
    .optional(),
});

/** `veo-3.1-generate-preview` or `models/veo-3.1-generate-preview`, as the SDK's tModel allows. */
function modelPath(endpoint: string): string {
  return endpoint.startsWith('models/') ? endpoint : `models/${endpoint}`;
}

async function image(payload: ImagePayload): Promise<{ bytesBase64Encoded: string; mimeType: string }> {
  return { bytesBase64Encoded: await base64Of(payload.blob), mimeType: payload.mime };
}

/** Refuses, before anything is encoded or sent, images that would make the request too large. */
function checkSize(request: GenerationRequest): void {
  const images = [request.image, request.endImage].filter((i): i is ImagePayload => i !== undefined);
  // base64 grows bytes by 4/3; the prompt and the JSON around them are a few kilobytes at most.
  const bytes = images.reduce((sum, i) => sum + Math.ceil(i.blob.size / 3) * 4, 0) + 16 * 1024;
  if (bytes <= GEMINI_REQUEST_LIMIT) return;
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
  const sizes = images.map((i) => `${mb(i.blob.size)} MB`).join(' + ');
  throw new ProviderError('invalid', `the image${images.length > 1 ? 's' : ''} (${sizes}) would make a ${mb(bytes)} MB request, and the Gemini API takes images inline up to ${mb(GEMINI_REQUEST_LIMIT)} MB a request: use a smaller image (a JPEG, or a smaller size in Image input), or another route`);
}

async function body(request: GenerationRequest): Promise<Record<string, unknown>> {
  if (request.seed !== undefined) throw new ProviderError('invalid', 'the Gemini API takes no seed for Veo; leave the seed empty for this route');
  checkSize(request);
  return {
    instances: [{ prompt: request.prompt, image: await image(request.image), ...(request.endImage ? { lastFrame: await image(request.endImage) } : {}) }],
    parameters: {
      // One video, always: each sample is billed.
      sampleCount: 1,
      durationSeconds: request.seconds,
      resolution: request.resolution,
      ...(request.aspectRatio === 'auto' ? {} : { aspectRatio: request.aspectRatio }),
      ...(request.negativePrompt ? { negativePrompt: request.negativePrompt } : {}),
    },
  };
}

/**
 * Google answers a key it does not know with 400 INVALID_ARGUMENT ("API key not valid"), not 401;
 * said as it is, the user would look for a wrong setting instead of a wrong key.
 */
async function google<T>(request: Promise<T>, { http }: ProviderCall): Promise<T> {
  try {
    return await request;
  } catch (error) {
    if (error instanceof ProviderError && error.kind === 'invalid' && /API key not valid|API_KEY_INVALID/i.test(error.message)) {
      throw http.error('auth', 'API key not valid', error.details);
    }
    throw error;
  }
}

/**
 * Where the video is: the URI Google gave, fetched with the key (the Files API refuses it
 * otherwise). A URI on Google's own origin is asked of the configured origin, so a user's
 * override (a proxy) is honoured and the key goes nowhere else.
 */
function location(video: NonNullable<z.infer<typeof sample>['video']>, { http }: ProviderCall): ResultLocation | undefined {
  if (video.encodedVideo) {
    const bytes = Uint8Array.from(atob(video.encodedVideo), (c) => c.charCodeAt(0));
    return { blob: new Blob([bytes], { type: video.encoding ?? 'video/mp4' }) };
  }
  if (!video.uri) return undefined;
  const uri = new URL(video.uri);
  const url = uri.origin === GEMINI_ORIGIN ? http.url(`${uri.pathname.slice(1)}${uri.search}`).href : video.uri;
  return { url, authenticated: true };
}

const adapter: ProviderAdapter = {
  async submit(request, call) {
    const answer = await google(call.http.json('POST', `v1beta/${modelPath(request.endpoint)}:predictLongRunning`, operation, { body: await body(request), signal: call.signal }), call);
    return { id: answer.name };
  },

  async poll(task, call): Promise<TaskState> {
    const now = await google(call.http.json('GET', `v1beta/${task.id}`, operation, { signal: call.signal }), call);
    if (!now.done) return { state: 'running' };
    if (now.error) return { state: 'failed', reason: [now.error.message, now.error.status && `(${now.error.status})`].filter(Boolean).join(' ') || 'no reason given' };
    const answer = now.response?.generateVideoResponse;
    const video = answer?.generatedSamples?.[0]?.video;
    const result = video && location(video, call);
    if (result) return { state: 'succeeded', result };
    // Done with no sample: the safety filters took it (raiMediaFilteredCount / Reasons).
    if (answer?.raiMediaFilteredCount || answer?.raiMediaFilteredReasons?.length) {
      return { state: 'failed', reason: answer.raiMediaFilteredReasons?.join('; ') || 'the video was filtered', moderated: true };
    }
    return { state: 'failed', reason: 'the operation finished without a video' };
  },
};

export const gemini: ProviderInfo = {
  id: 'gemini',
  name: 'Gemini API',
  origin: GEMINI_ORIGIN,
  keysUrl: 'https://aistudio.google.com/apikey',
  keyLabel: 'API key',
  authorize: ({ apiKey }) => ({ 'x-goog-api-key': apiKey }),
  adapter,
};
