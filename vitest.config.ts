import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Two cores: a browser file mostly waits on Chromium, so a second file (unit or browser) fills the gap.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'unit',
          // Files share a worker's loaded modules instead of loading them again each (a third
          // of the unit time was imports); tests that stub globals unstub them.
          isolate: false,
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/browser/serve.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // The UI answers within a frame on a quiet machine; CI shares 2 cores with Chromium and
          // the build, so polls wait up to 10 s before calling a late answer a failure.
          expect: { poll: { timeout: 10_000 } },
        },
      },
    ],
  },
});
