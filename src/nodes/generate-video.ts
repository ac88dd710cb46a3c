/**
 * Generate video: a still (and optionally an end frame) to a clip on a real image-to-video
 * model, through the route the user picks (the vendor's own API, fal, Replicate, a ComfyUI
 * server). Which durations, resolutions and toggles exist follows the model and route, from the
 * catalog, per combination (a resolution may allow fewer durations); the model picker shows each
 * model's lowest price per second and speed class, the route picker each route's price at the
 * chosen settings and which is cheapest. What it costs is estimated before anything is sent,
 * and a request the provider would refuse (a combination it does not make, an image over its
 * limit, a missing prompt it requires) is refused here, naming what is allowed. The generation
 * itself is journalled (src/providers/generation.ts), so a reload resumes it instead of paying twice.
 */
import { createMedia, defineNode, NodeError, param, type ImageValue, type ParamConstraints } from '../engine';
import { probeVideo } from '../media/video/probe-video';
import { catalog, durationsAt, endpointAt, findModel, findRoute, lowestPerSecond, offeredModels, priceOf, routeCapabilities, withAudio } from '../providers/catalog/catalog';
import { ASPECT_RATIOS, PROVIDER_IDS, RESOLUTIONS, type AspectRatio, type Capabilities, type CatalogModel, type Resolution, type Route } from '../providers/catalog/schema';
import { comfyuiConnection, connectionFor, type Connection } from '../providers/connection';
import { runGeneration, type GenerationContext } from '../providers/generation';
import { workflowFor } from '../providers/adapters/comfyui';
import { poolFor, runOnPool, type PooledJob } from '../providers/comfyui/pool';
import { alternatives, lacks, modelsOf, objectInfo, serverHttp } from '../providers/comfyui/server-info';
import { DEFAULT_COMFYUI_SERVER, normalizeComfyuiAddress, serverList } from '../providers/comfyui/server-address';
import { templateNote } from '../providers/comfyui/outputs';
import { parseTemplate, type ApiWorkflow } from '../providers/comfyui/template';
import type { ImagePayload } from '../providers/protocol';
import { providerInfo, ROUTE_LABELS, unavailableReason } from '../providers/providers';
import { PROVIDER_SETTINGS, readProviderSettings, serverTokenId, type ProviderSettings } from '../providers/settings';

/** Every model the catalog knows, withdrawn ones included: a saved workflow naming one still opens. */
const MODELS = catalog().models;
const OFFERED = offeredModels().map((m) => m.id);
const DURATIONS = [...new Set(MODELS.flatMap((m) => m.capabilities.durations))].sort((a, b) => a - b);
const DEFAULT_MODEL = 'seedance-2.0-fast';

/** `$0.120/s`: prices per second differ in the third decimal between routes. */
function perSecond(usd: number): string {
  return `$${usd.toFixed(3)}/s`;
}

/** A model as the picker lists it: its name, its lowest price per second, and how fast it is. */
function modelLabel(model: CatalogModel): string {
  if (model.withdrawn) return `${model.name} (withdrawn)`;
  const lowest = lowestPerSecond(model);
  const price = lowest === undefined ? 'price unknown' : lowest === 0 ? 'no charge' : `from ${perSecond(lowest)}`;
  return `${model.name} · ${price} · ${model.speed.class}`;
}

/**
 * Each route as the route picker lists it for the chosen settings: its price per second, and
 * which is cheapest (resellers differ by up to 40% for one model).
 */
function routeLabels(model: CatalogModel, resolution: Resolution, audio: boolean): Record<string, string> {
  const quotes = model.routes.map((route) => {
    const capabilities = routeCapabilities(model, route);
    const offered = capabilities.resolutions.includes(resolution);
    return { provider: route.provider, offered, price: offered ? priceOf(route, resolution, 1, withAudio(capabilities, audio)) : undefined };
  });
  const known = quotes.map((q) => q.price).filter((p): p is number => p !== undefined);
  const cheapest = known.length > 1 ? Math.min(...known) : undefined;
  return Object.fromEntries(
    quotes.map(({ provider, offered, price }) => {
      const what = price !== undefined ? perSecond(price) + (price === cheapest ? ' · cheapest' : '') : offered ? 'price unknown' : `no ${resolutionLabel(resolution)}`;
      return [provider, `${ROUTE_LABELS[provider]} · ${what}`];
    }),
  );
}

