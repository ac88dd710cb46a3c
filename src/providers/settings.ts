/**
 * The user's provider settings, kept in the settings store (never in a workflow): endpoint
 * overrides for a proxy, the ComfyUI servers the user added, the cost above which a run asks
 * first, and timing.
 */
import { z } from 'zod';
import { PROVIDER_IDS } from './catalog/schema';
import { DEFAULT_COMFYUI_SERVER, normalizeComfyuiAddress } from './comfyui/server-address';

export const PROVIDER_SETTINGS = 'providers';

const timingSchema = z.object({
  /** First wait between polls; it grows by half each time up to `maxPollMs`, with jitter. */
  pollMs: z.number().int().min(10).default(2000),
  maxPollMs: z.number().int().min(10).default(15_000),
  /** One HTTP request, except a synchronous generation (LTX), which gets `deadlineMs`. */
  requestTimeoutMs: z.number().int().min(100).default(60_000),
  /** Give up on a task that has not finished in this long (it keeps its journal entry). */
  deadlineMs: z.number().int().min(100).default(30 * 60_000),
  /**
   * A task whose polls have all failed for this long (and many times, across runs) is no longer
   * resumed: it becomes "unknown", for the user to check with the provider and decide.
   */
  unknownAfterMs: z.number().int().min(100).default(30 * 60_000),
});
export type ProviderTiming = z.infer<typeof timingSchema>;

/** A ComfyUI server address, kept in its normal form. */
const comfyuiServer = z.string().transform((text, ctx) => {
  const server = normalizeComfyuiAddress(text);
  if (!server.ok) ctx.addIssue({ code: 'custom', message: server.error });
  return server.ok ? server.url : text;
});

export const providerSettingsSchema = z.object({
  endpoints: z.partialRecord(z.enum(PROVIDER_IDS), z.url()).default({}),
  /** The ComfyUI servers the user added: the only ones the app (and the server's relay) will reach. */
  comfyuiServers: z.array(comfyuiServer).max(64).default([DEFAULT_COMFYUI_SERVER]),
  /** A run estimated above this many dollars asks before it starts. */
  confirmAboveUsd: z.number().nonnegative().default(2),
  timing: timingSchema.default(timingSchema.parse({})),
});
export type ProviderSettings = z.infer<typeof providerSettingsSchema>;

/** Where the token for one server of a keyless provider (a ComfyUI behind a login proxy) is kept. */
export function serverTokenId(provider: string, origin: string): string {
  return `${provider}:${origin}`;
}

/** Settings as saved, or the defaults where nothing (or something unreadable) was saved. */
export function readProviderSettings(saved: unknown): ProviderSettings {
  const parsed = providerSettingsSchema.safeParse(saved ?? {});
  return parsed.success ? parsed.data : providerSettingsSchema.parse({});
}
