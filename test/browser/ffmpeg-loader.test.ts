/**
 * The ffmpeg.wasm loader (src/media/ffmpeg/ffmpeg.ts) in headless Chromium, on a page built from
 * test/browser/pages/ffmpeg: it loads from our own build and runs a job; a job that goes silent
 * is ended by the watchdog with an error saying so, and the next job loads a fresh core; an input
 * too big for ffmpeg.wasm's memory is refused before anything is loaded.
 */
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FfmpegTest } from './pages/ffmpeg/main';
import { openTestPage } from './serve-page';

let page: Page;
let errors: string[];
let close: () => Promise<void>;

beforeAll(async () => {
  ({ page, errors, close } = await openTestPage(fileURLToPath(new URL('./pages/ffmpeg/', import.meta.url)), 'ffmpegTest'));
});

afterAll(async () => {
  await close?.();
});

const gif = (seconds: number, quiet: boolean, stallMs: number) =>
  page.evaluate((a) => (globalThis as unknown as { ffmpegTest: FfmpegTest }).ffmpegTest.gif(a.seconds, a.quiet, a.stallMs), { seconds, quiet, stallMs });

describe('ffmpeg.wasm loader', () => {
  it('loads the core from our own server and makes a file', async () => {
    const result = await gif(1, false, 30_000);
    expect(result.error).toBeUndefined();
    expect(result.bytes).toBeGreaterThan(1000);
    const requests = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
    expect(requests.filter((url) => /ffmpeg-core/.test(url)).every((url) => url.startsWith(location.origin))).toBe(true);
  });

  it('ends a run that stops reporting, says so, and runs the next job on a fresh core', async () => {
    const silent = await gif(60, true, 300);
    expect(silent).toMatchObject({ nodeError: true });
    expect(silent.error).toMatch(/ffmpeg\.wasm stopped making progress for 0 s and was ended/);
    const next = await gif(1, false, 30_000);
    expect(next.error).toBeUndefined();
    expect(next.bytes).toBeGreaterThan(1000);
  });

  it('refuses an input over 1 GiB with a message that gives the sizes', async () => {
    const message = await page.evaluate(() => (globalThis as unknown as { ffmpegTest: FfmpegTest }).ffmpegTest.oversized(1100));
    expect(message).toBe('the input is 1100 MiB; ffmpeg.wasm takes at most 1024 MiB, as it must hold its output in 2 GiB of memory');
    expect(errors).toEqual([]);
  });
});