function resolutionLabel(resolution: Resolution): string {
  return resolution === '4k' ? '4K' : resolution;
}

interface Choice {
  model: CatalogModel;
  route: Route;
  capabilities: Capabilities;
}

/** The model and route the params name; undefined when the catalog lacks either. */
function choiceOf(params: { model: string; route: string }): Choice | undefined {
  const model = findModel(params.model);
  const route = model && findRoute(model, params.route);
  return model && route ? { model, route, capabilities: routeCapabilities(model, route) } : undefined;
}

function payload(image: ImageValue): ImagePayload {
  return { blob: image.blob, mime: image.mime, width: image.width, height: image.height };
}

export default defineNode({
  type: 'generate.video',
  version: 1,
  title: 'Generate video',
  category: 'Generate',
  description:
    'Animates the image on an image-to-video model (Seedance, Kling, Veo, Wan, LTX, Hailuo, PixVerse, Runway, Luma...) with your own provider key, or on your ComfyUI server. Costs money per second of video: the estimate is shown before you run.',
  inputs: {
    image: { type: 'image', label: 'First frame' },
    endImage: { type: 'image', label: 'End frame', optional: true, description: 'For models that can end on a given frame.' },
    prompt: { type: 'text', label: 'Prompt', optional: true, description: 'Wired text replaces the Prompt field.' },
  },
  outputs: { video: { type: 'video', label: 'Video' } },
  params: {
    model: param.select({
      label: 'Model',
      default: DEFAULT_MODEL,
      description: 'Each model with the least a second of it costs on any route, and how fast it is (fast: about a minute; slow: several).',
      options: MODELS.map((m) => ({ value: m.id, label: modelLabel(m) })),
    }),
    route: param.select({
      label: 'Route',
      default: 'fal',
      description: "Who runs the model: its maker's own API, an aggregator (fal, Replicate), or your ComfyUI server, each with its price per second for these settings. Each needs its own key in Settings > Providers.",
      options: PROVIDER_IDS.map((id) => ({ value: id, label: ROUTE_LABELS[id] })),
    }),
    duration: param.select({ label: 'Duration', default: '5', options: DURATIONS.map((d) => ({ value: String(d), label: `${d} s` })) }),
    resolution: param.select({ label: 'Resolution', default: '720p', options: RESOLUTIONS.map((r) => ({ value: r, label: resolutionLabel(r) })) }),
    aspectRatio: param.select({ label: 'Aspect ratio', default: '16:9', options: ASPECT_RATIOS.map((a) => ({ value: a, label: a === 'auto' ? 'From the image' : a })) }),
    audio: param.boolean({ label: 'Sound', default: true, description: "The model's own sound, kept as the clip's audio track (may cost more)." }),
    prompt: param.text({ label: 'Prompt', default: '', multiline: true, maxLength: 4000, placeholder: 'What moves, and how the camera moves' }),
    negativePrompt: param.text({ label: 'Negative prompt', default: '', multiline: true, maxLength: 2000, placeholder: 'What to avoid' }),
    seed: param.seed({ label: 'Seed', default: 0 }),
    motion: param.number({ label: 'Motion', default: 0.5, min: 0, max: 1, step: 0.05, description: 'How much moves, for models with a motion or camera-control setting.' }),
    server: param.text({
      label: 'ComfyUI server',
      default: DEFAULT_COMFYUI_SERVER,
      placeholder: DEFAULT_COMFYUI_SERVER,
      description: 'One of the servers added in Settings > Providers > ComfyUI, or several separated by commas: each generation then goes to the one with the shortest queue that has the workflow\'s models.',
    }),
    template: param.text({
      label: 'ComfyUI workflow',
      default: '',
      multiline: true,
      maxLength: 500_000,
      placeholder: 'Empty: the Wan 2.2 template that ships. Or paste a workflow saved with Workflow > Export (API), with "{{image}}" where the photo goes; {{prompt}}, {{negative_prompt}}, {{seed}}, {{width}}, {{height}}, {{frames}}, {{fps}}, {{duration}} and {{end_image}} are optional',
    }),
  },

  constrain(params): ParamConstraints {
    const model = findModel(params.model);
    if (!model) return {};
    const notice = model.withdrawn ?? model.notice;
    const offered = { options: OFFERED, ...(model.withdrawn ? { why: `any more (${model.withdrawn.text})` } : {}), ...(notice ? { note: notice.text } : {}) };
    if (model.withdrawn) return { model: offered };
    const route = findRoute(model, params.route);
    const caps = route ? routeCapabilities(model, route) : model.capabilities;
    const resolution = params.resolution as Resolution;
    const durations = durationsAt(caps, resolution);
    const gone = model.withdrawnRoutes?.find((r) => r.provider === params.route);
    const narrowed = durations.length < caps.durations.length;
    const where = `${model.name}${route ? ` via ${ROUTE_LABELS[route.provider]}` : ''}`;
    return {
      model: offered,
      route: { options: model.routes.map((r) => r.provider), labels: routeLabels(model, resolution, params.audio), ...(gone ? { why: `for ${model.name} any more (${gone.text})`, note: gone.text } : {}) },
      duration: {
        options: durations.map(String),
        ...(narrowed ? { why: `at ${resolutionLabel(resolution)} on ${where}`, note: `At ${resolutionLabel(resolution)}, ${where} makes ${durations.map((d) => `${d} s`).join(' or ')} only` } : {}),
      },
      prompt: caps.prompt?.required ? { note: `Required by ${where}${caps.prompt.maxLength ? `, up to ${caps.prompt.maxLength} characters` : ''}` } : undefined,
      resolution: { options: caps.resolutions },
      aspectRatio: { options: caps.aspectRatios },
      audio: { hidden: caps.audio !== 'optional' },
      negativePrompt: { hidden: !caps.negativePrompt },
      seed: { hidden: !caps.seed },
      motion: { hidden: !caps.motionControl },
      server: { hidden: params.route !== 'comfyui' },
      template: { hidden: params.route !== 'comfyui', ...(params.route === 'comfyui' && params.template.trim() ? { note: templateNote(() => parseTemplate(params.template)) } : {}) },
    };
  },

  cost(params) {
    const choice = choiceOf(params);
    if (!choice) return undefined;
    const seconds = Number(params.duration);
    const resolution = params.resolution as Resolution;
    const usd = priceOf(choice.route, resolution, seconds, withAudio(choice.capabilities, params.audio));
    if (usd === undefined) return undefined;
    const { source } = choice.route.price;
    return { usd, basis: `${seconds} s of ${resolution} on ${choice.model.name} via ${ROUTE_LABELS[choice.route.provider]}: $${(usd / seconds).toFixed(3)}/s (${source.url}, ${source.checked})`, ...(source.assumption ? { assumed: true } : {}) };
  },

  // "Kling v3 · fal", on a Compare take.
  madeBy(params) {
    const choice = choiceOf(params);
    return choice && `${choice.model.name} · ${ROUTE_LABELS[choice.route.provider]}`;
  },

  // Asked a moment after the params change: does each ComfyUI server have what the workflow needs?
  async inspect(params, { settings, signal }) {
    const choice = choiceOf(params);
    if (params.route !== 'comfyui' || !choice) return {};
    let workflow: ApiWorkflow;
    try {
      workflow = workflowFor({ endpoint: endpointAt(choice.route, params.resolution as Resolution), template: params.template });
    } catch {
      return {}; // constrain's note already says what is wrong with it
    }
    const saved = readProviderSettings(await settings.get(PROVIDER_SETTINGS));
    const lines = await Promise.all(serverList(params.server).map((address) => serverCheck(address, workflow, saved, signal)));
    return { template: lines.join(' ') };
  },

  refusal(params, wired) {
    const choice = choiceOf(params);
    if (!choice) return noRoute(params);
    if (!providerInfo(choice.route.provider)) return unavailableReason(choice.route.provider);
    return (wired.has('endImage') ? endFrameRefusal(choice) : undefined) ?? (wired.has('prompt') ? undefined : promptRefusal(params.prompt, choice));
  },

  // A pool of ComfyUI servers holds a limit per server itself; one server is one resource.
  resource: (params) => (params.route !== 'comfyui' ? `provider:${params.route}` : serverList(params.server).length > 1 ? undefined : `comfyui:${params.server}`),
  // The journal keeps paid work from being paid twice; only the route's own key is read (for
  // ComfyUI, the token of each server named, for a login proxy in front of it).
  services: { journal: true, settings: true, keys: routeKeys },

  async run(ctx) {
    const { inputs, params } = ctx;
    const choice = choiceOf(params);
    if (!choice) throw new NodeError(noRoute(params));
    const { model, route, capabilities } = choice;
    const provider = providerInfo(route.provider);
    if (!provider) throw new NodeError(unavailableReason(route.provider));
    const prompt = inputs.prompt ?? params.prompt;
    const refused = (inputs.endImage ? endFrameRefusal(choice) : undefined) ?? promptRefusal(prompt, choice);
    if (refused) throw new NodeError(refused);
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
  },
});

