/** How routes are named and which this version cannot drive: data only, so node cards read it without the adapters. */
import type { ProviderId } from './catalog/schema';

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

/** Why a route cannot be used, or undefined when this version drives it (it has an adapter in providers.ts). */
export function unavailableReason(id: ProviderId): string | undefined {
  return UNAVAILABLE[id];
}
