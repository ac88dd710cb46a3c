import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Vitest runs one project's files after the other's. The unit files came last, and many of them
 * mostly wait (the provider contract tests honour real Retry-After seconds): two at a time they
 * left the 2 cores a quarter busy for 40 s. Spread among the browser files, their waits overlap
 * a browser file's work. The order within each project is Vitest's own.
 */
class UnitFilesBetweenBrowserFiles extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const browser = sorted.filter((f) => f.project.name === 'browser');
    const others = sorted.filter((f) => f.project.name !== 'browser');
    const perBrowserFile = Math.ceil(others.length / Math.max(1, browser.length));
    return browser.length === 0 ? others : browser.flatMap((file, i) => [file, ...others.slice(i * perBrowserFile, (i + 1) * perBrowserFile)]);
  }
}

export default defineConfig({
  test: {
    sequence: { sequencer: UnitFilesBetweenBrowserFiles },
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
