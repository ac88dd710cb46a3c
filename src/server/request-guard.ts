/**
 * Who may use the server. The app holds provider keys and a Run button, and the relay reaches
 * providers and the user's ComfyUI servers, so:
 * - a request must name one of the app's own hosts (Host), which defeats DNS rebinding: a page
 *   at evil.example resolved to 127.0.0.1 still sends "Host: evil.example";
 * - a browser request from another site is refused (Origin, Sec-Fetch-Site), so no web page
 *   can use the relay or reach a ComfyUI through it;
 * - served beyond this machine, every request needs the access token: a link with
 *   `?token=` sets it as a same-site, HTTP-only cookie once.
 */
import cookies from '@fastify/cookie';
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface GuardOptions {
  /** Origins the app is reached at: its own address, and any given for a reverse proxy (read per request: the port is known only once listening). */
  origins: readonly string[];
  /** Required on every request when set. */
  token?: string;
}

export const TOKEN_COOKIE = 'stillmotion-token';

export async function guard(app: FastifyInstance, options: GuardOptions): Promise<void> {
  await app.register(cookies);
  let known: { origins: Set<string>; hosts: Set<string> } | undefined;
  const allowed = () => {
    if (known?.origins.size !== options.origins.length) known = { origins: new Set(options.origins), hosts: new Set(options.origins.map((o) => new URL(o).host)) };
    return known;
  };

  app.addHook('onRequest', async (request, reply) => {
    const { origins, hosts } = allowed();
    const host = request.headers.host ?? '';
    if (!hosts.has(host)) return deny(reply, 421, `Stillmotion answers only at ${[...origins].join(', ')}; this request was for "${host}". To serve it at another address, start it with --public-origin.`);
    const origin = request.headers.origin;
    if (origin !== undefined && !origins.has(origin)) return deny(reply, 403, `requests from ${origin} are refused: only the Stillmotion app itself may use this server`);
    const site = request.headers['sec-fetch-site'];
    if (isPrivateRoute(request) && site !== undefined && site !== 'same-origin' && site !== 'none') return deny(reply, 403, `a ${String(site)} request to ${request.url.split('?')[0]} is refused: only the Stillmotion app itself may use this server`);
    if (options.token !== undefined) return checkToken(request, reply, options.token);
  });
}

function isPrivateRoute(request: FastifyRequest): boolean {
  return request.url.startsWith('/relay/') || request.url.startsWith('/api/');
}

function checkToken(request: FastifyRequest, reply: FastifyReply, token: string): FastifyReply | undefined {
  const offered = new URL(request.url, 'http://x').searchParams.get('token');
  if (offered !== null && request.method === 'GET' && same(offered, token)) {
    // The link's token becomes a cookie, and the address bar loses it.
    const url = new URL(request.url, 'http://x');
    url.searchParams.delete('token');
    return reply.setCookie(TOKEN_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'strict', secure: request.protocol === 'https' }).redirect(`${url.pathname}${url.search}`, 303);
  }
  const carried = request.cookies[TOKEN_COOKIE] ?? header(request.headers['x-stillmotion-token']);
  if (carried !== undefined && same(carried, token)) return undefined;
  return deny(reply, 401, 'this Stillmotion server needs its access token: open the link with ?token= that whoever started it gave you');
}

function deny(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).header('x-stillmotion-relay', 'refused').type('text/plain; charset=utf-8').send(`${message}\n`);
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
