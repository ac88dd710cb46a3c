import { describe, expect, it } from 'vitest';
import { catalog, findModel, priceOf, routeCapabilities } from '../../src/providers/catalog/catalog';
import { catalogSchema, type Capabilities, type CatalogModel, type Route } from '../../src/providers/catalog/schema';
import data from '../../src/providers/catalog/catalog.json';

/** The models issue #8 asks for, by catalog id. */
const REQUIRED_MODELS = [
  'seedance-2.0',
  'seedance-2.0-fast',
  'kling-v3',
  'kling-v2.6-motion-control',
  'kling-v2.1-master',
  'veo-3.1',
  'veo-3.1-fast',
  'veo-3.1-lite',
  'wan-2.7',
  'wan-2.6',
  'wan-2.5-i2v',
  'ltx-2.3-pro',
  'hailuo-2.3',
  'pixverse-v5',
  'pixverse-v6',
  'runway-gen-4.5',
  'luma-ray-2',
  'wan-2.2-i2v',
] as const;

const AGGREGATORS = new Set(['fal', 'replicate']);

function allRoutes(): { model: CatalogModel; route: Route; label: string }[] {
  return catalog().models.flatMap((model) =>
    model.routes.map((route) => ({ model, route, label: `${model.id} via ${route.provider} (${route.endpoint})` })),
  );
}

function subset<T>(inner: readonly T[], outer: readonly T[]): T[] {
  return inner.filter((x) => !outer.includes(x));
}

/** Where a route's own capabilities claim more than the model's; empty when it only narrows. */
function widenings(model: Capabilities, route: Partial<Capabilities>): string[] {
  const out: string[] = [];
  if (route.durations) {
    const extra = subset(route.durations, model.durations);
    if (extra.length) out.push(`durations ${extra.join(', ')}`);
  }
  if (route.resolutions) {
    const extra = subset(route.resolutions, model.resolutions);
    if (extra.length) out.push(`resolutions ${extra.join(', ')}`);
  }
  if (route.aspectRatios) {
    const extra = subset(route.aspectRatios, model.aspectRatios);
    if (extra.length) out.push(`aspect ratios ${extra.join(', ')}`);
  }
  for (const flag of ['endFrame', 'negativePrompt', 'seed', 'motionControl'] as const) {
    if (route[flag] === true && !model[flag]) out.push(flag);
  }
  if (route.audio !== undefined && route.audio !== model.audio) {
    // A route may drop the toggle (always on, or silent) but never add sound the model lacks.
    const narrows = route.audio === 'none' || (model.audio === 'optional' && route.audio === 'native');
    if (!narrows) out.push(`audio ${model.audio} -> ${route.audio}`);
  }
  return out;
}

