/**
 * The relay: provider calls made by the page on the app's own origin, passed on by the server,
 * so no provider's CORS policy (most send none) decides whether a user can generate.
 *
 *   /relay/<provider>/<path>          -> the provider's API, with the key the page sent
 *   /relay/<provider>/@<host>/<path>  -> an upload host or CDN on that provider's list, never with a key
 *   /relay/<provider>/~<proxy>/<path> -> a proxy the user set for that provider, with the key
 *   /relay/comfyui/<server>/<path>    -> a ComfyUI server the user added (its API routes only), /ws included
 *
 * Nothing else is reachable: no other host, no redirect off the list (the relay follows
 * redirects itself, dropping the key when it leaves the API), no private address unless it was
 * added. Bodies stream both ways (@fastify/reply-from over undici), so a 500 MB result passes
 * with bounded memory; each phase has its own timeout, and sizes have caps with clear errors.
 * A refusal or failure of the relay itself carries the `x-stillmotion-relay` header, so the page
 * can tell it from the provider's own answers.
 */
import replyFrom from '@fastify/reply-from';
import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import { Transform, type Readable } from 'node:stream';
import { Agent } from 'undici';
import WebSocket from 'ws';
import { serverFromSegment, serverSegment } from '../providers/comfyui/server-address';
import { originMatches, PROVIDER_ENDPOINTS, type RelayedProviderId } from '../providers/endpoints';
import type { ComfyuiServers } from './comfyui-servers';
import type { TrustedHosts } from './private-network';
import type { ProxyEndpoints } from './proxy-endpoints';

/** Where one provider's traffic may go: the API and other keyed origins first, then the open hosts. */
export interface Upstream {
  keyed: readonly string[];
  open: readonly string[];
}

export interface RelayLimits {
  /** Largest request body passed on (an image upload). */
  requestBytes: number;
  /** Largest answer passed on (a video). */
  responseBytes: number;
  connectMs: number;
  /** Waiting for an answer to start; a provider that answers with the finished video gets `longHeadersMs`. */
  headersMs: number;
  longHeadersMs: number;
  /** Longest silence while a body streams. */
  bodyMs: number;
}

export const DEFAULT_LIMITS: RelayLimits = {
  requestBytes: 512 * 1024 * 1024,
  responseBytes: 4 * 1024 * 1024 * 1024,
  connectMs: 15_000,
  headersMs: 120_000,
  longHeadersMs: 40 * 60_000,
  bodyMs: 120_000,
};

export interface RelayOptions {
  upstreams: Readonly<Record<RelayedProviderId, Upstream>>;
  trusted: TrustedHosts;
  comfyui: ComfyuiServers;
  proxies: ProxyEndpoints;
  limits: RelayLimits;
}

/** ComfyUI's API routes (server.py registers each bare and under /api); nothing else on the server is reachable. */
const COMFYUI_PATHS = /^(api\/)?(ws|prompt|queue|history(\/[^/]+)?|view|upload\/image|interrupt|free|object_info(\/[^/]+)?|system_stats|embeddings|extensions|features|models(\/[^/]+)?|jobs(\/[^/]+(\/cancel)?)?)$/;

/** Request headers that are the browser's business, not the provider's: its origin, cookies, fetch metadata. */
const DROPPED_REQUEST = /^(cookie|origin|referer|forwarded|via|dnt|priority|accept-language|x-forwarded-.*|x-real-ip|x-stillmotion-.*|sec-.*)$/;
/** Answer headers a provider must not set on the app's origin, or that would mislead the page. */
const DROPPED_RESPONSE = /^(set-cookie2?|location|www-authenticate|strict-transport-security|alt-svc|content-security-policy.*|access-control-.*|x-frame-options|clear-site-data)$/;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/** Why the relay did not pass a request on: the page reads `code`, the user reads `message`. */
export type RelayCode = 'unknown-provider' | 'off-list' | 'key-to-open-host' | 'private-address' | 'not-added' | 'too-large' | 'unreachable' | 'timeout' | 'failed' | 'bad-request';

