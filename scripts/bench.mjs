/**
 * `npm run bench [suite]`: runs bench/suites/<suite>.bench.ts (every suite when none is named).
 * Each suite prints its table and writes bench/results/<suite>.json; a suite that exits non-zero
 * (a correctness check failed) makes this exit non-zero after the others have run.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDependencies, ROOT, sh } from './ensure.mjs';

const SUITES_DIR = join(ROOT, 'bench', 'suites');
const SUFFIX = '.bench.ts';

const available = existsSync(SUITES_DIR)
  ? readdirSync(SUITES_DIR).filter((f) => f.endsWith(SUFFIX)).map((f) => f.slice(0, -SUFFIX.length)).sort()
  : [];

const wanted = process.argv[2];
if (wanted !== undefined && !available.includes(wanted)) {
  console.error(`no bench suite "${wanted}"; available: ${available.join(', ') || '(none)'}`);
  process.exit(2);
}

ensureDependencies();

const failed = [];
for (const suite of wanted === undefined ? available : [wanted]) {
  console.log(`\n== bench ${suite}`);
  const code = sh('npx', ['tsx', join('bench', 'suites', suite + SUFFIX)], { allowFailure: true });
  if (code !== 0) failed.push(suite);
}
if (failed.length > 0) {
  console.error(`\nbench failed: ${failed.join(', ')}`);
  process.exit(1);
}
