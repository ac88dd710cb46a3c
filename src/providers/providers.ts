/** Every provider the app can send work to. Adding one is an adapter file and one line here. */
import { fal } from './adapters/fal';
import { gemini } from './adapters/gemini';
import { replicate } from './adapters/replicate';
import { runway } from './adapters/runway';
import type { ProviderId } from './catalog/schema';
import type { ProviderInfo } from './protocol';

const ALL: readonly ProviderInfo[] = [fal, replicate, gemini, runway];

export const PROVIDERS: Readonly<Partial<Record<ProviderId, ProviderInfo>>> = Object.fromEntries(ALL.map((p) => [p.id, p]));

export function providerInfo(id: string): ProviderInfo | undefined {
  return Object.hasOwn(PROVIDERS, id) ? PROVIDERS[id as ProviderId] : undefined;
}

/** `Authorization: Bearer <key>`, the most common scheme. */
export function bearer({ apiKey }: { apiKey: string }): Record<string, string> {
  return { Authorization: `Bearer ${apiKey}` };
}
