/**
 * Lightricks' LTX API (docs.ltx.video: quickstart, errors, api-reference submit-image-to-video):
 * `POST /v1/image-to-video` is synchronous, and its 200 answer is the MP4 itself, sound
 * included (`generate_audio`). There is no task, so nothing to poll, cancel or recover; the
 * request stays open for the whole generation. Errors are `{type:"error", error:{type, message}}`:
 * 422 `content_filtered_error` is the content filter, 500 `api_error` a generation that failed.
 * That `image_uri` takes a data: URI as well as an https URL is an assumption (the docs name a
 * URL; LTX's input-formats page was not read).
 */
import type { AspectRatio, Resolution } from '../catalog/schema';
import { ProviderError } from '../errors';
import { dataUri } from '../payload';
import type { GenerationRequest, ImagePayload, ProviderAdapter, ProviderInfo } from '../protocol';
import { PROVIDER_ENDPOINTS } from '../endpoints';

/** The short side of each resolution LTX makes; the long side is 16:9 of it. */
const SHORT_SIDE: Partial<Record<Resolution, number>> = { '720p': 720, '1080p': 1080, '1440p': 1440, '4k': 2160 };

/** `1080p` at 16:9 -> `1920x1080`; LTX names sizes in pixels, landscape or portrait. */
export function ltxResolution(resolution: Resolution, aspectRatio: AspectRatio, image: ImagePayload): string {
  const short = SHORT_SIDE[resolution];
  if (short === undefined) throw new ProviderError('invalid', `LTX makes 720p, 1080p, 1440p or 4k video, not ${resolution}`);
  const portrait = aspectRatio === '9:16' || (aspectRatio === 'auto' && image.height > image.width);
  if (aspectRatio !== '16:9' && aspectRatio !== '9:16' && aspectRatio !== 'auto') throw new ProviderError('invalid', `LTX makes 16:9 or 9:16 video, not ${aspectRatio}`);
  const long = Math.round((short * 16) / 9);
  return portrait ? `${short}x${long}` : `${long}x${short}`;
}

async function body(request: GenerationRequest): Promise<Record<string, unknown>> {
  return {
    image_uri: await dataUri(request.image),
    ...(request.endImage ? { last_frame_uri: await dataUri(request.endImage) } : {}),
    prompt: request.prompt,
    model: request.endpoint,
    duration: request.seconds,
    resolution: ltxResolution(request.resolution, request.aspectRatio, request.image),
    generate_audio: request.audio,
  };
}

/** The answer's bytes; a transfer cut short is a video made (and paid for) but not received. */
async function video(response: Response, signal: AbortSignal): Promise<Blob> {
  try {
    return await response.blob();
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw new ProviderError('malformed', `LTX made the video, but its transfer broke off (${error instanceof Error ? error.message : String(error)})`);
  }
}

const adapter: ProviderAdapter = {
  async submit(request, { http, signal }) {
    try {
      const response = await http.send('POST', 'v1/image-to-video', { body: await body(request), signal });
      return { done: await video(response, signal) };
    } catch (error) {
      // The generation happens inside this request, so its failures arrive as its errors.
      const said = error instanceof ProviderError ? (error.details.said ?? 'no reason given') : '';
      if (error instanceof ProviderError && error.details.status === 422) throw new ProviderError('moderated', `LTX refused it under its content rules (HTTP 422): ${said}`, error.details);
      if (error instanceof ProviderError && error.details.status === 500) throw new ProviderError('failed', `LTX could not make the video (HTTP 500): ${said}`, error.details);
      throw error;
    }
  },

  poll() {
    // Never called: submit answers with the video (`synchronous` below).
    return Promise.reject(new ProviderError('invalid', 'LTX has no tasks to poll: its request returns the video'));
  },
};

export const ltx: ProviderInfo = {
  id: 'ltx',
  name: 'LTX',
  origin: PROVIDER_ENDPOINTS.ltx.keyed[0]!,
  keysUrl: 'https://console.ltx.video/',
  keyLabel: 'API key',
  synchronous: true,
  authorize: ({ apiKey }) => ({ Authorization: `Bearer ${apiKey}` }),
  adapter,
};
