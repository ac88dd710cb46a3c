/**
 * The Stillmotion server: the app with its security headers, a guard that lets only the app
 * itself in, and a relay that reaches each provider's own hosts and nothing else. The provider
 * protocols themselves run through the relay in every provider's contract (test/providers/contract.ts).
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { serverSegment } from '../../src/providers/comfyui/server-address';
import type { AppServer } from '../../src/server/app-server';
import { isPrivateAddress, TrustedHosts } from '../../src/server/private-network';
import { testVideo } from '../providers/fixtures';
import type { FakeProvider } from '../providers/kit';
import { fakeComfyui } from '../providers/servers/comfyui';
import { fakeReplicate } from '../providers/servers/replicate';
import { startTestServer } from '../support/app-server';

const open: { close(): Promise<void> | void }[] = [];
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.close();
});

async function app(options: Parameters<typeof startTestServer>[0] = {}): Promise<AppServer> {
  const server = await startTestServer(options);
  open.push(server);
  return server;
}

async function fake<T extends FakeProvider>(server: T): Promise<T> {
  await server.start();
  open.push(server);
  return server;
}

/** A plain HTTP server answering with `handler`, for upstreams the fakes do not cover. */
async function upstream(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  open.push({ close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const relayCode = (response: Response) => response.headers.get('x-stillmotion-relay');

describe('The Stillmotion server serves the app', () => {
  it('with its Content-Security-Policy, frame-ancestors none and the other security headers', async () => {
    const { url } = await app();
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'self'.*frame-ancestors 'none'/);
    // The page it serves connects to its own origin only: every provider and proxy through the relay.
    expect(response.headers.get('content-security-policy')).toContain("connect-src 'self' blob: data:;");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('permissions-policy')).toContain('camera=()');
    expect(response.headers.get('cache-control')).toBe('no-cache');
  });

  it('without source maps unless asked for them', async () => {
    expect((await fetch(`${(await app()).url}app.js.map`)).status).toBe(404);
    expect((await fetch(`${(await app({ sourceMaps: true })).url}app.js.map`)).status).toBe(200);
  });

  it('says which upstreams it relays to', async () => {
    const body = await (await fetch(`${(await app()).url}api/server`)).json();
    expect(body).toMatchObject({ app: 'stillmotion', relay: { comfyui: true, providers: { replicate: { keyed: ['https://api.replicate.com'] }, fal: { keyed: ['https://queue.fal.run', 'https://rest.fal.ai'] } } } });
  });
});

describe('Only the app itself may use the server', () => {
  it('refuses a request for another host name, as a DNS-rebinding page would send', async () => {
    const { url } = await app();
    // fetch will not send another Host header; a raw request will, as a rebinding page's browser does.
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      request(url, { headers: { Host: 'evil.example' } }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      }).on('error', reject).end();
    });
    expect(answer.status).toBe(421);
    expect(answer.body).toMatch(/answers only at http:\/\/127\.0\.0\.1:\d+/);
  });

  it('refuses another site: a foreign Origin, or a cross-site fetch of the relay', async () => {
    const { url } = await app();
    expect((await fetch(`${url}api/server`, { headers: { Origin: 'https://evil.example' } })).status).toBe(403);
    expect((await fetch(`${url}relay/replicate/v1/predictions`, { headers: { 'Sec-Fetch-Site': 'cross-site' } })).status).toBe(403);
    expect((await fetch(`${url}api/server`, { headers: { Origin: new URL(url).origin, 'Sec-Fetch-Site': 'same-origin' } })).status).toBe(200);
  });

  it('will not serve beyond this machine without an access token', async () => {
    await expect(startTestServer({ host: '0.0.0.0' })).rejects.toThrow(/give an access token/);
  });

  it('asks for the token, which a link sets once as an HTTP-only cookie', async () => {
    const { url } = await app({ token: 'team-secret' });
    expect((await fetch(url)).status).toBe(401);
    const link = await fetch(`${url}?token=team-secret`, { redirect: 'manual' });
    expect(link.status).toBe(303);
    expect(link.headers.get('location')).toBe('/');
    const cookie = link.headers.get('set-cookie')!;
    expect(cookie).toMatch(/stillmotion-token=team-secret;.*HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect((await fetch(url, { headers: { Cookie: cookie.split(';')[0]! } })).status).toBe(200);
    expect((await fetch(url, { headers: { Cookie: 'stillmotion-token=wrong' } })).status).toBe(401);
  });
});