const STATUS: Record<RelayCode, number> = {
  'unknown-provider': 404,
  'off-list': 403,
  'key-to-open-host': 403,
  'private-address': 403,
  'not-added': 403,
  'too-large': 413,
  unreachable: 502,
  timeout: 504,
  failed: 502,
  'bad-request': 400,
};

export class RelayRefusal extends Error {
  constructor(
    readonly code: RelayCode,
    message: string,
  ) {
    super(message);
  }
}

function refuse(reply: FastifyReply, refusal: RelayRefusal): FastifyReply {
  // A refused request's body is read and dropped: a browser that is still sending it (an upload
  // of megabytes) sees no answer until it has, and would otherwise wait for ever.
  const body = reply.request.body as Readable | undefined;
  if (body && typeof body.resume === 'function' && !body.readableEnded) body.on('error', () => undefined).resume();
  return reply.code(STATUS[refusal.code]).header('x-stillmotion-relay', refusal.code).type('application/json').send({ relay: refusal.code, error: refusal.message });
}

/** A target the relay may reach for one request, and whether the key may go with it. */
interface Target {
  url: URL;
  keyed: boolean;
  /** Key headers that must not reach this target. */
  keyHeaders: readonly string[];
  /** Where a redirect may lead: the same check for another URL. */
  check: (url: URL) => Target;
  timeoutMs: number;
  label: string;
}

