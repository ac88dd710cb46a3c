/**
 * `npm start`: install if needed, build if stale, then the Stillmotion server (src/server, built
 * into dist-server/): the built app, its security headers, and the relay for provider calls.
 * Serving dist/ (not the dev server) means what you see is what ships. Arguments after `--` go
 * to the server (`npm start -- --help`).
 */
import { ensureBuild, ensureDependencies, ROOT } from './ensure.mjs';

ensureDependencies();
ensureBuild();
process.chdir(ROOT);
await import('../dist-server/main.js');