/** What each server has, kept a little while: a big install's /object_info is megabytes, and every node on the server asks. */
const OBJECTS_FOR_MS = 30_000;
const objects = new Map<string, { at: number; info: Record<string, unknown> }>();

async function serverObjects(connection: Connection, signal: AbortSignal): Promise<Record<string, unknown>> {
  const kept = objects.get(connection.origin);
  if (kept && Date.now() - kept.at < OBJECTS_FOR_MS) return kept.info;
  const info = await objectInfo(serverHttp(connection, 10_000), signal);
  objects.set(connection.origin, { at: Date.now(), info });
  return info;
}

/** One server's answer to "can you run this workflow?", in a sentence. */
async function serverCheck(address: string, workflow: ApiWorkflow, settings: ProviderSettings, signal: AbortSignal): Promise<string> {
  const connection = await comfyuiConnection(address, settings);
  if ('error' in connection) return `${connection.error}.`;
  try {
    const info = await serverObjects(connection, signal);
    const gaps = lacks(workflow, info);
    const instead = alternatives(workflow, info);
    if (gaps.length === 0) return `ComfyUI at ${connection.origin} has every node type and model it needs.`;
    return `ComfyUI at ${connection.origin} lacks ${gaps.join(', ')}${instead.length > 0 ? ` (${instead.join('; ')})` : ''}.`;
  } catch (error) {
    if (signal.aborted) throw error;
    return `ComfyUI at ${connection.origin} could not be asked (${error instanceof Error ? error.message : String(error)}).`;
  }
}

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

