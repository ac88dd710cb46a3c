/** Headless Debian Chromium through playwright-core, with the flags this environment needs. */
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { inject } from 'vitest';

export { launchWithProfile } from '../../src/cli/chromium';

/**
 * A connection to the Chromium the browser tests share, started once by the global setup
 * (serve.ts): a launch of its own cost each file 1.2 CPU-s. Closing it closes this file's pages
 * and contexts, and leaves the browser to the others.
 */
export function sharedBrowser(): Promise<Browser> {
  return chromium.connect(inject('browserEndpoint'));
}

/** Collects uncaught page errors and console errors, so a test can assert there were none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // Refusals by our own Content-Security-Policy are what the CSP test provokes, not faults; nor is
    // the browser's own guess at /favicon.ico for a page without an icon (fresh-app's waiting page).
    const ours = !m.text().includes('Content Security Policy') && !m.location().url.endsWith('/favicon.ico');
    if (m.type() === 'error' && ours) errors.push(`console: ${m.text()}`);
  });
  return errors;
}

export const ARTIFACTS = 'test-results/screenshots';

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}/${name}.png` });
}
