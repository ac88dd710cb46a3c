/** Headless Debian Chromium through playwright-core, with the flags this environment needs. */
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';

export { CHROMIUM, launch, launchWithProfile } from '../../src/cli/chromium';

/** Collects uncaught page errors and console errors, so a test can assert there were none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // Refusals by our own Content-Security-Policy are what the CSP test provokes, not faults; nor is
    // the browser's own guess at /favicon.ico for a page without an icon (run-graph's waiting page).
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
