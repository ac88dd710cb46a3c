/**
 * A key sent in a header of the provider's own (Gemini's x-goog-api-key, PixVerse's API-KEY) never
 * follows a redirect off the provider's origin: fetch would carry every header but Authorization.
 * Direct mode, in Node; test/browser/provider-redirect.test.ts does the same in Chromium.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ProviderError } from '../../src/providers/errors';
import { ProviderHttp } from '../../src/providers/http';

interface Seen {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
});

/** A server that answers each path as `routes` says, logging every request it gets. */
async function serve(routes: Record<string, (origin: string) => { status: number; headers?: Record<string, string>; body?: string }>): Promise<{ origin: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method!, path: req.url!, headers: req.headers });
    const route = routes[req.url!.split('?')[0]!];
    const answer = route ? route(origin) : { status: 404, body: '{"error":"not found"}' };
    res.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers }).end(answer.body ?? '');
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, seen };
}

const answer = z.object({ ok: z.boolean() });
const http = (origin: string, header: string) => new ProviderHttp({ name: 'Gemini', origin, authorize: async () => ({ [header]: 'secret-key' }), timeoutMs: 5000 });
const signal = () => new AbortController().signal;

describe('a request that carries the key, redirected', () => {
  it.each(['x-goog-api-key', 'api-key'])('to another origin: followed without %s', async (header) => {
    const elsewhere = await serve({ '/file': () => ({ status: 200, body: '{"ok":true}' }) });
    const api = await serve({ '/v1/thing': () => ({ status: 302, headers: { Location: `${elsewhere.origin}/file` } }) });
    expect(await http(api.origin, header).json('GET', '/v1/thing', answer, { signal: signal() })).toEqual({ ok: true });
    expect(api.seen[0]!.headers[header]).toBe('secret-key');
    expect(elsewhere.seen).toHaveLength(1);
    expect(elsewhere.seen[0]!.headers[header]).toBeUndefined();
  });

  it('to its own origin (a Gemini download): followed with the key again', async () => {
    const api = await serve({
      '/v1beta/files/f:download': () => ({ status: 302, headers: { Location: '/download/v1beta/files/f:download?alt=media' } }),
      '/download/v1beta/files/f:download': () => ({ status: 200, body: '{"ok":true}' }),
    });
    expect(await http(api.origin, 'x-goog-api-key').json('GET', '/v1beta/files/f:download?alt=media', answer, { signal: signal() })).toEqual({ ok: true });
    expect(api.seen.map((s) => [s.path, s.headers['x-goog-api-key']])).toEqual([
      ['/v1beta/files/f:download?alt=media', 'secret-key'],
      ['/download/v1beta/files/f:download?alt=media', 'secret-key'],
    ]);
  });

  it('with a body to send again (HTTP 307): refused, saying so, and nothing sent there', async () => {
    const elsewhere = await serve({ '/submit': () => ({ status: 200, body: '{"ok":true}' }) });
    const api = await serve({ '/v1/submit': () => ({ status: 307, headers: { Location: `${elsewhere.origin}/submit` } }) });
    const refused = await http(api.origin, 'api-key').json('POST', '/v1/submit', answer, { body: { prompt: 'x' }, signal: signal() }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ProviderError);
    expect(refused).toMatchObject({ kind: 'invalid', message: expect.stringMatching(/^Gemini redirected POST \/v1\/submit \(HTTP 307\), and Stillmotion does not send your key, nor a request twice/) });
    expect(elsewhere.seen).toHaveLength(0);
  });

  it('round and round: refused after five redirects', async () => {
    const api = await serve({ '/loop': () => ({ status: 302, headers: { Location: '/loop' } }) });
    await expect(http(api.origin, 'api-key').json('GET', '/loop', answer, { signal: signal() })).rejects.toThrow('redirected more than 5 times');
    expect(api.seen).toHaveLength(6);
  });
});
