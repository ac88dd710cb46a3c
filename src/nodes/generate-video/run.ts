/** Generate video's run: the request built from the catalog, sent through the journalled generation (or a ComfyUI pool), the result probed. */
import { createMedia, NodeError, nodeRun, type ImageValue } from '../../engine';
import { probeVideo } from '../../media/video/probe-video';
import { endpointAt, priceOf, withAudio } from '../../providers/catalog/catalog';
import type { AspectRatio, CatalogModel, Resolution, Route } from '../../providers/catalog/schema';
import { workflowFor } from '../../providers/adapters/comfyui';
import { poolFor, runOnPool, type PooledJob } from '../../providers/comfyui/pool';
import { modelsOf } from '../../providers/comfyui/server-info';
import { serverList } from '../../providers/comfyui/server-address';
import { comfyuiConnection, connectionFor } from '../../providers/connection';
import { runGeneration, type GenerationContext } from '../../providers/generation';
import type { ImagePayload } from '../../providers/protocol';
import { providerInfo } from '../../providers/providers';
import { ROUTE_LABELS, unavailableReason } from '../../providers/routes';
import { PROVIDER_SETTINGS, readProviderSettings, type ProviderSettings } from '../../providers/settings';
import { choiceOf, endFrameRefusal, noRoute, promptRefusal, type generateVideo } from '.';

export default nodeRun<typeof generateVideo>(async (ctx) => {
  const { inputs, params } = ctx;
  const choice = choiceOf(params);
  if (!choice) throw new NodeError(noRoute(params));
  const { model, route, capabilities } = choice;
  const prompt = inputs.prompt ?? params.prompt;
  const refused = unavailableReason(route.provider) ?? (inputs.endImage ? endFrameRefusal(choice) : undefined) ?? promptRefusal(prompt, choice);
  if (refused) throw new NodeError(refused);
  // Every route not refused above has an adapter (a test holds the two lists to it).
  const provider = providerInfo(route.provider);
  if (!provider) throw new Error(`no adapter for the ${route.provider} route`);
  checkImageSize(route, model, { 'first frame': inputs.image, 'end frame': inputs.endImage });

  const settings = readProviderSettings(await ctx.settings.get(PROVIDER_SETTINGS));
  const pooled = route.provider === 'comfyui' && serverList(params.server).length > 1;
  const connection = pooled ? undefined : route.provider === 'comfyui' ? await comfyuiConnection(params.server, settings) : await connectionFor(provider, settings);
  if (connection && 'error' in connection) throw new NodeError(connection.error);
  const seconds = Number(params.duration);
  const audio = withAudio(capabilities, params.audio);
  const resolution = params.resolution as Resolution;
  const negativePrompt = capabilities.negativePrompt && params.negativePrompt.trim() ? params.negativePrompt : undefined;
  const costUsd = priceOf(route, resolution, seconds, audio);

  const job: PooledJob = {
    provider,
    model: model.id,
    timing: settings.timing,
    ...(costUsd === undefined ? {} : { costUsd }),
    request: {
      endpoint: endpointAt(route, resolution),
      ...(route.fields ? { fields: route.fields } : {}),
      image: payload(inputs.image),
      ...(inputs.endImage ? { endImage: payload(inputs.endImage) } : {}),
      prompt,
      ...(negativePrompt ? { negativePrompt } : {}),
      ...(capabilities.seed ? { seed: params.seed } : {}),
      ...(capabilities.motionControl ? { motion: params.motion } : {}),
      seconds,
      resolution,
      aspectRatio: params.aspectRatio as AspectRatio,
      audio,
      ...(route.provider === 'comfyui' && params.template.trim() ? { template: params.template } : {}),
    },
  };
  const blob = connection ? await runGeneration(ctx, { ...job, ...connection }) : await runOnServers(ctx, job, params.server, settings);
  const { codec: _codec, audioCodec: _audioCodec, ...facts } = await probeVideo(blob).catch((error: unknown) => {
    throw new NodeError(`${provider.name} sent a video that cannot be read (${error instanceof Error ? error.message : String(error)}); it is kept in your files`);
  });
  return { video: await createMedia('video', blob, facts) };
});

/** A generation on several ComfyUI servers as one pool: each must be one the user added. */
async function runOnServers(ctx: GenerationContext, job: PooledJob, field: string, settings: ProviderSettings): Promise<Blob> {
  const servers = await Promise.all(
    serverList(field).map(async (address) => {
      const connection = await comfyuiConnection(address, settings);
      if ('error' in connection) throw new NodeError(connection.error);
      return { url: connection.origin, connection };
    }),
  );
  return runOnPool(ctx, job, poolFor(servers), modelsOf(workflowFor(job.request)));
}

function payload(image: ImageValue): ImagePayload {
  return { blob: image.blob, mime: image.mime, width: image.width, height: image.height };
}

/** An image over what the endpoint takes (Veo on fal: 8 MB) is refused before anything is sent. */
function checkImageSize(route: Route, model: CatalogModel, images: Record<string, ImageValue | undefined>): void {
  const limit = route.limits?.imageBytes;
  if (limit === undefined) return;
  const mb = (bytes: number) => `${(bytes / 1_000_000).toFixed(1)} MB`;
  for (const [name, image] of Object.entries(images)) {
    if (image && image.blob.size > limit) {
      throw new NodeError(`${model.name} on ${ROUTE_LABELS[route.provider]} takes images up to ${mb(limit)}; the ${name} is ${mb(image.blob.size)}: use a smaller image (a JPEG, or a smaller size in Image input)`);
    }
  }
}

