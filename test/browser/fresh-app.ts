/**
 * The app as a first visit sees it (storage empty, so nothing comes from an earlier test's cache,
 * workflows or keys), without paying for a new browser context each time: a new context costs a
 * new renderer that compiles the whole app again, 4.0 CPU-s a load here against 1.1 for this.
 * One page per browser is kept; before each use its origin's storage is wiped while it shows a
 * file of that origin, which keeps the renderer and holds no database open.
 */
import type { Browser, CDPSession, Page } from 'playwright-core';
import { inject } from 'vitest';
import { watchErrors } from './chromium';

/** The page, and the errors it raised since freshApp last gave it out. */
export interface AppPage {
  page: Page;
  errors: string[];
}

const pages = new WeakMap<Browser, Promise<AppPage & { cdp: CDPSession }>>();

async function open(browser: Browser): Promise<AppPage & { cdp: CDPSession }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  return { page, errors: watchErrors(page), cdp: await context.newCDPSession(page) };
}

/** The app at `url` (the tests' server unless named) in `browser`'s kept page, its storage empty, once drawn. */
export async function freshApp(browser: Browser, url: string = inject('baseUrl')): Promise<AppPage> {
  let opened = pages.get(browser);
  if (!opened) pages.set(browser, (opened = open(browser)));
  const app = await opened;
  const { origin } = new URL(url);
  await app.page.goto(`${origin}/favicon.svg`);
  await app.cdp.send('Storage.clearDataForOrigin', { origin, storageTypes: 'all' });
  app.errors.length = 0;
  await app.page.goto(url);
  await app.page.locator('.react-flow__node').first().waitFor();
  return app;
}
