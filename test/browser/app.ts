/** Helpers that read the app's own state off the page. */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** How many runs the run log has seen finish. */
const finishedRuns = (page: Page) => page.locator('.run-log li').filter({ hasText: /Run (done|failed|cancelled)/ }).count();

/** Starts a run with `trigger` and waits until that run (not an earlier one) has finished. */
export async function runAndWait(page: Page, trigger: () => Promise<void>): Promise<void> {
  const before = await finishedRuns(page);
  await trigger();
  await expect.poll(() => finishedRuns(page), { timeout: 60_000 }).toBeGreaterThan(before);
}

/** The template picker, offered on a first start and on New. */
export const templatePicker = (page: Page) => page.getByRole('dialog', { name: 'Start from a template' });

/** A first start offers the templates over the offline demo; this closes them, keeping the demo. */
export async function keepTheDemo(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Keep the demo' }).click();
  await templatePicker(page).waitFor({ state: 'detached' });
}

/**
 * Makes the demo's clip 1 s long instead of 5, for tests whose subject is not the clip itself:
 * their runs then take seconds, not tens of them, on a busy machine.
 */
export async function shortenTheDemo(page: Page): Promise<void> {
  await page.evaluate(() => (globalThis as any).stillmotion.commands.setParam('motion', 'duration', 1));
}
