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

/** How each route is named in the node's Route menu and in messages: the provider's own name. */
export const ROUTE_LABELS: Readonly<Record<ProviderId, string>> = {
  fal: 'fal',
  replicate: 'Replicate',
  gemini: 'Gemini API',
  runway: 'Runway',
  kling: 'Kling',
  byteplus: 'BytePlus',
  minimax: 'MiniMax',
  luma: 'Luma',
  ltx: 'LTX',
  pixverse: 'PixVerse',
  comfyui: 'ComfyUI',
};

/** Routes the catalog knows that this version cannot drive, and why. */
const UNAVAILABLE: Readonly<Partial<Record<ProviderId, string>>> = {
  luma: "Luma's own API takes images only by public URL, which an app running in your browser cannot give it without uploading your image somewhere public; choose the fal route for Luma Ray",
};

export function unavailableReason(id: ProviderId): string {
  return UNAVAILABLE[id] ?? `the ${ROUTE_LABELS[id]} route is not available in this version of Stillmotion; choose another route`;
}

export function providerInfo(id: string): ProviderInfo | undefined {
  return Object.hasOwn(PROVIDERS, id) ? PROVIDERS[id as ProviderId] : undefined;
}
