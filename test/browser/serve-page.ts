/** A test or bench page (a folder with index.html and main.ts) built with Vite and served locally. */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Page } from 'playwright-core';
import { build, preview } from 'vite';
import { sharedBrowser, watchErrors } from './chromium';

/**
 * Builds the page in folder `root` into a temporary folder, copies `files` beside it (served from
 * the root by their base names, so large inputs need not pass through page.evaluate), serves it.
 */
export async function servePage(root: string, files: readonly string[] = []): Promise<{ url: string; close: () => Promise<void> }> {
  const outDir = mkdtempSync(join(tmpdir(), `stillmotion-page-${basename(root)}-`));
  // Workers as ES modules, as the app builds them (ffmpeg.wasm's class worker needs it).
  await build({ root, configFile: false, logLevel: 'warn', worker: { format: 'es' }, build: { outDir, emptyOutDir: true, target: 'es2022' } });
  for (const file of files) copyFileSync(file, join(outDir, basename(file)));
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

/**
 * The page in folder `root`, served as servePage does, open in the tests' shared Chromium once
 * the page has defined `global`; its errors collected as watchErrors does; `close()` ends the page,
 * the connection and the server, and leaves the browser to the other files.
 */
export async function openTestPage(root: string, global: string): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
  const served = await servePage(root);
  const browser = await sharedBrowser();
  const page = await browser.newPage();
  const errors = watchErrors(page);
  await page.goto(served.url);
  await page.waitForFunction((name) => name in globalThis, global);
  return {
    page,
    errors,
    close: async () => {
      await browser.close();
      await served.close();
    },
  };
}
