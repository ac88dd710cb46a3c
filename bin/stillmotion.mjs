#!/usr/bin/env node
// The `stillmotion` command: its build (dist-server/cli.js, made with the app's) when that is
// current, since a bundle starts in a fraction of the time; otherwise the TypeScript sources under
// tsx, resolved from this package, which rebuild the app before a run needs it.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildStaleness, ROOT } from '../scripts/ensure.mjs';

if (!buildStaleness()) {
  await import(pathToFileURL(join(ROOT, 'dist-server', 'cli.js')).href);
} else {
  const result = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'src/cli/main.ts'), ...process.argv.slice(2)], { stdio: 'inherit', cwd: process.cwd() });
  process.exit(result.status ?? 1);
}
