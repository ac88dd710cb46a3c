/**
 * The Stillmotion server: the built app (dist/) with its security headers, and the relay that
 * carries provider calls on the app's own origin. `npm start`, the CLI, the browser tests and
 * the benches all serve the app through it.
 */
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { PROVIDER_ENDPOINTS, type RelayedProviderId } from '../providers/endpoints';
import { ComfyuiServers } from './comfyui-servers';
import { TrustedHosts } from './private-network';
import { ProxyEndpoints } from './proxy-endpoints';
import { DEFAULT_LIMITS, relay, type RelayLimits, type Upstream } from './relay';
import { guard } from './request-guard';
import { SECURITY_HEADERS } from './security-headers';

export interface AppServerOptions {
  /** The built app. */
  dist: string;
  /** Where to listen: 127.0.0.1 unless serving a team (then `token` is required). */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Other origins the app is reached at: a reverse proxy's (https://stillmotion.team.example), the CLI's. */
  publicOrigins?: readonly string[];
  /** The access token every request must carry; required when `host` is not loopback. */
  token?: string;
  /**
   * Providers' traffic sent elsewhere than their own API (a local test server, a proxy): the
   * first keyed origin replaces the API, and these origins are trusted even on private addresses.
   */
  upstreams?: Partial<Record<RelayedProviderId, Upstream>>;
  /** ComfyUI servers reachable from the start (the CLI names the workflow's). */
  comfyuiServers?: readonly string[];
  limits?: Partial<RelayLimits>;
  /** Serve the build's source maps (off: they show the whole source to anyone who asks). */
  sourceMaps?: boolean;
}

export interface AppServer {
  /** The app's address, ending in a slash. */
  url: string;
  app: FastifyInstance;
  close: () => Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export async function startAppServer(options: AppServerOptions): Promise<AppServer> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host) && !options.token) throw new Error(`serving on ${host} reaches beyond this machine: give an access token (--token) so only your team can use it`);
  if (!existsSync(join(options.dist, 'index.html'))) throw new Error(`${options.dist} holds no built app (index.html): run npm run build`);

  const trusted = new TrustedHosts();
  const upstreams = Object.fromEntries(
    Object.entries(PROVIDER_ENDPOINTS).map(([id, endpoints]) => {
      const override = options.upstreams?.[id as RelayedProviderId];
      for (const origin of [...(override?.keyed ?? []), ...(override?.open ?? [])]) trusted.add(new URL(origin).hostname);
      return [id, override ?? { keyed: endpoints.keyed, open: endpoints.open }];
    }),
  ) as Record<RelayedProviderId, Upstream>;
  const comfyui = new ComfyuiServers(trusted);
  for (const server of options.comfyuiServers ?? []) {
    const added = comfyui.add(server);
    if (!added.ok) throw new Error(`ComfyUI server: ${added.error}`);
  }

  const app = Fastify({ logger: false, trustProxy: false, forceCloseConnections: true });
  app.addHook('onSend', async (_request, reply) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
  });
  // The guard needs the port, known once listening; until then nothing is accepted.
  const origins: string[] = [];
  await guard(app, { origins, ...(options.token ? { token: options.token } : {}) });

  app.get('/api/server', async () => ({
    app: 'stillmotion',
    relay: {
      providers: Object.fromEntries(Object.entries(upstreams).map(([id, u]) => [id, { keyed: u.keyed }])),
      comfyui: true,
      proxies: true,
    },
  }));
  const proxies = new ProxyEndpoints(trusted, Object.keys(upstreams));
  await app.register(async (scope) => relay(scope, { upstreams, trusted, comfyui, proxies, limits: { ...DEFAULT_LIMITS, ...options.limits } }));
  await app.register(fastifyStatic, {
    root: options.dist,
    index: 'index.html',
    allowedPath: (path) => options.sourceMaps === true || !path.endsWith('.map'),
    // Hashed assets never change; index.html is asked for afresh, so a new build is seen at once.
    cacheControl: false,
    setHeaders: (res, path) => res.setHeader('Cache-Control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'),
  });

  await app.listen({ host, port: options.port ?? 0 });
  const { port } = app.server.address() as AddressInfo;
  const own = host === '::1' ? `http://[::1]:${port}` : `http://${host}:${port}`;
  const loopback = LOOPBACK.has(host) || host === '0.0.0.0' || host === '::';
  origins.push(...new Set([own, ...(loopback ? [`http://127.0.0.1:${port}`, `http://localhost:${port}`] : []), ...(options.publicOrigins ?? [])]));
  return { url: `${own}/`, app, close: () => app.close() };
}
