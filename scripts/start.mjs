/**
 * `npm start`: install if needed, build if stale, then the Stillmotion server (src/server):
 * the built app, its security headers, and the relay for provider calls. Serving dist/ (not the
 * dev server) means what you see is what ships. Arguments after `--` go to the server.
 */
import { ensureBuild, ensureDependencies, ROOT } from './ensure.mjs';

ensureDependencies();
ensureBuild();

// tsx is installed by now, so the server's TypeScript can be loaded.
const { tsImport } = await import('tsx/esm/api');
const { main } = await tsImport('../src/server/main.ts', import.meta.url);
await main(process.argv.slice(2), ROOT);
