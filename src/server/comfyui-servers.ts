/**
 * The ComfyUI servers the relay may reach: those the user added in the app (Settings >
 * Providers > ComfyUI), registered by the page, or named on the command line. A server on this
 * machine or the LAN is reachable only once added, so a workflow file cannot point the relay at
 * some other address on the user's network.
 */
import { normalizeComfyuiAddress, type ServerAddress } from '../providers/comfyui/server-address';
import type { TrustedHosts } from './private-network';

export class ComfyuiServers {
  readonly #servers = new Set<string>();

  constructor(private readonly trusted: TrustedHosts) {}

  add(address: unknown): ServerAddress {
    if (typeof address !== 'string') return { ok: false, error: 'expected {"url": "<the server address>"}' };
    const normal = normalizeComfyuiAddress(address);
    if (!normal.ok) return normal;
    this.#servers.add(normal.url);
    this.trusted.add(new URL(normal.url).hostname);
    return normal;
  }

  has(url: string): boolean {
    return this.#servers.has(url);
  }
}
