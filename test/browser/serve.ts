/** Global setup for browser tests: serves the built app and tells the tests where. */
import type { TestProject } from 'vitest/node';
import { serveApp } from './serve-app';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const app = await serveApp();
  project.provide('baseUrl', app.url);
  return app.close;
}