function noRoute(params: { model: string; route: string }): string {
  return `the model "${params.model}" has no ${ROUTE_LABELS[params.route as keyof typeof ROUTE_LABELS] ?? params.route} route in this version's catalog`;
}

function endFrameRefusal({ model, capabilities }: Choice): string | undefined {
  return capabilities.endFrame ? undefined : `${model.name} cannot end on a given frame: disconnect the End frame input, or choose a model that can`;
}

/** A prompt the provider would refuse (Runway gen4.5 takes none empty, none over 1000 UTF-16 units) never leaves. */
function promptRefusal(prompt: string, { model, route, capabilities }: Choice): string | undefined {
  const rule = capabilities.prompt;
  if (!rule) return undefined;
  const where = `${model.name} on ${ROUTE_LABELS[route.provider]}`;
  if (rule.required && prompt.trim() === '') return `${where} needs a prompt and refuses to run without one: write what moves and how the camera moves in Prompt, or wire a prompt in`;
  if (rule.maxLength !== undefined && prompt.length > rule.maxLength) return `${where} takes a prompt of up to ${rule.maxLength} characters; this one has ${prompt.length}: shorten it`;
  return undefined;
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

/** The keys a run of these params may read: its provider's, or each named ComfyUI server's token. */
function routeKeys(params: { route: string; server: string }): string[] {
  if (params.route !== 'comfyui') return [params.route];
  return serverList(params.server).flatMap((text) => {
    const address = normalizeComfyuiAddress(text);
    return address.ok ? [serverTokenId('comfyui', address.url)] : [];
  });
}
