/**
 * Global setup for browser tests: serves the built app, starts the Chromium every test file
 * connects to (sharedBrowser), and tells the tests where both are.
 */
import { chromium } from 'playwright-core';
import type { TestProject } from 'vitest/node';
import { CHROMIUM_FLAGS, found } from '../../src/cli/chromium';
import { serveApp } from './serve-app';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    browserEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const app = await serveApp();
  const browser = await chromium.launchServer({ executablePath: found(), args: [...CHROMIUM_FLAGS], headless: true });
  project.provide('baseUrl', app.url);
  project.provide('browserEndpoint', browser.wsEndpoint());
  return async () => {
    await browser.close();
    await app.close();
  };
}