describe('The relay reaches each provider and nothing else', () => {
  async function relayed() {
    const replicate = await fake(fakeReplicate(testVideo(), 'r8-key'));
    const server = await app({ upstreams: { replicate: replicate.upstream() } });
    return { replicate, base: `${server.url}relay/replicate/` };
  }

  it("passes a call to the provider's API with its key, and the answer back", async () => {
    const { replicate, base } = await relayed();
    const response = await fetch(`${base}v1/predictions/nope`, { headers: { Authorization: 'Bearer r8-key' } });
    expect(response.status).toBe(404);
    const seen = replicate.log.at(-1)!;
    expect(seen.path).toBe('/v1/predictions/nope');
    expect(seen.headers.authorization).toBe('Bearer r8-key');
    expect(seen.headers.host).toBe(new URL(replicate.url).host);
  });

  it("does not pass on the browser's own headers: cookies, origin, fetch metadata", async () => {
    const { replicate, base } = await relayed();
    await fetch(`${base}v1/predictions/x`, { headers: { Cookie: 'stillmotion-token=t', Referer: 'http://127.0.0.1/', 'Sec-Fetch-Mode': 'cors' } });
    const { headers } = replicate.log.at(-1)!;
    expect(headers.cookie).toBeUndefined();
    expect(headers.referer).toBeUndefined();
    expect(headers['sec-fetch-mode']).toBeUndefined();
  });

  it('reaches a host on the provider\'s list without a key, and refuses a key headed there', async () => {
    const { replicate, base } = await relayed();
    const cdn = `@${new URL(replicate.cdnUrl).host}/files/x.mp4`;
    const plain = await fetch(`${base}${cdn}`);
    expect(plain.status).toBe(200);
    expect((await plain.arrayBuffer()).byteLength).toBe(testVideo().length);
    const keyed = await fetch(`${base}${cdn}`, { headers: { Authorization: 'Bearer r8-key' } });
    expect(keyed.status).toBe(403);
    expect(relayCode(keyed)).toBe('key-to-open-host');
    expect(replicate.log.filter((r) => r.cdn)).toHaveLength(1);
  });

  it('refuses a host off the list, and a provider it does not know', async () => {
    const { base } = await relayed();
    const off = await fetch(`${base}@evil.example/steal`);
    expect(off.status).toBe(403);
    expect(relayCode(off)).toBe('off-list');
    expect(await off.json()).toMatchObject({ error: expect.stringContaining("evil.example is not on replicate's list") });
    const unknown = await fetch(`${base.replace('/replicate/', '/nobody/')}x`);
    expect(unknown.status).toBe(404);
  });

  it('follows a redirect to a host on the list without the key, and refuses one off the list', async () => {
    const cdn = await upstream((req, res) => res.writeHead(200, { 'Content-Type': 'text/plain', 'X-Seen-Auth': String(req.headers.authorization) }).end('from the cdn'));
    const api = await upstream((req, res) => {
      const to = req.url === '/to-cdn' ? `${cdn.url}/file` : req.url === '/to-api' ? '/final' : req.url === '/final' ? undefined : 'https://evil.example/file';
      if (to) return res.writeHead(302, { Location: to }).end();
      res.writeHead(200, { 'X-Seen-Auth': String(req.headers.authorization) }).end('from the api');
    });
    const server = await app({ upstreams: { replicate: { keyed: [api.url], open: [cdn.url] } } });
    const base = `${server.url}relay/replicate/`;
    const auth = { Authorization: 'Bearer r8-key' };

    const toCdn = await fetch(`${base}to-cdn`, { headers: auth });
    expect(await toCdn.text()).toBe('from the cdn');
    expect(toCdn.headers.get('x-seen-auth')).toBe('undefined');
    const withinApi = await fetch(`${base}to-api`, { headers: auth });
    expect(await withinApi.text()).toBe('from the api');
    expect(withinApi.headers.get('x-seen-auth')).toBe('Bearer r8-key');
    const off = await fetch(`${base}to-evil`, { headers: auth });
    expect(off.status).toBe(403);
    expect(relayCode(off)).toBe('off-list');
    expect(off.headers.get('location')).toBeNull();
  });

  it("passes a provider's calls, key included, to a proxy the user set for it, once the page has added it", async () => {
    const cdn = await upstream((req, res) => res.writeHead(200, { 'X-Seen-Auth': String(req.headers.authorization) }).end('from the cdn'));
    const proxy = await upstream((req, res) => {
      if (req.url === '/v1/to-cdn') return res.writeHead(302, { Location: `${cdn.url}/file` }).end();
      if (req.url === '/v1/to-elsewhere') return res.writeHead(302, { Location: 'https://evil.example/file' }).end();
      res.writeHead(200, { 'X-Seen-Auth': String(req.headers.authorization), 'X-Path': req.url! }).end('from the proxy');
    });
    const server = await app({ upstreams: { replicate: { keyed: ['https://api.replicate.com'], open: [cdn.url] } } });
    const base = `${server.url}relay/replicate/~${serverSegment(proxy.url)}/`;
    const auth = { Authorization: 'Bearer r8-key' };

    const before = await fetch(`${base}v1/predictions`, { headers: auth });
    expect(before.status).toBe(403);
    expect(relayCode(before)).toBe('not-added');
    const added = await fetch(`${server.url}api/endpoints`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ provider: 'replicate', url: `${proxy.url}/some/path` }) });
    expect(await added.json()).toEqual({ origin: proxy.url, relay: `/relay/replicate/~${serverSegment(proxy.url)}/` });

    const call = await fetch(`${base}v1/predictions?wait=1`, { headers: auth });
    expect(await call.text()).toBe('from the proxy');
    expect(call.headers.get('x-seen-auth')).toBe('Bearer r8-key');
    expect(call.headers.get('x-path')).toBe('/v1/predictions?wait=1');
    // A redirect to the provider's CDN goes without the key; anywhere else is refused.
    const toCdn = await fetch(`${base}v1/to-cdn`, { headers: auth });
    expect(await toCdn.text()).toBe('from the cdn');
    expect(toCdn.headers.get('x-seen-auth')).toBe('undefined');
    expect(relayCode(await fetch(`${base}v1/to-elsewhere`, { headers: auth }))).toBe('off-list');
    // Added for one provider only, and only a provider the relay knows.
    expect(relayCode(await fetch(`${server.url}relay/fal/~${serverSegment(proxy.url)}/x`, { headers: auth }))).toBe('not-added');
    const bad = await fetch(`${server.url}api/endpoints`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ provider: 'nobody', url: proxy.url }) });
    expect(bad.status).toBe(400);
  });

  it('never lets a provider set cookies on the app, nor pass a redirect to the page', async () => {
    const api = await upstream((_req, res) => res.writeHead(200, { 'Set-Cookie': 'tracker=1', 'Access-Control-Allow-Origin': '*' }).end('{}'));
    const server = await app({ upstreams: { replicate: { keyed: [api.url], open: [] } } });
    const response = await fetch(`${server.url}relay/replicate/x`);
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('says when a provider cannot be reached, and that nothing was sent', async () => {
    const gone = await upstream(() => undefined);
    await new Promise<void>((resolve) => gone.server.close(() => resolve()));
    const server = await app({ upstreams: { replicate: { keyed: [gone.url], open: [] } } });
    const response = await fetch(`${server.url}relay/replicate/v1/predictions`, { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } });
    expect(response.status).toBe(502);
    expect(relayCode(response)).toBe('unreachable');
    expect((await response.json()).error).toMatch(/could not reach replicate .*nothing was sent/);
  });

  it('ends a provider that does not answer in time, and says the answer was lost', async () => {
    const slow = await upstream(() => undefined);
    const server = await app({ upstreams: { replicate: { keyed: [slow.url], open: [] } }, limits: { headersMs: 200 } });
    const response = await fetch(`${server.url}relay/replicate/v1/predictions`, { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } });
    expect(response.status).toBe(504);
    expect(relayCode(response)).toBe('timeout');
  });

  it('refuses an answer over its size cap with a clear message', async () => {
    const big = await upstream((_req, res) => res.writeHead(200, { 'Content-Length': String(64 * 1024) }).end(Buffer.alloc(64 * 1024)));
    const server = await app({ upstreams: { replicate: { keyed: [big.url], open: [] } }, limits: { responseBytes: 1024 } });
    const response = await fetch(`${server.url}relay/replicate/file`);
    expect(response.status).toBe(413);
    expect((await response.json()).error).toMatch(/answered with 65536 bytes, over the relay's limit of 1024/);
  });

  it('streams a large body through without holding it', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 7);
    const total = 256;
    const source = await upstream((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(total * chunk.length) });
      let sent = 0;
      const pump = () => {
        while (sent < total) {
          sent++;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    const server = await app({ upstreams: { replicate: { keyed: [source.url], open: [] } } });
    const before = process.memoryUsage().rss;
    let peak = before;
    let received = 0;
    const reader = (await fetch(`${server.url}relay/replicate/big`)).body!.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      received += read.value.byteLength;
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    expect(received).toBe(total * chunk.length);
    // 256 MiB passed; what the process grew by is buffers in flight, not the body.
    expect((peak - before) / 2 ** 20).toBeLessThan(96);
  });
});

