/**
 * `npm test`: everything a fresh clone needs, then the type check, then the tests.
 * Extra arguments go to vitest, e.g. `npm test -- test/engine.test.ts`.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuild, ensureChromium, ensureDependencies, ROOT, sh } from './ensure.mjs';

const started = Date.now();

function step(name) {
  console.log(`\n== ${name}`);
}

step('install');
ensureDependencies();

step('chromium');
const chromium = ensureChromium();
console.log(chromium);

// The browser tests load the production build, so it must be current before they start.
step('build');
ensureBuild();

step('typecheck');
sh('npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
console.log('no type errors');

step('tests');
const report = join(ROOT, 'test-results', 'vitest.json');
rmSync(report, { force: true });
const code = sh('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)], {
  env: { ...process.env, STILLMOTION_CHROMIUM: chromium },
  allowFailure: true,
});
console.log(`\n${code === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
// The plain closing line CI reads: counts from vitest's own JSON report.
if (existsSync(report)) {
  const { numPassedTests, numFailedTests, numPendingTests, numTodoTests } = JSON.parse(readFileSync(report, 'utf8'));
  console.log(`tests: ${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests + numTodoTests} skipped`);
}
process.exit(code);
