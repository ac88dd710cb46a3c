import { describe, expect, it } from 'vitest';
import { KLING_MODES } from '../../src/providers/adapters/kling';
import { catalog, durationsAt, endpointAt, findModel, findRoute, lowestPerSecond, offeredModels, priceOf, routeCapabilities } from '../../src/providers/catalog/catalog';
import { catalogSchema, sourceSchema, type Capabilities, type CatalogModel, type Route } from '../../src/providers/catalog/schema';
import data from '../../src/providers/catalog/catalog.json';
import { PROVIDER_IDS } from '../../src/providers/catalog/schema';
import { providerInfo } from '../../src/providers/providers';
import { unavailableReason } from '../../src/providers/routes';

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
  return offeredModels().flatMap((model) =>
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
  it('knows of every route either that it drives (an adapter) or why it cannot, never both', () => {
    for (const id of PROVIDER_IDS) expect([id, Boolean(providerInfo(id))]).toEqual([id, unavailableReason(id) === undefined]);
  });

  it('parses against its schema', () => {
    expect(() => catalog()).not.toThrow();
    expect(catalogSchema.safeParse(data).success).toBe(true);
    expect(catalog().version).toBe(1);
  });

  it('has every model the issue requires, each with a route or a reason it was withdrawn', () => {
    const missing = REQUIRED_MODELS.filter((id) => !findModel(id));
    expect(missing, `missing models: ${missing.join(', ')}`).toEqual([]);
    for (const id of REQUIRED_MODELS) {
      const model = findModel(id)!;
      if (model.withdrawn) expect(model.routes, id).toEqual([]);
      else expect(model.routes.length, id).toBeGreaterThan(0);
    }
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

  it('cites a dated source for every price, capability, limit, speed and notice', () => {
    const sources: { at: string; source: unknown }[] = [];
    const walk = (value: unknown, at: string) => {
      if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${at}[${i}]`));
      else if (typeof value === 'object' && value !== null) {
        for (const [key, v] of Object.entries(value)) (key === 'source' ? sources.push({ at, source: v }) : walk(v, `${at}.${key}`));
      }
    };
    walk(data, 'catalog');
    // Each model's capabilities and speed, and each route's price, at least.
    expect(sources.length).toBeGreaterThan(catalog().models.length * 3);
    for (const { at, source } of sources) {
      const parsed = sourceSchema.safeParse(source);
      expect(parsed.success, at).toBe(true);
      expect(parsed.data!.checked >= '2026-11-24' && parsed.data!.checked <= '2026-12-04', at).toBe(true);
    }
    for (const model of catalog().models) {
      expect(model.speed.source, model.id).toBeDefined();
      for (const route of model.routes) expect(route.price.source, `${model.id}/${route.provider}`).toBeDefined();
    }
  });

  it('states constraints per combination that only narrow, at resolutions the model makes', () => {
    for (const { model, route, label } of allRoutes()) {
      const caps = routeCapabilities(model, route);
      for (const [res, durations] of Object.entries(caps.durationsByResolution?.at ?? {})) {
        expect(model.capabilities.resolutions as string[], `${label}: rule for ${res}, which the model does not make`).toContain(res);
        expect(durations.filter((d) => !caps.durations.includes(d)), `${label} at ${res}`).toEqual([]);
      }
    }
  });

  it('makes Veo 3.1, Fast and Lite on the Gemini API at 1080p and 4k only in 8 s, and at 720p in 4, 6 or 8', () => {
    for (const id of ['veo-3.1', 'veo-3.1-fast', 'veo-3.1-lite']) {
      const model = findModel(id)!;
      const caps = routeCapabilities(model, findRoute(model, 'gemini')!);
      expect(durationsAt(caps, '720p'), id).toEqual([4, 6, 8]);
      for (const res of caps.resolutions.filter((r) => r !== '720p')) expect(durationsAt(caps, res), `${id} at ${res}`).toEqual([8]);
    }
  });

  it('makes Hailuo 2.3 at 1080p only in 6 s (10 s only at 768p), and PixVerse v5 at 1080p only in 5 s, on every route', () => {
    const hailuo = findModel('hailuo-2.3')!;
    for (const route of hailuo.routes) {
      const caps = routeCapabilities(hailuo, route);
      expect(durationsAt(caps, '768p'), route.provider).toEqual([6, 10]);
      if (caps.resolutions.includes('1080p')) expect(durationsAt(caps, '1080p'), route.provider).toEqual([6]);
    }
    const pixverse = findModel('pixverse-v5')!;
    for (const route of pixverse.routes) expect(durationsAt(routeCapabilities(pixverse, route), '1080p'), route.provider).toEqual([5]);
    expect(durationsAt(findModel('pixverse-v6')!.capabilities, '1080p')).toContain(15);
  });

  it("never offers, or prices, a Kling resolution Kling's own API has no mode for; Kling v3 4K goes through fal's 4K endpoint", () => {
    for (const { model, route, label } of allRoutes().filter(({ route }) => route.provider === 'kling')) {
      const caps = routeCapabilities(model, route);
      for (const res of caps.resolutions) expect(KLING_MODES[res], `${label} at ${res}`).toBeDefined();
      for (const res of Object.keys({ ...route.price.perSecond, ...route.price.perSecondWithAudio })) expect(caps.resolutions as string[], `${label}: priced ${res}`).toContain(res);
    }
    const kling = findModel('kling-v3')!;
    const fal = findRoute(kling, 'fal')!;
    expect(endpointAt(fal, '4k')).toBe('fal-ai/kling-video/v3/4k/image-to-video');
    expect(endpointAt(fal, '1080p')).toBe('fal-ai/kling-video/v3/pro/image-to-video');
    expect(priceOf(fal, '4k', 5, true)).toBeCloseTo(2.1);
  });

  it('sends each resolution-specific endpoint only resolutions the route offers and prices', () => {
    for (const { model, route, label } of allRoutes()) {
      for (const res of Object.keys(route.endpointByResolution ?? {})) {
        expect(routeCapabilities(model, route).resolutions as string[], label).toContain(res);
        expect(route.price.perSecond[res as keyof typeof route.price.perSecond], label).toBeDefined();
      }
    }
  });

  it('withdraws Kling v2.6 Motion Control (it needs a reference video), and says why', () => {
    const motion = findModel('kling-v2.6-motion-control')!;
    expect(motion.withdrawn?.text).toMatch(/reference video/);
    expect(motion.routes).toEqual([]);
    expect(offeredModels().map((m) => m.id)).not.toContain(motion.id);
  });

  it("notes Kling v2.1 Master's retirement on Kling's own API, whose route is gone", () => {
    const master = findModel('kling-v2.1-master')!;
    expect(findRoute(master, 'kling')).toBeUndefined();
    expect(master.withdrawnRoutes?.[0]).toMatchObject({ provider: 'kling', text: expect.stringMatching(/2026-09-15/) });
    expect(master.notice?.text).toMatch(/Retired on Kling's own API on 2026-09-15/);
  });

  it('requires a prompt for Runway gen4.5, up to 1000 characters', () => {
    expect(findModel('runway-gen-4.5')!.capabilities.prompt).toMatchObject({ required: true, maxLength: 1000 });
  });

  it('prices Veo 3.1 Fast on the Gemini API with its sound, which that route always makes, below fal for the same clip', () => {
    const veo = findModel('veo-3.1-fast')!;
    const gemini = findRoute(veo, 'gemini')!;
    expect(routeCapabilities(veo, gemini).audio).toBe('native');
    expect(priceOf(gemini, '1080p', 8, true)).toBeCloseTo(0.96);
    expect(priceOf(gemini, '4k', 8, true)).toBeCloseTo(2.4);
    expect(priceOf(findRoute(veo, 'fal')!, '1080p', 8, true)).toBeCloseTo(1.2);
    expect(gemini.price.source.assumption).toMatch(/Rechecked/);
  });

  it('limits images to 8 MB for Veo on fal, checked before sending', () => {
    for (const id of ['veo-3.1', 'veo-3.1-fast']) expect(findRoute(findModel(id)!, 'fal')!.limits?.imageBytes, id).toBe(8_000_000);
  });

  it('gives every model a speed class and a lowest price per second', () => {
    for (const model of offeredModels()) {
      expect(['fast', 'standard', 'slow'], model.id).toContain(model.speed.class);
      expect(lowestPerSecond(model), model.id).toBeDefined();
    }
    expect(lowestPerSecond(findModel('veo-3.1-fast')!)).toBeCloseTo(0.1);
  });

  it('says which newer models were looked at and are not offered yet, and why', () => {
    expect(catalog().notYetOffered.map((n) => n.name)).toContain('Kling 4.0 (and 4.0 Flash)');
  });

  it('prices a clip from the per-second figures', () => {
    const veo = findModel('veo-3.1')!;
    const fal = veo.routes.find((r) => r.provider === 'fal')!;
    expect(priceOf(fal, '1080p', 8, false)).toBeCloseTo(1.6);
    expect(priceOf(fal, '1080p', 8, true)).toBeCloseTo(3.2);
    expect(priceOf(fal, '480p', 8, false)).toBeUndefined();
  });
});
