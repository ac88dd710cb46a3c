/**
 * How provider calls leave the page. When the Stillmotion server serves the app, they go to its
 * relay on the app's own origin (most providers send no CORS headers, so a browser page cannot
 * call them itself); on a static host, straight to the provider, which works only for those that
 * allow browsers. The server says which upstreams it relays to at /api/server.
 */
import { z } from 'zod';
import { serverSegment } from './comfyui/server-address';

/** Maps a provider URL (the target) to the URL the page fetches. */
export interface RelayRoute {
  /** The Stillmotion server's relay base for this provider, e.g. http://127.0.0.1:4173/relay/fal/. */
  readonly base: string;
  fetchUrl(target: URL): URL;
  /** Makes the relay accept this route again (a ComfyUI server is registered; after a server restart too). */
  prepare?(): Promise<void>;
}

const serverInfo = z.object({
  app: z.literal('stillmotion'),
  relay: z.object({
    providers: z.record(z.string(), z.object({ keyed: z.array(z.string()).min(1) })),
    comfyui: z.boolean(),
    /** Whether it relays to a proxy the user set for a provider (older servers do not). */
    proxies: z.boolean().optional(),
  }),
});
export type RelayInfo = z.infer<typeof serverInfo>['relay'] & { origin: string };

let found: Promise<RelayInfo | undefined> | undefined;

/**
 * The relay of the server that serves this page (asked once), or undefined where there is none:
 * a static host, the dev server, Node.
 */
export function findRelay(): Promise<RelayInfo | undefined> {
  found ??= ask();
  return found;
}

async function ask(): Promise<RelayInfo | undefined> {
  const origin = (globalThis as { location?: { origin?: string } }).location?.origin;
  if (!origin || !/^https?:/.test(origin)) return undefined;
  try {
    const response = await fetch(`${origin}/api/server`, { headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(5000) });
    if (!response.ok || !response.headers.get('content-type')?.includes('json')) return undefined;
    const parsed = serverInfo.safeParse(await response.json());
    return parsed.success ? { ...parsed.data.relay, origin } : undefined;
  } catch {
    // Not answered: served without the Stillmotion server. Asked again next time.
    found = undefined;
    return undefined;
  }
}

/** A provider's relay: its API paths under /relay/<id>/, any other host under /relay/<id>/@<host>/. */
export function providerRoute(relay: RelayInfo, provider: string, api: string): RelayRoute {
  return pathRoute(`${relay.origin}/relay/${provider}/`, api);
}

/**
 * A proxy the user set for a provider, reached through the relay (the page served by the server
 * reaches only its own origin): calls to the proxy's origin go under /relay/<id>/~<proxy>/, with
 * the key; any other host (a result on the provider's CDN) as that provider's open hosts.
 * Registered with the server when the relay asks for it.
 */
export function proxyRoute(relay: RelayInfo, provider: string, proxy: string): RelayRoute {
  const { origin } = new URL(proxy);
  const base = `${relay.origin}/relay/${provider}/~${serverSegment(origin)}/`;
  const open = `${relay.origin}/relay/${provider}/`;
  return {
    base,
    fetchUrl: (target) => (target.origin === origin ? new URL(`./${target.pathname.slice(1)}${target.search}`, base) : new URL(`./@${target.host}${target.pathname}${target.search}`, open)),
    async prepare() {
      const response = await fetch(`${relay.origin}/api/endpoints`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ provider, url: origin }) });
      if (!response.ok) throw new Error(`the Stillmotion server did not accept the proxy ${origin} for ${provider}: ${await response.text().catch(() => response.statusText)}`);
    },
  };
}

/** A ComfyUI server's relay, registered with the server when the relay asks for it. */
export function comfyuiRoute(relay: RelayInfo, server: string): RelayRoute {
  const route = pathRoute(`${relay.origin}/relay/comfyui/${serverSegment(server)}/`, server);
  return {
    ...route,
    async prepare() {
      const response = await fetch(`${relay.origin}/api/comfyui/servers`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ url: server }) });
      if (!response.ok) throw new Error(`the Stillmotion server did not accept the ComfyUI server ${server}: ${await response.text().catch(() => response.statusText)}`);
    },
  };
}

function pathRoute(base: string, api: string): RelayRoute {
  const apiBase = api.endsWith('/') ? api : `${api}/`;
  return {
    base,
    fetchUrl(target) {
      // "./" keeps a first segment with a colon ("veo:predict") from reading as a scheme.
      if (target.href.startsWith(apiBase)) return new URL(`./${target.href.slice(apiBase.length)}`, base);
      return new URL(`./@${target.host}${target.pathname}${target.search}`, base);
    },
  };
}
