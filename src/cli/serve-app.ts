/**
 * The built app served on a free localhost port, as `npm start` serves it (building it first if
 * dist/ is absent). Used by the CLI, the browser tests' global setup and the browser benches.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build, preview } from 'vite';

export async function serveApp(root = process.cwd()): Promise<{ url: string; close: () => Promise<void> }> {
  if (!existsSync(join(root, 'dist/index.html'))) await build({ root, logLevel: 'warn' });
  const server = await preview({ root, preview: { port: 0, host: '127.0.0.1', strictPort: false }, logLevel: 'warn' });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('preview server has no port');
  return { url: `http://127.0.0.1:${address.port}/`, close: () => server.close() };
}