export async function relay(app: FastifyInstance, options: RelayOptions): Promise<void> {
  const { limits, trusted } = options;
  const policy: Policy = { limits, trusted };
  const agent = new Agent({ connect: { timeout: limits.connectMs, lookup: trusted.lookup }, headersTimeout: limits.headersMs, bodyTimeout: limits.bodyMs });
  // Destroyed, not closed: a close would wait for requests still hanging upstream.
  app.addHook('onClose', async () => agent.destroy());
  await app.register(replyFrom, { undici: agent, disableRequestLogging: true });
  await app.register(websocket);

  // Bodies pass through as streams, whatever their type, counted against the cap.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload.pipe(capped(limits.requestBytes, 'request'))));

  /** Where one provider's calls may go: its API (or a proxy the user set), and its open hosts. */
  const providerTarget = (provider: RelayedProviderId, proxy?: string) => {
    const upstream = proxy ? { ...options.upstreams[provider], keyed: [proxy] } : options.upstreams[provider];
    const { keyHeaders } = PROVIDER_ENDPOINTS[provider];
    const timeoutMs = provider === 'ltx' ? limits.longHeadersMs : limits.headersMs;
    const label = proxy ? `${provider}'s proxy ${proxy}` : provider;
    const check = (url: URL): Target => {
      const keyed = upstream.keyed.includes(url.origin);
      if (!keyed && !upstream.open.some((pattern) => originMatches(pattern, url.origin))) {
        throw new RelayRefusal('off-list', `${url.host} is not on ${provider}'s list of hosts (${[...upstream.keyed, ...upstream.open].join(', ')})`);
      }
      return { url, keyed, keyHeaders, check, timeoutMs, label };
    };
    return { upstream, check };
  };

  app.all('/relay/:provider/*', (request, reply) => {
    const { provider } = request.params as { provider: string };
    if (!Object.hasOwn(options.upstreams, provider)) return refuse(reply, new RelayRefusal('unknown-provider', `the relay knows no provider "${provider}"`));
    return pass(policy, request, reply, () => {
      let rest = afterPrefix(request, 2);
      // "~proxy/path": a proxy the user set for this provider, registered by the page first.
      const viaProxy = /^~([^/]+)(?:\/(.*))?$/.exec(rest.path);
      const proxy = viaProxy ? serverFromSegment(viaProxy[1]!) : undefined;
      if (viaProxy && (!proxy || !options.proxies.has(provider, proxy))) {
        throw new RelayRefusal('not-added', `the proxy ${proxy ?? viaProxy[1]} was not added to this Stillmotion server for ${provider}; it is added when the app uses it`);
      }
      if (viaProxy) rest = { path: viaProxy[2] ?? '', query: rest.query };
      const { upstream, check } = providerTarget(provider as RelayedProviderId, proxy);
      // "@host/path": another host of this provider's; the scheme is the one its list names.
      const other = /^@([^/]+)(\/.*)?$/.exec(rest.path);
      if (!other) return check(new URL(rest.path + rest.query, `${upstream.keyed[0]}/`));
      const host = other[1]!.toLowerCase();
      const origin = [...upstream.keyed, ...upstream.open].map((p) => `${p.split('//')[0]}//${host}`).find((o) => [...upstream.keyed, ...upstream.open].some((p) => originMatches(p, o)));
      if (!origin) throw new RelayRefusal('off-list', `${host} is not on ${provider}'s list of hosts (${[...upstream.keyed, ...upstream.open].join(', ')})`);
      return check(new URL((other[2] ?? '/') + rest.query, origin));
    });
  });

  const comfyTarget = (segment: string): ((path: string) => Target) => {
    const server = serverFromSegment(segment);
    if (!server || !options.comfyui.has(server)) throw new RelayRefusal('not-added', `the ComfyUI server ${server ?? segment} was not added to this Stillmotion server; add it in Settings > Providers > ComfyUI`);
    const base = new URL(`${server}/`);
    const check = (url: URL): Target => {
      if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname)) throw new RelayRefusal('off-list', `${url.origin}${url.pathname} is not on the ComfyUI server ${server}`);
      if (!COMFYUI_PATHS.test(url.pathname.slice(base.pathname.length))) throw new RelayRefusal('off-list', `${url.pathname} is not one of ComfyUI's API routes`);
      return { url, keyed: true, keyHeaders: [], check, timeoutMs: limits.headersMs, label: `ComfyUI ${server}` };
    };
    return (path) => check(new URL(path, base));
  };

  app.all('/relay/comfyui/:server/*', (request, reply) => {
    const { server } = request.params as { server: string };
    return pass(policy, request, reply, () => {
      const rest = afterPrefix(request, 3);
      return comfyTarget(server)(rest.path + rest.query);
    });
  });

  // ComfyUI's progress socket. The page's Origin is not passed on, so ComfyUI keeps its own
  // origin check and needs no --enable-cors-header.
  app.get('/relay/comfyui/:server/ws', { websocket: true }, (socket, request) => {
    let target: Target;
    try {
      target = comfyTarget((request.params as { server: string }).server)(`ws${afterPrefix(request, 4).query}`);
    } catch (error) {
      return socket.close(1008, error instanceof RelayRefusal ? error.message.slice(0, 120) : 'refused');
    }
    const url = new URL(target.url);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    bridge(socket, new WebSocket(url, { headers: authorizationOf(request.headers), lookup: trusted.lookup, handshakeTimeout: limits.connectMs }));
  });

  app.post('/api/endpoints', async (request, reply) => {
    const body = await readJson(request.body as Readable | undefined, 16 * 1024);
    const fields = typeof body === 'object' && body !== null ? (body as { provider?: unknown; url?: unknown }) : {};
    const added = options.proxies.add(fields.provider, fields.url);
    if (!added.ok) return refuse(reply, new RelayRefusal('bad-request', added.error));
    return reply.send({ origin: added.origin, relay: `/relay/${String(fields.provider)}/~${serverSegment(added.origin)}/` });
  });

  app.post('/api/comfyui/servers', async (request, reply) => {
    const body = await readJson(request.body as Readable | undefined, 16 * 1024);
    const added = options.comfyui.add(typeof body === 'object' && body !== null ? (body as { url?: unknown }).url : undefined);
    if (!added.ok) return refuse(reply, new RelayRefusal('bad-request', added.error));
    return reply.send({ url: added.url, relay: `/relay/comfyui/${serverSegment(added.url)}/` });
  });
}

/** The request's path after its first `segments` path segments, raw (still percent-encoded), and its query. */
function afterPrefix(request: FastifyRequest, segments: number): { path: string; query: string } {
  const raw = request.raw.url ?? '/';
  const queryAt = raw.indexOf('?');
  const path = queryAt < 0 ? raw : raw.slice(0, queryAt);
  return { path: path.split('/').slice(segments + 1).join('/'), query: queryAt < 0 ? '' : raw.slice(queryAt) };
}

