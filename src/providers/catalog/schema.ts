/**
 * The model catalog's shape. The catalog is data (catalog.json): each model, what it can do,
 * and the routes (provider APIs) that serve it with their prices. Every price and capability
 * cites where it came from, and says so where it is an assumption.
 */
import { z } from 'zod';

export const PROVIDER_IDS = ['fal', 'replicate', 'gemini', 'runway', 'kling', 'byteplus', 'minimax', 'luma', 'ltx', 'pixverse', 'comfyui'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

export const RESOLUTIONS = ['480p', '540p', '720p', '768p', '1080p', '1440p', '4k'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export const ASPECT_RATIOS = ['16:9', '9:16', '1:1', '4:3', '3:4', '21:9', 'auto'] as const;
export type AspectRatio = (typeof ASPECT_RATIOS)[number];

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');

export const sourceSchema = z.object({
  url: z.url(),
  /** When the figure was read there. */
  checked: day,
  /** Present when the figure is not read from the source as is: what was assumed, and why. */
  assumption: z.string().min(1).optional(),
});
export type Source = z.infer<typeof sourceSchema>;

const perResolution = z.partialRecord(z.enum(RESOLUTIONS), z.number().nonnegative());

export const priceSchema = z.object({
  /** US dollars per second of video, by output resolution. */
  perSecond: perResolution.refine((p) => Object.keys(p).length > 0, 'expected a price for at least one resolution'),
  /** Per second when the model's own audio is on, where that costs differently. */
  perSecondWithAudio: perResolution.optional(),
  source: sourceSchema,
});
export type Price = z.infer<typeof priceSchema>;

/** Durations that depend on the resolution: the provider refuses the others at that resolution. */
export const durationRuleSchema = z.object({
  /** The seconds each listed resolution allows, fewer than `durations`; a resolution not listed allows them all. */
  at: z.partialRecord(z.enum(RESOLUTIONS), z.array(z.number().positive()).min(1)),
  source: sourceSchema,
});
export type DurationRule = z.infer<typeof durationRuleSchema>;

export const capabilitiesSchema = z.object({
  /** Seconds of video the model can make, each a choice the user gets. */
  durations: z.array(z.number().positive()).min(1),
  /** Constraints per combination: fewer durations at some resolutions (Veo 1080p and 4k: 8 s only). */
  durationsByResolution: durationRuleSchema.optional(),
  resolutions: z.array(z.enum(RESOLUTIONS)).min(1),
  aspectRatios: z.array(z.enum(ASPECT_RATIOS)).min(1),
  endFrame: z.boolean(),
  /** `native`: the clip always has the model's sound; `optional`: a toggle; `none`: silent. */
  audio: z.enum(['none', 'optional', 'native']),
  negativePrompt: z.boolean(),
  seed: z.boolean(),
  /** Takes a motion strength or camera-control setting. */
  motionControl: z.boolean(),
  /** What the prompt must be, where the provider refuses some (Runway gen4.5: required, 1000 UTF-16 units). */
  prompt: z.object({ required: z.boolean(), maxLength: z.number().int().positive().optional(), source: sourceSchema }).optional(),
  source: sourceSchema,
});
export type Capabilities = z.infer<typeof capabilitiesSchema>;

/**
 * How an aggregator's endpoint names its inputs (fal and Replicate pass each model's own input
 * schema through). Absent fields are not sent. `duration` formats: 5, "5" or "5s".
 */
export const fieldMapSchema = z.object({
  image: z.string(),
  endImage: z.string().optional(),
  prompt: z.string().default('prompt'),
  negativePrompt: z.string().optional(),
  seed: z.string().optional(),
  duration: z.object({ name: z.string(), format: z.enum(['number', 'string', 'seconds']) }).optional(),
  resolution: z.object({ name: z.string(), values: z.partialRecord(z.enum(RESOLUTIONS), z.string()).optional() }).optional(),
  aspectRatio: z.string().optional(),
  audio: z.string().optional(),
});
export type FieldMap = z.infer<typeof fieldMapSchema>;

export const routeSchema = z.object({
  provider: z.enum(PROVIDER_IDS),
  /** The provider's name for the model: fal endpoint id, Replicate owner/name, API model id. */
  endpoint: z.string().min(1),
  /** Another endpoint for some resolutions (fal's Kling v3 4K is its own endpoint), with the same inputs. */
  endpointByResolution: z.partialRecord(z.enum(RESOLUTIONS), z.string().min(1)).optional(),
  /** What the endpoint takes at most, checked before anything is sent. */
  limits: z.object({ imageBytes: z.number().int().positive(), source: sourceSchema }).optional(),
  price: priceSchema,
  /** Where this route can do less than the model (e.g. fewer durations). */
  capabilities: capabilitiesSchema.partial().omit({ source: true }).optional(),
  fields: fieldMapSchema.optional(),
});
export type Route = z.infer<typeof routeSchema>;

/** A sentence for the user with where it comes from: why a model or route is gone, a retirement ahead. */
export const noticeSchema = z.object({ text: z.string().min(1), source: sourceSchema });
export type Notice = z.infer<typeof noticeSchema>;

export const SPEED_CLASSES = ['fast', 'standard', 'slow'] as const;
export type SpeedClass = (typeof SPEED_CLASSES)[number];

export const modelSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'expected a lowercase id like kling-v2.1-master'),
    name: z.string().min(1),
    vendor: z.string().min(1),
    /** How long a clip takes, as a class: fast (about a minute or less), standard, slow (several minutes). */
    speed: z.object({ class: z.enum(SPEED_CLASSES), source: sourceSchema }),
    capabilities: capabilitiesSchema,
    routes: z.array(routeSchema),
    /** Shown with the model: a retirement announced, a limit to know. */
    notice: noticeSchema.optional(),
    /** No longer offered, and why: saved workflows that name it still open, and say so when run. */
    withdrawn: noticeSchema.optional(),
    /** Routes no longer offered, and why. */
    withdrawnRoutes: z.array(noticeSchema.extend({ provider: z.enum(PROVIDER_IDS) })).optional(),
  })
  .refine((m) => m.withdrawn !== undefined || m.routes.length > 0, 'a model that is offered needs at least one route');
export type CatalogModel = z.infer<typeof modelSchema>;

export const catalogSchema = z
  .object({
    version: z.literal(1),
    models: z.array(modelSchema).min(1),
    /** Models whose APIs were looked at and are not offered yet, and why. */
    notYetOffered: z.array(noticeSchema.extend({ name: z.string().min(1) })).default([]),
  })
  .refine((c) => new Set(c.models.map((m) => m.id)).size === c.models.length, 'model ids must be unique');
export type Catalog = z.infer<typeof catalogSchema>;
