/**
 * How the page reaches a provider for one generation. When the Stillmotion server serves the
 * page, through its relay (the page's policy lets it reach only its own origin): to the
 * provider's API, or to a proxy the user set for it. Without the server, straight from the page:
 * to the proxy, or to providers that answer browsers.
 */
import { normalizeComfyuiAddress } from './comfyui/server-address';
import { isRelayed, PROVIDER_ENDPOINTS } from './endpoints';
import type { ProviderHttpOptions } from './http';
import type { ProviderInfo } from './protocol';
import { comfyuiRoute, findRelay, providerRoute, proxyRoute } from './relay-route';
import type { ProviderSettings } from './settings';

export type Connection = Pick<ProviderHttpOptions, 'origin' | 'keyedOrigins' | 'relay' | 'browserCalls'>;

export async function connectionFor(provider: ProviderInfo, settings: ProviderSettings): Promise<Connection> {
  const override = settings.endpoints[provider.id];
  const relay = await findRelay();
  const api = relay?.providers[provider.id];
  if (override) return relay?.proxies && api ? { origin: override, relay: proxyRoute(relay, provider.id, override) } : { origin: override };
  if (relay && api) return { origin: api.keyed[0]!, keyedOrigins: api.keyed.slice(1), relay: providerRoute(relay, provider.id, api.keyed[0]!) };
  if (!isRelayed(provider.id)) return { origin: provider.origin };
  const { keyed, browser } = PROVIDER_ENDPOINTS[provider.id];
  return { origin: keyed[0]!, keyedOrigins: keyed.slice(1), browserCalls: browser };
}

/** A ComfyUI server, which must be one the user added (a workflow alone cannot point the app at an address). */
export async function comfyuiConnection(address: string, settings: ProviderSettings): Promise<Connection | { error: string }> {
  const server = normalizeComfyuiAddress(address);
  if (!server.ok) return { error: `ComfyUI server: ${server.error}` };
  if (!settings.comfyuiServers.includes(server.url)) {
    return { error: `the ComfyUI server ${server.url} is not one of yours: add it in Settings > Providers > ComfyUI (Stillmotion reaches only the servers you added there)` };
  }
  const relay = await findRelay();
  return relay?.comfyui ? { origin: server.url, relay: comfyuiRoute(relay, server.url) } : { origin: server.url };
}
