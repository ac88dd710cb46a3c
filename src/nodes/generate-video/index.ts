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
 * This file is the node's data and page-side hooks; run.ts sends the work, inspect.ts asks servers.
 */
import { defineNode, param, withRun, type ParamConstraints } from '../../engine';
import { catalog, durationsAt, findModel, findRoute, lowestPerSecond, offeredModels, priceOf, routeCapabilities, withAudio } from '../../providers/catalog/catalog';
import { ASPECT_RATIOS, PROVIDER_IDS, RESOLUTIONS, type Capabilities, type CatalogModel, type Resolution, type Route } from '../../providers/catalog/schema';
import { DEFAULT_COMFYUI_SERVER, normalizeComfyuiAddress, serverList } from '../../providers/comfyui/server-address';
import { templateNote } from '../../providers/comfyui/outputs';
import { parseTemplate } from '../../providers/comfyui/template';
import { ROUTE_LABELS, unavailableReason } from '../../providers/routes';
import { serverTokenId } from '../../providers/settings';

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

export interface Choice {
  model: CatalogModel;
  route: Route;
  capabilities: Capabilities;
}

/** The model and route the params name; undefined when the catalog lacks either. */
export function choiceOf(params: { model: string; route: string }): Choice | undefined {
  const model = findModel(params.model);
  const route = model && findRoute(model, params.route);
  return model && route ? { model, route, capabilities: routeCapabilities(model, route) } : undefined;
}

export const generateVideo = defineNode({
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

  // Asked a moment after the params change: does each ComfyUI server have what the workflow needs?
  inspect: async (params, services) => (await import('./inspect')).default(params, services),


  refusal(params, wired) {
    const choice = choiceOf(params);
    if (!choice) return noRoute(params);
    return unavailableReason(choice.route.provider) ?? (wired.has('endImage') ? endFrameRefusal(choice) : undefined) ?? (wired.has('prompt') ? undefined : promptRefusal(params.prompt, choice));
  },

  // A pool of ComfyUI servers holds a limit per server itself; one server is one resource.
  resource: (params) => (params.route !== 'comfyui' ? `provider:${params.route}` : serverList(params.server).length > 1 ? undefined : `comfyui:${params.server}`),
  // The journal keeps paid work from being paid twice; only the route's own key is read (for
  // ComfyUI, the token of each server named, for a login proxy in front of it).
  services: { journal: true, settings: true, keys: routeKeys },

});

export default withRun(generateVideo, () => import('./run'));

export function noRoute(params: { model: string; route: string }): string {
  return `the model "${params.model}" has no ${ROUTE_LABELS[params.route as keyof typeof ROUTE_LABELS] ?? params.route} route in this version's catalog`;
}

export function endFrameRefusal({ model, capabilities }: Choice): string | undefined {
  return capabilities.endFrame ? undefined : `${model.name} cannot end on a given frame: disconnect the End frame input, or choose a model that can`;
}

/** A prompt the provider would refuse (Runway gen4.5 takes none empty, none over 1000 UTF-16 units) never leaves. */
export function promptRefusal(prompt: string, { model, route, capabilities }: Choice): string | undefined {
  const rule = capabilities.prompt;
  if (!rule) return undefined;
  const where = `${model.name} on ${ROUTE_LABELS[route.provider]}`;
  if (rule.required && prompt.trim() === '') return `${where} needs a prompt and refuses to run without one: write what moves and how the camera moves in Prompt, or wire a prompt in`;
  if (rule.maxLength !== undefined && prompt.length > rule.maxLength) return `${where} takes a prompt of up to ${rule.maxLength} characters; this one has ${prompt.length}: shorten it`;
  return undefined;
}

/** The keys a run of these params may read: its provider's, or each named ComfyUI server's token. */
function routeKeys(params: { route: string; server: string }): string[] {
  if (params.route !== 'comfyui') return [params.route];
  return serverList(params.server).flatMap((text) => {
    const address = normalizeComfyuiAddress(text);
    return address.ok ? [serverTokenId('comfyui', address.url)] : [];
  });
}
