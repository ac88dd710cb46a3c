/**
 * Runway's developer API (runwayml/sdk-node: src/resources/image-to-video.ts, tasks.ts,
 * uploads.ts; docs.dev.runwayml.com: assets/inputs, errors/task-failures). Every request carries
 * `X-Runway-Version`; the frame size is a pixel ratio ("1280:720"), not an aspect ratio; a task
 * may wait as THROTTLED when the account is at its concurrency limit; DELETE cancels it.
 */
import { z } from 'zod';
import type { Resolution } from '../catalog/schema';
import { ProviderError } from '../errors';
import { dataUri, dataUriLength, uploadBeforeSubmit } from '../payload';
import type { GenerationRequest, ImagePayload, ProviderAdapter, ProviderCall, ProviderInfo, TaskState } from '../protocol';
import { PROVIDER_ENDPOINTS } from '../endpoints';

export const RUNWAY_VERSION = '2024-11-06';
const versioned = { 'X-Runway-Version': RUNWAY_VERSION };

/** Runway takes data URIs up to 5 MB; a larger image goes up as an ephemeral upload (docs: assets/inputs). */
export const DATA_URI_LIMIT = 5 * 1024 * 1024;

/** The frame sizes each model makes (SDK @ecb7e33b image-to-video.ts); a model not listed is offered them all. */
const GEN4 = ['1280:720', '720:1280', '1104:832', '960:960', '832:1104', '1584:672'];
const VEO = ['1280:720', '720:1280', '1080:1920', '1920:1080'];
const SEEDANCE = [
  ...['992:432', '864:496', '752:560', '640:640', '560:752', '496:864'],
  ...['1470:630', '1280:720', '1112:834', '960:960', '834:1112', '720:1280'],
  ...['2206:946', '1920:1080', '1664:1248', '1440:1440', '1248:1664', '1080:1920'],
  ...['3840:1646', '3840:2160', '3840:2880', '3840:3840', '2880:3840', '2160:3840'],
];
const RATIOS: Record<string, readonly string[]> = {
  'gen4.5': GEN4,
  gen4_turbo: GEN4,
  'veo3.1': VEO,
  'veo3.1_fast': VEO,
  veo3: VEO,
  seedance2: SEEDANCE,
  seedance2_fast: SEEDANCE,
  seedance2_mini: SEEDANCE,
  gemini_omni_flash: ['1280:720', '720:1280'],
};
const ALL_RATIOS = [...new Set(Object.values(RATIOS).flat())];

/** Models whose sound is a switch (`audio`, SDK image-to-video.ts); the others have no such field, so it is not sent. */
const AUDIO_SWITCH = new Set(['veo3.1', 'veo3.1_fast', 'seedance2', 'seedance2_fast', 'seedance2_mini']);

const SHORT_SIDE: Record<Resolution, number> = { '480p': 480, '540p': 540, '720p': 720, '768p': 768, '1080p': 1080, '1440p': 1440, '4k': 2160 };

const created = z.object({ id: z.string().min(1) });
const upload = z.object({ uploadUrl: z.string().min(1), fields: z.record(z.string(), z.string()), runwayUri: z.string().min(1) });
const task = z.discriminatedUnion('status', [
  z.object({ status: z.literal('PENDING') }),
  z.object({ status: z.literal('THROTTLED') }),
  z.object({ status: z.literal('RUNNING'), progress: z.number().min(0).max(1).nullish() }),
  z.object({ status: z.literal('SUCCEEDED'), output: z.array(z.string().min(1)).min(1) }),
  z.object({ status: z.literal('FAILED'), failure: z.string().nullish(), failureCode: z.string().nullish() }),
  z.object({ status: z.literal('CANCELLED') }),
]);

/**
 * The pixel ratio for the asked aspect (or, for `auto`, the image's own shape), at the size
 * nearest the asked resolution, among those the model makes.
 */
