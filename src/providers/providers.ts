/** Every provider the app can send work to. Adding one is an adapter file and one line here. */
import { byteplus } from './adapters/byteplus';
import { comfyui } from './adapters/comfyui';
import { fal } from './adapters/fal';
import { gemini } from './adapters/gemini';
import { kling } from './adapters/kling';
import { ltx } from './adapters/ltx';
import { minimax } from './adapters/minimax';
import { pixverse } from './adapters/pixverse';
import { replicate } from './adapters/replicate';
import { runway } from './adapters/runway';
import type { ProviderId } from './catalog/schema';
import type { ProviderInfo } from './protocol';

const ALL: readonly ProviderInfo[] = [fal, replicate, gemini, runway, kling, byteplus, minimax, ltx, pixverse, comfyui];

export const PROVIDERS: Readonly<Partial<Record<ProviderId, ProviderInfo>>> = Object.fromEntries(ALL.map((p) => [p.id, p]));

export function providerInfo(id: string): ProviderInfo | undefined {
  return Object.hasOwn(PROVIDERS, id) ? PROVIDERS[id as ProviderId] : undefined;
}