/** What every relayed request is checked against. */
interface Policy {
  limits: RelayLimits;
  trusted: TrustedHosts;
}

/** Checks the target, then passes the request on, following redirects on the list. */
function pass(policy: Policy, request: FastifyRequest, reply: FastifyReply, resolve: () => Target): FastifyReply {
  let target: Target;
  try {
    target = resolve();
    refuseKeyOffApi(target, request.headers);
    refusePrivate(policy.trusted, target);
  } catch (error) {
    if (error instanceof RelayRefusal) return refuse(reply, error);
    if (error instanceof TypeError) return refuse(reply, new RelayRefusal('bad-request', `not a URL the relay can pass on: ${error.message}`));
    throw error;
  }
  return forward(policy, request, reply, target, request.method, 0);
}

function forward(policy: Policy, request: FastifyRequest, reply: FastifyReply, target: Target, method: string, hops: number): FastifyReply {
  const { limits } = policy;
  const declared = Number(request.headers['content-length']);
  if (hops === 0 && Number.isFinite(declared) && declared > limits.requestBytes) {
    return refuse(reply, new RelayRefusal('too-large', `the request body (${declared} bytes) is over the relay's limit`));
  }
  try {
    return reply.from(target.url.href, {
      method: method as 'GET',
      ...(hops > 0 ? { body: null } : {}),
      timeout: target.timeoutMs,
      queryString: (search) => (search ?? '').replace(/^\?/, ''),
      retryDelay: () => null,
      rewriteRequestHeaders: (_req, headers) => requestHeaders(headers, target),
      rewriteHeaders: (headers) => Object.fromEntries(Object.entries(headers).filter(([name]) => !DROPPED_RESPONSE.test(name))),
      // The reply these callbacks get is `reply` itself, typed more loosely.
      onResponse: (_req, _reply, upstream) => {
        const { statusCode, headers, stream } = upstream as unknown as { statusCode: number; headers: IncomingHttpHeaders; stream: Readable };
        if (REDIRECTS.has(statusCode) && typeof headers.location === 'string') {
          stream.resume();
          return redirect(policy, request, reply, target, method, hops, statusCode, headers.location);
        }
        const length = Number(headers['content-length']);
        if (Number.isFinite(length) && length > limits.responseBytes) {
          stream.destroy();
          clearHeaders(reply);
          return refuse(reply, new RelayRefusal('too-large', `${target.label} answered with ${length} bytes, over the relay's limit of ${limits.responseBytes}`));
        }
        return reply.send(stream.pipe(capped(limits.responseBytes, 'answer')));
      },
      onError: (_reply, { error }) => {
        clearHeaders(reply);
        refuse(reply, upstreamFailure(error, target));
      },
    });
  } catch (error) {
    return refuse(reply, new RelayRefusal('bad-request', `not a URL the relay can pass on: ${error instanceof Error ? error.message : String(error)}`));
  }
}

/** A redirect, followed here so it cannot leave the list, and without the key once it leaves the API. */
function redirect(policy: Policy, request: FastifyRequest, reply: FastifyReply, from: Target, method: string, hops: number, status: number, location: string): FastifyReply {
  clearHeaders(reply);
  let next: Target;
  try {
    if (hops >= MAX_REDIRECTS) throw new RelayRefusal('failed', `${from.label} redirected more than ${MAX_REDIRECTS} times`);
    const keepsBody = status === 307 || status === 308;
    if (keepsBody && method !== 'GET' && method !== 'HEAD') throw new RelayRefusal('failed', `${from.label} redirected a ${method} request (HTTP ${status}); the relay does not send a body twice`);
    next = from.check(new URL(location, from.url));
    refusePrivate(policy.trusted, next);
    return forward(policy, request, reply, next, keepsBody || method === 'HEAD' ? method : 'GET', hops + 1);
  } catch (error) {
    if (error instanceof RelayRefusal) return refuse(reply, error);
    return refuse(reply, new RelayRefusal('failed', `${from.label} redirected to an address the relay cannot follow (${location.slice(0, 200)})`));
  }
}

