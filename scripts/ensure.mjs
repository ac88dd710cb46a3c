/**
 * Shared set-up steps for `npm start`, `npm test` and `npm run bench`: each step checks first and
 * does nothing when the work is already done, so a fresh clone needs one command and a warm
 * checkout pays only for a few stat calls.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: every path below is relative to it, whatever the caller's cwd. */
export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

const CHROMIUM = '/usr/bin/chromium';
const INSTALL_HINT = 'sudo apt-get install -y chromium ffmpeg';

/** Runs a command with inherited stdio from the root; exits with its code when it fails. */
export function sh(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', ...options });
  if (result.error) {
    console.error(`could not run ${command}: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0 && !options.allowFailure) {
    console.error(`${[command, ...args].join(' ')} failed (${result.signal ?? `exit ${result.status}`})`);
    process.exit(result.status || 1);
  }
  return result.status ?? 1;
}

/** `npm ci` when node_modules is absent or was installed from a different lockfile. */
export function ensureDependencies() {
  const reason = dependencyStaleness();
  if (!reason) return false;
  console.log(`installing dependencies (${reason})`);
  sh('npm', ['ci']);
  return true;
}

/** Why node_modules needs a reinstall, or undefined when it matches package-lock.json. */
function dependencyStaleness() {
  const lockPath = join(ROOT, 'package-lock.json');
  const hiddenPath = join(ROOT, 'node_modules', '.package-lock.json');
  if (!existsSync(join(ROOT, 'node_modules'))) return 'node_modules is missing';
  if (!existsSync(hiddenPath)) return 'node_modules has no install record';
  if (!existsSync(lockPath)) return undefined; // nothing to compare against; npm ci would refuse anyway
  if (statSync(lockPath).mtimeMs > statSync(hiddenPath).mtimeMs) return 'package-lock.json changed since the last install';
  if (!sameInstall(readJson(lockPath), readJson(hiddenPath))) return 'node_modules does not match package-lock.json';
  return undefined;
}

/**
 * npm's record of what it installed (node_modules/.package-lock.json) never equals the lockfile
 * byte for byte: it omits the root entry and optional packages for other platforms. So compare
 * what matters: every installed package is locked at the same version and integrity, and every
 * required locked package is installed.
 */
function sameInstall(lock, installed) {
  const locked = lock?.packages ?? {};
  const have = installed?.packages ?? {};
  for (const [path, entry] of Object.entries(have)) {
    const want = locked[path];
    if (!want || want.version !== entry.version || want.integrity !== entry.integrity) return false;
  }
  for (const [path, entry] of Object.entries(locked)) {
    if (path === '' || entry.optional || entry.link) continue;
    if (!(path in have)) return false;
  }
  return true;
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined; // unreadable counts as "differs", so we reinstall
  }
}

/**
 * The tests drive the system Chromium (never a downloaded one) and use ffmpeg as an oracle.
 * As root we install them from Debian; otherwise we say what to run and stop.
 */
export function ensureChromium() {
  const missing = missingTools();
  if (missing.length === 0) return CHROMIUM;
  if (process.getuid?.() === 0) {
    console.log(`installing ${missing.join(' and ')} from apt`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    sh('apt-get', ['update'], { env });
    sh('apt-get', ['install', '-y', 'chromium', 'ffmpeg'], { env });
    if (!existsSync(CHROMIUM)) {
      console.error(`apt-get finished but ${CHROMIUM} is still missing`);
      process.exit(1);
    }
    return CHROMIUM;
  }
  const onlyFfmpeg = missing.length === 1 && missing[0] === 'ffmpeg';
  console.error(`missing: ${missing.join(', ')}${missing.includes('chromium') ? ` (expected at ${CHROMIUM})` : ''}`);
  console.error(`install with: ${INSTALL_HINT}`);
  if (onlyFfmpeg) return CHROMIUM; // tests needing the ffmpeg oracle will say so; the rest can run
  process.exit(1);
}

function missingTools() {
  const missing = [];
  if (!existsSync(CHROMIUM)) missing.push('chromium');
  if (!onPath('ffmpeg')) missing.push('ffmpeg');
  return missing;
}

function onPath(name) {
  return (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(join(dir, name)));
}

/** What a production build is made from; a change to any of these makes dist/ stale. */
const BUILD_INPUTS = ['src', 'public', 'index.html', 'vite.config.ts', 'package-lock.json'];

/** What the two builds write: the app, and the server and the CLI that serve it. */
const BUILD_OUTPUTS = [join(ROOT, 'dist', 'index.html'), join(ROOT, 'dist-server', 'main.js'), join(ROOT, 'dist-server', 'cli.js')];

/** Why the builds are stale (an output missing, or an input newer than it), or undefined when they are current. */
export function buildStaleness() {
  const missing = BUILD_OUTPUTS.find((p) => !existsSync(p));
  if (missing) return `${missing.slice(ROOT.length + 1)} is missing`;
  const built = Math.min(...BUILD_OUTPUTS.map((p) => statSync(p).mtimeMs));
  const newer = BUILD_INPUTS.map((p) => newestFile(join(ROOT, p))).find((f) => f && f.mtimeMs > built);
  return newer && `${newer.path.slice(ROOT.length + 1)} changed`;
}

/** `vite build` (the app) and `vite build --ssr` (the server and the CLI) unless both are newer than every build input. */
export function ensureBuild() {
  const reason = buildStaleness();
  if (!reason) {
    console.log('build is up to date');
    return false;
  }
  console.log(`building: ${reason}`);
  sh('npx', ['vite', 'build']);
  sh('npx', ['vite', 'build', '--ssr']);
  return true;
}

/** The most recently modified file at or under `path`, or undefined when there is none. */
function newestFile(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return undefined;
  }
  if (!stat.isDirectory()) return { path, mtimeMs: stat.mtimeMs };
  let newest;
  for (const name of readdirSync(path)) {
    const found = newestFile(join(path, name));
    if (found && (!newest || found.mtimeMs > newest.mtimeMs)) newest = found;
  }
  return newest;
}
