/**
 * In Chromium, as a page served without the Stillmotion server calls a provider straight (direct
 * mode): a key sent in the provider's own header never follows a redirect to another origin.
 * A browser hides where a manual redirect leads (an opaque redirect), so the key is never sent
 * after one; a GET is followed without it, and the key goes again only where that lands on the
 * provider's own API; a redirect only the key unlocks is refused with what to do (the server's
 * relay follows it). src/providers/http.ts, bundled into a blank page.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedBrowser } from './chromium';

let browser: Browser;
let page: Page;
const servers: Server[] = [];

interface Seen {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

/** A server that answers browsers (CORS, as the Gemini API does) and logs every request but preflights. */
async function serve(routes: Record<string, (headers: IncomingHttpHeaders) => { status: number; headers?: Record<string, string>; body?: string }>): Promise<{ origin: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': 'x-goog-api-key, api-key, accept, content-type', 'Access-Control-Allow-Methods': 'GET, POST' };
  const server = createServer((req, res) => {
    if (req.method === 'OPTIONS') return void res.writeHead(204, cors).end();
    seen.push({ method: req.method!, path: req.url!, headers: req.headers });
    const route = routes[req.url!.split('?')[0]!];
    const answer = route ? route(req.headers) : { status: 404, body: '{"error":"not found"}' };
    res.writeHead(answer.status, { ...cors, 'Content-Type': 'application/json', ...answer.headers }).end(answer.body ?? '');
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

async function bundle(): Promise<string> {
  const entry = fileURLToPath(new URL('../../src/providers/http.ts', import.meta.url));
  const result = await build({ configFile: false, logLevel: 'warn', build: { write: false, minify: false, lib: { entry, formats: ['es'], fileName: 'http' } } });
  const outputs = (Array.isArray(result) ? result : [result]) as { output: { type: string; code?: string }[] }[];
  return outputs.flatMap((o) => o.output).find((o) => o.type === 'chunk')!.code!;
}

/** ProviderHttp.json (or its error's kind and message) in the page, with the key in `header`. */
function call(origin: string, header: string, method: string, path: string): Promise<unknown> {
  return page.evaluate(
    async ({ origin, header, method, path }) => {
      const { ProviderHttp } = (globalThis as any).http;
      const http = new ProviderHttp({ name: 'Gemini', origin, authorize: async () => ({ [header]: 'secret-key' }), timeoutMs: 5000 });
      const schema = { safeParse: (data: unknown) => ({ success: true, data }) };
      return http.json(method, path, schema, { signal: new AbortController().signal, ...(method === 'POST' ? { body: { prompt: 'x' } } : {}) }).catch((e: { kind: string; message: string }) => ({ kind: e.kind, message: e.message }));
    },
    { origin, header, method, path },
  );
}

beforeAll(async () => {
  browser = await sharedBrowser();
  page = await browser.newPage();
  const url = await page.evaluate((code) => URL.createObjectURL(new Blob([code], { type: 'text/javascript' })), await bundle());
  // A string, so Vitest does not rewrite this import() for Node.
  await page.evaluate(`import(${JSON.stringify(url)}).then((module) => { globalThis.http = module; })`);
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((s) => new Promise((done) => s.close(done))));
});

describe('a keyed request redirected, in Chromium', () => {
  it.each(['x-goog-api-key', 'api-key'])('to another origin: %s never reaches it, and the answer comes back', async (header) => {
    const elsewhere = await serve({ '/file': () => ({ status: 200, body: '{"ok":true}' }) });
    const api = await serve({ '/v1/thing': () => ({ status: 302, headers: { Location: `${elsewhere.origin}/file` } }) });
    expect(await call(api.origin, header, 'GET', '/v1/thing')).toEqual({ ok: true });
    expect(api.seen[0]!.headers[header]).toBe('secret-key');
    expect(elsewhere.seen.length).toBeGreaterThan(0);
    expect(elsewhere.seen.map((s) => s.headers[header])).toEqual(elsewhere.seen.map(() => undefined));
  });

  it('to its own API, given without the key: the key goes again, there only', async () => {
    const api = await serve({
      '/v1beta/files/f:download': () => ({ status: 302, headers: { Location: '/download/v1beta/files/f:download?alt=media' } }),
      '/download/v1beta/files/f:download': (headers) => (headers['x-goog-api-key'] === 'secret-key' ? { status: 200, body: '{"ok":true}' } : { status: 403, body: '{"error":"no key"}' }),
    });
    expect(await call(api.origin, 'x-goog-api-key', 'GET', '/v1beta/files/f:download?alt=media')).toEqual({ ok: true });
    expect(api.seen.at(-1)).toMatchObject({ path: '/download/v1beta/files/f:download?alt=media', headers: { 'x-goog-api-key': 'secret-key' } });
  });

  it('that only the key unlocks (as Gemini downloads answer): refused, saying to open the app through its server', async () => {
    const api = await serve({
      '/v1beta/files/f:download': (headers) => (headers['x-goog-api-key'] ? { status: 302, headers: { Location: '/download/v1beta/files/f:download?alt=media' } } : { status: 403, body: '{"error":"no key"}' }),
      '/download/v1beta/files/f:download': () => ({ status: 200, body: '{"ok":true}' }),
    });
    expect(await call(api.origin, 'x-goog-api-key', 'GET', '/v1beta/files/f:download?alt=media')).toEqual({
      kind: 'invalid',
      message: expect.stringMatching(/^Gemini redirected GET \/v1beta\/files\/f:download, and Stillmotion does not send your key.*Open Stillmotion through `npm start`, whose server follows redirects itself/),
    });
    expect(api.seen.filter((s) => s.path.startsWith('/download'))).toEqual([]);
  });

  it('with a body: refused, saying so, and nothing sent where it pointed', async () => {
    const elsewhere = await serve({ '/submit': () => ({ status: 200, body: '{"ok":true}' }) });
    const api = await serve({ '/v1/submit': () => ({ status: 307, headers: { Location: `${elsewhere.origin}/submit` } }) });
    expect(await call(api.origin, 'api-key', 'POST', '/v1/submit')).toEqual({
      kind: 'invalid',
      message: expect.stringMatching(/^Gemini redirected POST \/v1\/submit, and Stillmotion does not send your key, nor a request twice, after a redirect it cannot check; nothing more was sent\. Open Stillmotion through `npm start`/),
    });
    expect(elsewhere.seen).toHaveLength(0);
  });
});