describe('model catalog', () => {
  it('parses against its schema', () => {
    expect(() => catalog()).not.toThrow();
    expect(catalogSchema.safeParse(data).success).toBe(true);
    expect(catalog().version).toBe(1);
  });

  it('has every model the issue requires, each with at least one route', () => {
    const missing = REQUIRED_MODELS.filter((id) => !findModel(id));
    expect(missing, `missing models: ${missing.join(', ')}`).toEqual([]);
    for (const id of REQUIRED_MODELS) expect(findModel(id)?.routes.length ?? 0, id).toBeGreaterThan(0);
  });

  it('has unique model ids, and one route per provider within a model', () => {
    const ids = catalog().models.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const model of catalog().models) {
      const providers = model.routes.map((r) => r.provider);
      expect(new Set(providers).size, `${model.id} has two routes on one provider`).toBe(providers.length);
    }
  });

  it('lets routes narrow, never widen, the model capabilities', () => {
    const widened = allRoutes()
      .filter(({ route }) => route.capabilities)
      .map(({ model, route, label }) => ({ label, what: widenings(model.capabilities, route.capabilities ?? {}) }))
      .filter((w) => w.what.length > 0)
      .map((w) => `${w.label}: ${w.what.join('; ')}`);
    expect(widened).toEqual([]);
  });

  it('prices every resolution a route offers', () => {
    const gaps = allRoutes().flatMap(({ model, route, label }) =>
      routeCapabilities(model, route)
        .resolutions.filter((res) => route.price.perSecond[res] === undefined)
        .map((res) => `${label}: no price at ${res}`),
    );
    expect(gaps).toEqual([]);
  });

  it('prices audio only at resolutions the route offers, and never below the silent price', () => {
    const problems = allRoutes().flatMap(({ model, route, label }) => {
      const offered = routeCapabilities(model, route).resolutions;
      return Object.entries(route.price.perSecondWithAudio ?? {}).flatMap(([res, withAudio]) => {
        const silent = route.price.perSecond[res as keyof typeof route.price.perSecond];
        if (!offered.includes(res as (typeof offered)[number])) return [`${label}: audio price at unoffered ${res}`];
        if (silent !== undefined && withAudio !== undefined && withAudio < silent) return [`${label}: audio cheaper at ${res}`];
        return [];
      });
    });
    expect(problems).toEqual([]);
  });

  it('gives fal and Replicate routes the field names of their endpoint schema', () => {
    const missing = allRoutes()
      .filter(({ route }) => AGGREGATORS.has(route.provider))
      .filter(({ route }) => !route.fields || route.fields.image.length === 0)
      .map(({ label }) => label);
    expect(missing).toEqual([]);
    for (const { model, route, label } of allRoutes()) {
      if (!route.fields) continue;
      const caps = routeCapabilities(model, route);
      // A field map that names an input the route cannot use would send something the model ignores or rejects.
      if (route.fields.endImage) expect(caps.endFrame, `${label}: endImage field but no end frame`).toBe(true);
      if (route.fields.negativePrompt) expect(caps.negativePrompt, `${label}: negativePrompt field`).toBe(true);
      if (route.fields.seed) expect(caps.seed, `${label}: seed field`).toBe(true);
      if (route.fields.audio) expect(caps.audio, `${label}: audio field on a silent route`).not.toBe('none');
      for (const res of Object.keys(route.fields.resolution?.values ?? {})) {
        expect(caps.resolutions as string[], `${label}: resolution value for unoffered ${res}`).toContain(res);
      }
    }
  });

  it('uses fal endpoint ids and Replicate owner/name ids', () => {
    for (const { route, label } of allRoutes()) {
      if (route.provider === 'replicate') expect(route.endpoint, label).toMatch(/^[\w.-]+\/[\w.-]+$/);
      if (route.provider === 'fal') expect(route.endpoint.split('/').length, label).toBeGreaterThanOrEqual(3);
    }
  });

  it('runs the open-weights Wan 2.2 on ComfyUI at no charge', () => {
    const wan = findModel('wan-2.2-i2v');
    const route = wan?.routes.find((r) => r.provider === 'comfyui');
    expect(route?.endpoint).toBe('wan2.2-i2v');
    for (const res of wan ? routeCapabilities(wan, route!).resolutions : []) expect(route?.price.perSecond[res]).toBe(0);
    expect(route?.price.source.assumption).toMatch(/your own ComfyUI server/);
  });

  it('cites a dated source for every price and capability', () => {
    for (const model of catalog().models) {
      expect(model.capabilities.source.checked, model.id).toBe('2026-11-24');
      for (const route of model.routes) expect(route.price.source.checked, `${model.id}/${route.provider}`).toBe('2026-11-24');
    }
  });

  it('prices a clip from the per-second figures', () => {
    const veo = findModel('veo-3.1')!;
    const fal = veo.routes.find((r) => r.provider === 'fal')!;
    expect(priceOf(fal, '1080p', 8, false)).toBeCloseTo(1.6);
    expect(priceOf(fal, '1080p', 8, true)).toBeCloseTo(3.2);
    expect(priceOf(fal, '480p', 8, false)).toBeUndefined();
  });
});
