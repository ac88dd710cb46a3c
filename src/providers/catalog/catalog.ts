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

export function findRoute(model: CatalogModel, provider: string): Route | undefined {
  return model.routes.find((r) => r.provider === provider);
}

/** What a model can do on one route: the model's capabilities, narrowed where the route says. */
export function routeCapabilities(model: CatalogModel, route: Route): Capabilities {
  return { ...model.capabilities, ...route.capabilities };
}

/** Dollars for `seconds` of video at `resolution` on `route`; undefined where no price is known. */
export function priceOf(route: Route, resolution: Resolution, seconds: number, audio: boolean): number | undefined {
  const perSecond = (audio ? route.price.perSecondWithAudio?.[resolution] : undefined) ?? route.price.perSecond[resolution];
  return perSecond === undefined ? undefined : perSecond * seconds;
}

export type { ProviderId };