describe('ComfyUI servers through the relay', () => {
  it('reaches a server only once it was added, and only its API routes', async () => {
    const comfy = await fake(fakeComfyui(testVideo()));
    const server = await app();
    const base = `${server.url}relay/comfyui/${serverSegment(comfy.url)}/`;
    const before = await fetch(`${base}queue`);
    expect(before.status).toBe(403);
    expect(relayCode(before)).toBe('not-added');
    const added = await fetch(`${server.url}api/comfyui/servers`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ url: `${comfy.url}/` }) });
    expect(await added.json()).toEqual({ url: comfy.url, relay: `/relay/comfyui/${serverSegment(comfy.url)}/` });
    expect((await fetch(`${base}queue`)).status).toBe(200);
    const other = await fetch(`${base}extensions/../../etc/passwd`);
    expect(other.status).toBeGreaterThanOrEqual(400);
    expect(relayCode(await fetch(`${base}some/admin/page`))).toBe('off-list');
  });

  it("does not pass the page's Origin on, so ComfyUI keeps its own origin check and needs no flag", async () => {
    const comfy = await fake(fakeComfyui(testVideo()));
    const server = await app({ comfyuiServers: [comfy.url] });
    const appOrigin = new URL(server.url).origin;
    // Straight from the page, ComfyUI refuses the app's origin, as the real server does.
    expect((await fetch(`${comfy.url}/queue`, { headers: { Origin: appOrigin } })).status).toBe(403);
    const relayedAnswer = await fetch(`${server.url}relay/comfyui/${serverSegment(comfy.url)}/queue`, { headers: { Origin: appOrigin } });
    expect(relayedAnswer.status).toBe(200);
    expect(comfy.log.at(-1)!.headers.origin).toBeUndefined();
  });

  it('bridges the progress socket both ways, binary previews included, without the Origin', async () => {
    const sockets = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => sockets.once('listening', resolve));
    open.push({ close: () => new Promise<void>((resolve) => sockets.close(() => resolve())) });
    const origins: (string | undefined)[] = [];
    sockets.on('connection', (socket, request) => {
      origins.push(request.headers.origin);
      socket.send(JSON.stringify({ type: 'status', data: { sid: new URL(request.url!, 'http://x').searchParams.get('clientId') } }));
      socket.on('message', (data, binary) => socket.send(data, { binary }));
    });
    const comfy = `http://127.0.0.1:${(sockets.address() as AddressInfo).port}`;
    const server = await app({ comfyuiServers: [comfy] });
    const client = new WebSocket(`${server.url.replace('http:', 'ws:')}relay/comfyui/${serverSegment(comfy)}/ws?clientId=abc`, { origin: new URL(server.url).origin });
    const messages: { data: string | Buffer; binary: boolean }[] = [];
    client.on('message', (data, binary) => messages.push({ data: binary ? (data as Buffer) : data.toString(), binary }));
    await new Promise((resolve) => client.once('open', resolve));
    client.send(Buffer.from([0, 0, 0, 1, 0xff]), { binary: true });
    await expect.poll(() => messages.length).toBe(2);
    expect(JSON.parse(messages[0]!.data as string)).toEqual({ type: 'status', data: { sid: 'abc' } });
    expect(messages[1]).toEqual({ data: Buffer.from([0, 0, 0, 1, 0xff]), binary: true });
    expect(origins).toEqual([undefined]);
    client.close();
  });

  it('closes a socket for a server that was not added', async () => {
    const server = await app();
    const client = new WebSocket(`${server.url.replace('http:', 'ws:')}relay/comfyui/${serverSegment('http://10.0.0.9:8188')}/ws`);
    const closed = await new Promise<number>((resolve) => client.once('close', (code) => resolve(code)));
    expect(closed).toBe(1008);
  });
});

describe('Private addresses', () => {
  it('are loopback, private, link-local and unique-local ranges, mapped IPv4 included', () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.20', '169.254.169.254', '100.64.0.1', '::1', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1']) expect(isPrivateAddress(address)).toBe(true);
    for (const address of ['8.8.8.8', '142.250.0.1', '2606:4700::1']) expect(isPrivateAddress(address)).toBe(false);
  });

  it('are refused unless their host was added, names resolved included', async () => {
    const trusted = new TrustedHosts();
    expect(trusted.refusal('169.254.169.254')).toMatch(/private network address/);
    expect(trusted.refusal('localhost')).toMatch(/this machine/);
    trusted.add('192.168.1.20');
    expect(trusted.refusal('192.168.1.20')).toBeUndefined();
    const looked = await new Promise<NodeJS.ErrnoException | null>((resolve) => trusted.lookup('localhost', {}, (error) => resolve(error)));
    expect(looked?.code).toBe('ERR_STILLMOTION_PRIVATE');
    trusted.add('localhost');
    const allowed = await new Promise<NodeJS.ErrnoException | null>((resolve) => trusted.lookup('localhost', {}, (error) => resolve(error)));
    expect(allowed).toBeNull();
  });
});
