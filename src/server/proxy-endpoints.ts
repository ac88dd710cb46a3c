/**
 * The proxies the user set as a provider's endpoint (Settings > Providers > Advanced: endpoint),
 * registered by the page as the relay first meets them. When the server serves the app, its
 * page reaches nothing but its own origin (connect-src 'self'), so a proxy is called through the
 * relay too: with that provider's key, to that proxy's origin only. Like a ComfyUI server, a
 * proxy the user added may be on this machine or the LAN; nothing else there is reachable.
 */
import { normalizeServerAddress } from '../providers/comfyui/server-address';
import type { TrustedHosts } from './private-network';

export type AddedProxy = { ok: true; origin: string } | { ok: false; error: string };

export class ProxyEndpoints {
  readonly #origins = new Map<string, Set<string>>();

  constructor(
    private readonly trusted: TrustedHosts,
    private readonly providers: readonly string[],
  ) {}

  /** Adds `url`'s origin as a proxy for `provider`. */
  add(provider: unknown, url: unknown): AddedProxy {
    if (typeof provider !== 'string' || !this.providers.includes(provider)) return { ok: false, error: `expected {"provider": one of ${this.providers.join(', ')}, "url": "<the proxy's address>"}` };
    if (typeof url !== 'string') return { ok: false, error: 'expected {"url": "<the proxy\'s address>"}' };
    const address = normalizeServerAddress(url);
    if (!address.ok) return { ok: false, error: address.error.replace('ComfyUI server', 'proxy') };
    const { origin, hostname } = new URL(address.url);
    let origins = this.#origins.get(provider);
    if (!origins) this.#origins.set(provider, (origins = new Set()));
    origins.add(origin);
    this.trusted.add(hostname);
    return { ok: true, origin };
  }

  has(provider: string, origin: string): boolean {
    return this.#origins.get(provider)?.has(origin) ?? false;
  }
}
