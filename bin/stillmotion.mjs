#!/usr/bin/env node
// The CLI is TypeScript run by tsx, so it shares the app's sources as they are. tsx is resolved
// from this package, not from the folder the command runs in.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const result = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(root, 'src/cli/main.ts'), ...process.argv.slice(2)], { stdio: 'inherit', cwd: process.cwd() });
process.exit(result.status ?? 1);