export function runwayRatio(request: Pick<GenerationRequest, 'endpoint' | 'aspectRatio' | 'resolution' | 'image'>): string {
  const offered = RATIOS[request.endpoint] ?? ALL_RATIOS;
  const [aw, ah] = request.aspectRatio === 'auto' ? [request.image.width, request.image.height] : request.aspectRatio.split(':').map(Number);
  const target = Math.log(aw! / ah!);
  const shape = (r: string) => {
    const [w, h] = r.split(':').map(Number);
    return { r, off: Math.abs(Math.log(w! / h!) - target), short: Math.min(w!, h!) };
  };
  const shapes = offered.map(shape);
  const best = Math.min(...shapes.map((s) => s.off));
  // 3% covers 1104:832 for 4:3 and 1584:672 for 21:9: Runway's sizes are rounded, not exact aspects.
  if (request.aspectRatio !== 'auto' && best > 0.03) {
    throw new ProviderError('invalid', `Runway's ${request.endpoint} makes no ${request.aspectRatio} video; it makes ${offered.join(', ')}`);
  }
  const want = SHORT_SIDE[request.resolution];
  // Within 3% of the closest shape, the size nearest the resolution wins (Seedance's 480p 16:9 is 864:496).
  const fits = shapes.filter((s) => s.off <= best + 0.03).sort((a, b) => Math.abs(a.short - want) - Math.abs(b.short - want) || a.off - b.off);
  return fits[0]!.r;
}

/** A data URI where Runway takes one, else a `runway://` URI from an ephemeral upload. */
async function imageUri(image: ImagePayload, call: ProviderCall): Promise<string> {
  return dataUriLength(image) <= DATA_URI_LIMIT ? dataUri(image) : uploadBeforeSubmit('the image', ephemeralUpload(image, call));
}

/** The SDK's uploads.createEphemeral: a slot from Runway, then a presigned multipart POST to its storage host. */
async function ephemeralUpload(image: ImagePayload, { http, signal }: ProviderCall): Promise<string> {
  const filename = `image.${image.mime.split('/')[1]?.replace('jpeg', 'jpg') ?? 'png'}`;
  const slot = await http.json('POST', 'v1/uploads', upload, { body: { filename, type: 'ephemeral' }, signal, headers: versioned });
  const form = new FormData();
  for (const [name, value] of Object.entries(slot.fields)) form.append(name, value);
  form.append('file', image.blob, filename);
  // The upload URL is on the storage host, so ProviderHttp sends it no key.
  await http.send('POST', slot.uploadUrl, { form, signal });
  return slot.runwayUri;
}

async function body(request: GenerationRequest, call: ProviderCall): Promise<Record<string, unknown>> {
  const first = await imageUri(request.image, call);
  const promptImage = request.endImage
    ? [
        { uri: first, position: 'first' },
        { uri: await imageUri(request.endImage, call), position: 'last' },
      ]
    : first;
  return {
    model: request.endpoint,
    promptImage,
    ratio: runwayRatio(request),
    duration: request.seconds,
    ...(request.prompt ? { promptText: request.prompt } : {}),
    ...(request.seed === undefined ? {} : { seed: request.seed }),
    ...(request.negativePrompt ? { negativePrompt: request.negativePrompt } : {}),
    ...(AUDIO_SWITCH.has(request.endpoint) ? { audio: request.audio } : {}),
  };
}

const adapter: ProviderAdapter = {
  async submit(request, call) {
    const answer = await call.http.json('POST', 'v1/image_to_video', created, { body: await body(request, call), signal: call.signal, headers: versioned });
    return { id: answer.id };
  },

  async poll(submitted, { http, signal }): Promise<TaskState> {
    const now = await http.json('GET', `v1/tasks/${encodeURIComponent(submitted.id)}`, task, { signal, headers: versioned });
    switch (now.status) {
      case 'PENDING':
      case 'THROTTLED': // waiting for a free slot under the account's concurrency limit
        return { state: 'queued' };
      case 'RUNNING':
        return { state: 'running', ...(now.progress == null ? {} : { fraction: now.progress }) };
      case 'SUCCEEDED':
        return { state: 'succeeded', result: { url: now.output[0]! } };
      case 'FAILED': {
        const code = now.failureCode ?? '';
        const reason = [now.failure, code && `(${code})`].filter(Boolean).join(' ') || 'no reason given';
        // SAFETY.INPUT.* / SAFETY.OUTPUT.*: content moderation (docs: errors/task-failures).
        return { state: 'failed', reason, ...(code.startsWith('SAFETY.') ? { moderated: true } : {}) };
      }
      case 'CANCELLED':
        return { state: 'cancelled' };
    }
  },

  async cancel(submitted, { http, signal }) {
    await http.send('DELETE', `v1/tasks/${encodeURIComponent(submitted.id)}`, { signal, headers: versioned });
  },
};

export const runway: ProviderInfo = {
  id: 'runway',
  name: 'Runway',
  origin: PROVIDER_ENDPOINTS.runway.keyed[0]!,
  keysUrl: 'https://dev.runwayml.com/',
  keyLabel: 'API key',
  authorize: ({ apiKey }) => ({ Authorization: `Bearer ${apiKey}` }),
  adapter,
};
