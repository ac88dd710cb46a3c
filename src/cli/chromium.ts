/** Headless Debian Chromium through playwright-core, with the flags this environment needs. */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.STILLMOTION_CHROMIUM ?? '/usr/bin/chromium';

/** The flags every Chromium here starts with: the CLI's, the benches' and the tests' shared one. */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--enable-unsafe-webgpu',
  '--use-webgpu-adapter=swiftshader',
  '--enable-unsafe-swiftshader',
];

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: found(), args: CHROMIUM_FLAGS, headless: true });
}

/** A browser whose profile (and so its storage) lives in `userDataDir`. */
export async function launchWithProfile(userDataDir: string, extraFlags: readonly string[] = []): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, { executablePath: found(), args: [...CHROMIUM_FLAGS, ...extraFlags], headless: true, viewport: { width: 1280, height: 720 } });
}

export function found(): string {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install it with "apt-get install -y chromium" (npm test does this when run as root)`);
  return CHROMIUM;
}
