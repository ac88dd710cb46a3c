/**
 * The Stillmotion server for Node tests: the real server (relay, guard, headers) over a stand-in
 * app (an index.html in a temporary folder), so a test needs no build.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAppServer, type AppServer, type AppServerOptions } from '../../src/server/app-server';

export async function startTestServer(options: Omit<AppServerOptions, 'dist'> = {}): Promise<AppServer> {
  const dist = mkdtempSync(join(tmpdir(), 'stillmotion-dist-'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Stillmotion</title>');
  writeFileSync(join(dist, 'app.js.map'), '{}');
  const server = await startAppServer({ dist, ...options });
  return {
    ...server,
    close: async () => {
      await server.close();
      rmSync(dist, { recursive: true, force: true });
    },
  };
}
