/** Builds a bench page (bench/pages/NAME) into a temporary folder with Vite and serves it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';

export async function servePage(name: string): Promise<{ url: string; close: () => Promise<void> }> {
  const root = fileURLToPath(new URL(`../pages/${name}/`, import.meta.url));
  const outDir = mkdtempSync(join(tmpdir(), `stillmotion-bench-${name}-`));
  await build({ root, configFile: false, logLevel: 'warn', build: { outDir, emptyOutDir: true, target: 'es2022' } });
  const server = await preview({ root, configFile: false, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 0, strictPort: false } });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('preview server has no port');
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: async () => {
      await server.close();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}
