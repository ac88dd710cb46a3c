/**
 * The Stillmotion server's command line. `npm start` builds it into dist-server/main.js and
 * runs it with plain Node, from the project's root:
 *
 *   npm start [-- --port 4173] [--host 0.0.0.0 --token SECRET --public-origin https://team.example]
 *             [--comfyui http://gpu-2:8188 ...] [--endpoint fal=http://127.0.0.1:9000 ...] [--source-maps]
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isRelayed, PROVIDER_ENDPOINTS, type RelayedProviderId } from '../providers/endpoints';
import { startAppServer } from './app-server';
import type { Upstream } from './relay';

const USAGE = `usage: npm start -- [--port N] [--host ADDRESS --token TOKEN] [--public-origin URL ...] [--comfyui URL ...]
                    [--endpoint PROVIDER=URL[,URL...] ...] [--dist FOLDER] [--source-maps]
  --port           where to listen (default 4173, or $PORT; 0 picks a free one)
  --host           default 127.0.0.1 (this machine only); another address serves a team and needs --token
  --token          the access token every request must carry ($STILLMOTION_TOKEN; "random" makes one)
  --public-origin  an address the app is reached at through a reverse proxy, e.g. https://stillmotion.example
  --comfyui        a ComfyUI server the relay may reach from the start (more are added in the app)
  --endpoint       relay a provider's calls to a proxy or test server instead of its own API; further
                   URLs are hosts it may reach without the key (${Object.keys(PROVIDER_ENDPOINTS).join(', ')})
  --dist           the built app to serve (default ./dist)
  --source-maps    also serve the build's source maps`;

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function endpoints(values: readonly string[]): Partial<Record<RelayedProviderId, Upstream>> {
  const upstreams: Partial<Record<RelayedProviderId, Upstream>> = {};
  for (const value of values) {
    const [id, urls] = [value.slice(0, value.indexOf('=')), value.slice(value.indexOf('=') + 1)];
    if (!isRelayed(id)) fail(`--endpoint ${value}: "${id}" is not a provider the server relays`);
    try {
      const [api, ...open] = urls.split(',').map((u) => new URL(u).origin);
      upstreams[id] = { keyed: [api!], open };
    } catch {
      fail(`--endpoint ${value}: expected ${id}=<http(s) URL>[,<http(s) URL>...]`);
    }
  }
  return upstreams;
}

async function main(argv: readonly string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string', default: process.env.PORT ?? '4173' },
        host: { type: 'string', default: '127.0.0.1' },
        token: { type: 'string', ...(process.env.STILLMOTION_TOKEN ? { default: process.env.STILLMOTION_TOKEN } : {}) },
        'public-origin': { type: 'string', multiple: true, default: [] },
        comfyui: { type: 'string', multiple: true, default: [] },
        endpoint: { type: 'string', multiple: true, default: [] },
        dist: { type: 'string', default: 'dist' },
        'source-maps': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) return void console.log(USAGE);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port ${values.port} is not a port number`);
  const token = values.token === 'random' ? randomBytes(24).toString('base64url') : values.token;
  let publicOrigins: string[] = [];
  try {
    publicOrigins = values['public-origin'].map((o) => new URL(o).origin);
  } catch {
    fail(`--public-origin ${values['public-origin'].join(' ')}: expected a web address such as https://stillmotion.example`);
  }
  try {
    const server = await startAppServer({
      dist: resolve(values.dist),
      host: values.host,
      port,
      publicOrigins,
      comfyuiServers: values.comfyui,
      upstreams: endpoints(values.endpoint),
      sourceMaps: values['source-maps'],
      ...(token ? { token } : {}),
    });
    const link = (base: string) => (token ? `${base}?token=${encodeURIComponent(token)}` : base);
    console.log(`Stillmotion: ${link(server.url)}`);
    for (const origin of publicOrigins) console.log(`         and ${link(`${origin}/`)}`);
    console.log("Provider calls go through this server (/relay); keys are passed on to each provider's API only, never stored or logged here.");
    const stop = () => void server.close().then(() => process.exit(0));
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, stop);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    console.error(`Stillmotion could not start: ${code === 'EADDRINUSE' ? `port ${port} is in use (another Stillmotion?); choose another with --port` : (error as Error).message}`);
    process.exit(1);
  }
}

await main(process.argv.slice(2));
