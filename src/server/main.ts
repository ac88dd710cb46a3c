/**
 * `npm start` (after installing and building): the Stillmotion server on this machine.
 *
 *   npm start [-- --port 4173] [--host 0.0.0.0 --token SECRET --public-origin https://team.example]
 *             [--comfyui http://gpu-2:8188 ...] [--source-maps]
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startAppServer } from './app-server';

const USAGE = `usage: npm start -- [--port N] [--host ADDRESS --token TOKEN] [--public-origin URL ...] [--comfyui URL ...] [--source-maps]
  --port           where to listen (default 4173, or $PORT)
  --host           default 127.0.0.1 (this machine only); another address serves a team and needs --token
  --token          the access token every request must carry ($STILLMOTION_TOKEN; "random" makes one)
  --public-origin  an address the app is reached at through a reverse proxy, e.g. https://stillmotion.example
  --comfyui        a ComfyUI server the relay may reach from the start (more can be added in the app)
  --source-maps    also serve the build's source maps`;

export async function main(argv: readonly string[], root: string): Promise<void> {
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
        'source-maps': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) return void console.log(USAGE);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port ${values.port} is not a port number\n${USAGE}`);
    process.exit(2);
  }
  const token = values.token === 'random' ? randomBytes(24).toString('base64url') : values.token;
  const publicOrigins = values['public-origin'].map((o) => new URL(o).origin);
  try {
    const server = await startAppServer({
      dist: join(root, 'dist'),
      host: values.host,
      port,
      publicOrigins,
      comfyuiServers: values.comfyui,
      sourceMaps: values['source-maps'],
      ...(token ? { token } : {}),
    });
    const link = (base: string) => (token ? `${base}?token=${encodeURIComponent(token)}` : base);
    console.log(`Stillmotion: ${link(server.url)}`);
    for (const origin of publicOrigins) console.log(`         and ${link(`${origin}/`)}`);
    console.log('Provider calls go through this server (/relay); keys are passed on to each provider\'s API only, never stored or logged here.');
    const stop = () => void server.close().then(() => process.exit(0));
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, stop);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    console.error(`Stillmotion could not start: ${code === 'EADDRINUSE' ? `port ${port} is in use (another Stillmotion?); choose another with --port` : (error as Error).message}`);
    process.exit(1);
  }
}
