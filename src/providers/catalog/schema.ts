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

export const capabilitiesSchema = z.object({
  /** Seconds of video the model can make, each a choice the user gets. */
  durations: z.array(z.number().positive()).min(1),
  resolutions: z.array(z.enum(RESOLUTIONS)).min(1),
  aspectRatios: z.array(z.enum(ASPECT_RATIOS)).min(1),
  endFrame: z.boolean(),
  /** `native`: the clip always has the model's sound; `optional`: a toggle; `none`: silent. */
  audio: z.enum(['none', 'optional', 'native']),
  negativePrompt: z.boolean(),
  seed: z.boolean(),
  /** Takes a motion strength or camera-control setting. */
  motionControl: z.boolean(),
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
  price: priceSchema,
  /** Where this route can do less than the model (e.g. fewer durations). */
  capabilities: capabilitiesSchema.partial().omit({ source: true }).optional(),
  fields: fieldMapSchema.optional(),
});
export type Route = z.infer<typeof routeSchema>;

export const modelSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'expected a lowercase id like kling-v2.1-master'),
  name: z.string().min(1),
  vendor: z.string().min(1),
  capabilities: capabilitiesSchema,
  routes: z.array(routeSchema).min(1),
});
export type CatalogModel = z.infer<typeof modelSchema>;

export const catalogSchema = z
  .object({ version: z.literal(1), models: z.array(modelSchema).min(1) })
  .refine((c) => new Set(c.models.map((m) => m.id)).size === c.models.length, 'model ids must be unique');
export type Catalog = z.infer<typeof catalogSchema>;
