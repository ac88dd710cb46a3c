/** The model catalog, checked against its schema once when first used. */
import data from './catalog.json';
import { catalogSchema, type Capabilities, type Catalog, type CatalogModel, type ProviderId, type Resolution, type Route } from './schema';

let parsed: Catalog | undefined;

export function catalog(): Catalog {
  return (parsed ??= catalogSchema.parse(data));
}

export function findModel(id: string): CatalogModel | undefined {
  return catalog().models.find((m) => m.id === id);
}

/** The models the node offers: every one but those withdrawn (which stay known, so saved workflows open). */
export function offeredModels(): CatalogModel[] {
  return catalog().models.filter((m) => !m.withdrawn);
}

export function findRoute(model: CatalogModel, provider: string): Route | undefined {
  return model.routes.find((r) => r.provider === provider);
}

/** What a model can do on one route: the model's capabilities, narrowed where the route says. */
export function routeCapabilities(model: CatalogModel, route: Route): Capabilities {
  return { ...model.capabilities, ...route.capabilities };
}

/** The durations a route makes at `resolution`: fewer than its own at some (Veo's 1080p: 8 s only). */
export function durationsAt(capabilities: Capabilities, resolution: Resolution): number[] {
  return capabilities.durationsByResolution?.at[resolution] ?? capabilities.durations;
}

/** The endpoint a route sends `resolution` to (fal's Kling v3 4K is an endpoint of its own). */
export function endpointAt(route: Route, resolution: Resolution): string {
  return route.endpointByResolution?.[resolution] ?? route.endpoint;
}

/** Dollars for `seconds` of video at `resolution` on `route`; undefined where no price is known. */
export function priceOf(route: Route, resolution: Resolution, seconds: number, audio: boolean): number | undefined {
  const perSecond = (audio ? route.price.perSecondWithAudio?.[resolution] : undefined) ?? route.price.perSecond[resolution];
  return perSecond === undefined ? undefined : perSecond * seconds;
}

/** Whether a clip on these capabilities has the model's sound (and its price): always, by choice, or never. */
export function withAudio(capabilities: Capabilities, audio: boolean): boolean {
  return capabilities.audio === 'native' || (capabilities.audio === 'optional' && audio);
}

/** The least a second of this model costs anywhere it is offered (sound off where it can be); undefined when nothing is priced. */
export function lowestPerSecond(model: CatalogModel): number | undefined {
  const prices = model.routes.flatMap((route) => {
    const capabilities = routeCapabilities(model, route);
    return capabilities.resolutions.map((res) => priceOf(route, res, 1, withAudio(capabilities, false)));
  });
  const known = prices.filter((p): p is number => p !== undefined);
  return known.length > 0 ? Math.min(...known) : undefined;
}

export type { ProviderId };
