/**
 * The built app served by the Stillmotion server on a free localhost port, as `npm start` serves
 * it (building it first if dist/ is absent). Used by the CLI, the browser tests and the benches.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startAppServer, type AppServer, type AppServerOptions } from '../server/app-server';

export async function serveApp(root = process.cwd(), options: Omit<AppServerOptions, 'dist'> = {}): Promise<AppServer> {
  // Vite takes a second to load, so only a run without a build pays for it.
  if (!existsSync(join(root, 'dist/index.html'))) await (await import('vite')).build({ root, logLevel: 'warn' });
  return startAppServer({ dist: join(root, 'dist'), ...options });
}
