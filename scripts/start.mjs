/**
 * `npm start`: install if needed, build if stale, then serve the production build locally.
 * Serving dist/ (not the dev server) means what you see is what ships.
 */
import { spawn } from 'node:child_process';
import { ensureBuild, ensureDependencies, ROOT } from './ensure.mjs';

const HOST = '127.0.0.1';
const port = process.env.PORT || '4173';

ensureDependencies();
ensureBuild();

console.log(`Stillmotion: http://${HOST}:${port}/`);
// npx runs vite under `npm exec` and `sh -c`, which do not reliably pass signals on (a SIGTERM
// to npm leaves vite orphaned, still holding the port). So the server gets its own process group
// and signals go to the whole group.
const child = spawn('npx', ['vite', 'preview', '--host', HOST, '--port', port, '--strictPort'], {
  cwd: ROOT,
  stdio: 'inherit',
  detached: true,
});

function signalServer(signal) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is already gone
  }
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => signalServer(signal));
// If this script dies of an error, do not leave the server behind.
process.on('exit', () => signalServer('SIGTERM'));

child.on('error', (error) => {
  console.error(`could not start vite preview: ${error.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  process.exit(code ?? (signal ? 128 + signalNumber(signal) : 1));
});

function signalNumber(signal) {
  return { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 }[signal] ?? 1;
}