/** The headers sent upstream: the browser's own removed, and the key only where it belongs. */
function requestHeaders(headers: IncomingHttpHeaders, target: Target): IncomingHttpHeaders {
  const kept: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (DROPPED_REQUEST.test(name)) continue;
    if (!target.keyed && (target.keyHeaders.includes(name) || name === 'authorization')) continue;
    kept[name] = value;
  }
  kept.host = target.url.host;
  return kept;
}

function refuseKeyOffApi(target: Target, headers: IncomingHttpHeaders): void {
  if (target.keyed) return;
  const carried = [...target.keyHeaders, 'authorization'].find((name) => headers[name] !== undefined);
  if (carried) throw new RelayRefusal('key-to-open-host', `a request for ${target.url.host} carried ${carried}; keys go only to the provider's API, never to an upload host or CDN`);
}

function refusePrivate(trusted: TrustedHosts, target: Target): void {
  // Names are checked when they resolve (TrustedHosts.lookup); addresses and *.localhost here.
  const why = trusted.refusal(target.url.hostname);
  if (why) throw new RelayRefusal('private-address', `the relay does not reach ${why}`);
}

function clearHeaders(reply: FastifyReply): void {
  for (const name of Object.keys(reply.getHeaders())) reply.removeHeader(name);
}

/** What went wrong between the relay and the provider, in the terms the page needs: was anything sent? */
function upstreamFailure(error: Error, target: Target): RelayRefusal {
  const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? (error as Error & { code?: string }).code ?? '';
  const where = `${target.label} at ${target.url.origin}`;
  if (code === 'ERR_STILLMOTION_PRIVATE') return new RelayRefusal('private-address', `the relay does not reach ${where}: ${cause?.message ?? 'a private address'}`);
  if (['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT'].includes(code)) {
    return new RelayRefusal('unreachable', `the Stillmotion server could not reach ${where} (${code}); nothing was sent`);
  }
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || error.name === 'GatewayTimeoutError') {
    return new RelayRefusal('timeout', `${where} did not answer the Stillmotion server in time`);
  }
  return new RelayRefusal('failed', `the connection to ${where} failed (${code || cause?.message || error.message})`);
}

/** A stream that passes bytes on until `limit`, then fails. */
function capped(limit: number, what: string): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > limit) return done(new RelayRefusal('too-large', `the ${what} passed the relay's limit of ${limit} bytes`));
      done(null, chunk);
    },
  });
}

async function readJson(stream: Readable | undefined, limit: number): Promise<unknown> {
  if (!stream) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Only a token for a ComfyUI behind an authenticating proxy goes on to the socket. */
function authorizationOf(headers: IncomingHttpHeaders): Record<string, string> {
  return typeof headers.authorization === 'string' ? { authorization: headers.authorization } : {};
}

/** Two sockets joined: messages both ways (binary previews stay binary), either closing closes both. */
function bridge(client: WebSocket, upstream: WebSocket): void {
  const early: { data: WebSocket.RawData; binary: boolean }[] = [];
  client.on('message', (data, binary) => (upstream.readyState === WebSocket.OPEN ? upstream.send(data, { binary }) : early.push({ data, binary })));
  upstream.on('open', () => {
    for (const { data, binary } of early.splice(0)) upstream.send(data, { binary });
  });
  upstream.on('message', (data, binary) => client.readyState === WebSocket.OPEN && client.send(data, { binary }));
  const closeBoth = (code?: number) => {
    const safe = code && code >= 1000 && code < 5000 && code !== 1005 && code !== 1006 ? code : 1011;
    if (client.readyState === WebSocket.OPEN || client.readyState === WebSocket.CONNECTING) client.close(safe);
    if (upstream.readyState === WebSocket.OPEN) upstream.close(1000);
    else if (upstream.readyState === WebSocket.CONNECTING) upstream.terminate();
  };
  upstream.on('close', (code) => closeBoth(code));
  upstream.on('error', () => closeBoth(1011));
  client.on('close', () => closeBoth(1000));
  client.on('error', () => closeBoth(1011));
}
