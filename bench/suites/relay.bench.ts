/**
 * Suite `relay`: what the Stillmotion server's relay costs against calling the same upstream
 * directly, in one run on this machine (both over loopback, so the relay's own work is what
 * differs):
 * - latency added per request: median of sequential small JSON requests, relayed minus direct;
 * - throughput of a 500 MB download, relayed against direct (best of three each);
 * - the server process's peak RSS (VmHWM) while relaying a 500 MB download and a 500 MB upload.
 * The server runs in its own process, as `npm start` runs it (dist-server/main.js under plain
 * Node), so its memory is its own.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'node:http';
import type { Writable } from 'node:stream';
import { report, type BenchResult } from '../lib/report';
import { median, now, nsToMs, round } from '../lib/timing';

const SMALL_REQUESTS = 400;
const MIB = 1024 * 1024;
const BIG = 500 * MIB;
const CHUNK = Buffer.alloc(MIB, 0x5a);

/** Writes `total` bytes of CHUNK into `out` as fast as it drains, then ends it: nothing held. */
function pour(out: Writable, total: number): void {
  let sent = 0;
  const pump = () => {
    while (sent < total) {
      sent += CHUNK.length;
      if (!out.write(CHUNK)) return void out.once('drain', pump);
    }
    out.end();
  };
  pump();
}

/** An upstream that answers small JSON, streams BIG bytes, or swallows an upload. */
async function upstream(): Promise<string> {
  const server = createServer((req, res) => {
    if (req.url === '/small') return void res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1024' }).end(Buffer.alloc(1024, 0x20));
    if (req.method === 'POST') {
      let seen = 0;
      req.on('data', (c: Buffer) => (seen += c.length));
      return void req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ seen })));
    }
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(BIG) });
    pour(res, BIG);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The server as `npm start` runs it (the built bundle, plain Node), relaying Replicate's calls to `upstreamUrl`. */
async function relayServer(upstreamUrl: string): Promise<{ url: string; pid: number; stop: () => void }> {
  const build = spawnSync(process.execPath, ['--input-type=module', '-e', "import { ensureBuild } from './scripts/ensure.mjs'; ensureBuild();"], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('the build failed');
  const child = spawn(process.execPath, ['dist-server/main.js', '--port', '0', '--endpoint', `replicate=${upstreamUrl}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(/Stillmotion: (\S+)/.exec(d.toString())![1]!));
    child.once('exit', (code) => reject(new Error(`the server exited ${code}`)));
  });
  return { url, pid: child.pid!, stop: () => child.kill('SIGTERM') };
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** One request; resolves with the bytes received once the body is drained. */
function send(url: string, method = 'GET', body?: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, agent, headers: { Authorization: 'Bearer bench', ...(body ? { 'Content-Length': String(body), 'Content-Type': 'application/octet-stream' } : {}) } }, (res: IncomingMessage) => {
      let received = 0;
      res.on('data', (c: Buffer) => (received += c.length));
      res.on('end', () => (res.statusCode === 200 ? resolve(received) : reject(new Error(`${url}: HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    if (body) pour(req, body);
    else req.end();
  });
}

async function medianMs(url: string): Promise<number> {
  for (let i = 0; i < 50; i++) await send(url);
  const times: number[] = [];
  for (let i = 0; i < SMALL_REQUESTS; i++) {
    const start = now();
    await send(url);
    times.push(nsToMs(now() - start));
  }
  return median(times);
}

async function bestSeconds(url: string, method = 'GET', body?: number): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const start = now();
    await send(url, method, body);
    best = Math.min(best, nsToMs(now() - start) / 1000);
  }
  return best;
}

/** The process's peak resident set so far, from the kernel (Linux). */
const peakRssMib = (pid: number) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

const direct = await upstream();
const server = await relayServer(direct);
const relayed = `${server.url}relay/replicate`;
try {
  const directMs = await medianMs(`${direct}/small`);
  const relayedMs = await medianMs(`${relayed}/small`);
  const rssIdle = peakRssMib(server.pid);
  const directS = await bestSeconds(`${direct}/big`);
  const relayedS = await bestSeconds(`${relayed}/big`);
  const rssDownload = peakRssMib(server.pid);
  const uploadS = await bestSeconds(`${relayed}/upload`, 'POST', BIG);
  const rssUpload = peakRssMib(server.pid);
  const results: BenchResult[] = [
    { name: 'small_request_direct_ms', value: round(directMs), unit: 'ms (median)' },
    { name: 'small_request_relayed_ms', value: round(relayedMs), unit: 'ms (median)' },
    { name: 'download_500mb_direct_s', value: round(directS), unit: 's (best of 3)' },
    { name: 'download_500mb_relayed_s', value: round(relayedS), unit: 's (best of 3)' },
    { name: 'upload_500mb_relayed_s', value: round(uploadS), unit: 's (best of 3)' },
    { name: 'server_peak_rss_idle_mib', value: round(rssIdle, 1), unit: 'MiB (VmHWM after small requests)' },
    { name: 'server_peak_rss_download_mib', value: round(rssDownload, 1), unit: 'MiB (VmHWM)' },
    { name: 'server_peak_rss_upload_mib', value: round(rssUpload, 1), unit: 'MiB (VmHWM)' },
  ];
  report('relay', results, {
    relay_added_ms_per_request: round(relayedMs - directMs),
    relay_throughput_vs_direct: round(directS / relayedS),
    relay_peak_rss_mib_500mb: round(Math.max(rssDownload, rssUpload), 1),
  });
} finally {
  server.stop();
  agent.destroy();
}
