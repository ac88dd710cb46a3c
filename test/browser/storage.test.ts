/**
 * src/storage in real Chromium IndexedDB, through a small page built from
 * test/browser/pages/storage (the app bundle does not use these modules yet): Blobs stored and
 * read back byte for byte, data surviving a reload, LRU eviction under a budget, what the
 * browser reports as usage while we write, and the cache's answer to a full disk.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { build, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedBrowser, watchErrors } from './chromium';
import type { StorageTest } from './pages/storage/main';

const PAGE_ROOT = fileURLToPath(new URL('./pages/storage/', import.meta.url));
const MB = 1024 * 1024;

let browser: Browser;
let page: Page;
let errors: string[];
let outDir: string;
let close: () => Promise<void>;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'stillmotion-storage-page-'));
  await build({ root: PAGE_ROOT, configFile: false, logLevel: 'warn', build: { outDir, emptyOutDir: true, target: 'es2022' } });
  const server = await preview({ root: PAGE_ROOT, configFile: false, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 0, strictPort: false } });
  close = () => server.close();
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('preview server has no port');
  browser = await sharedBrowser();
  page = await browser.newPage();
  errors = watchErrors(page);
  await page.goto(`http://127.0.0.1:${address.port}/`);
  await page.waitForFunction(() => 'storageTest' in globalThis);
});

afterAll(async () => {
  await browser?.close();
  await close?.();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

/** Calls `storageTest[name](...args)` in the page. */
function call<K extends keyof StorageTest>(name: K, ...args: Parameters<StorageTest[K]>): Promise<Awaited<ReturnType<StorageTest[K]>>> {
  return page.evaluate(
    ({ name, args }) => ((globalThis as unknown as { storageTest: StorageTest }).storageTest[name] as (...a: unknown[]) => Promise<never>)(...args),
    { name, args: args as unknown[] },
  ) as Promise<Awaited<ReturnType<StorageTest[K]>>>;
}

describe('storage in Chromium IndexedDB', () => {
  let asset: Awaited<ReturnType<StorageTest['putAsset']>>['ref'];
  let output: Awaited<ReturnType<StorageTest['cachePut']>>;

  it('stores a 1 MB asset and reads back the same bytes', async () => {
    const { ref, readBack } = await call('putAsset', MB);
    expect(ref).toMatchObject({ size: MB, type: 'image/png' });
    expect(readBack).toEqual(ref);
    asset = ref;
  });

  it('round-trips a cache entry with a Blob output', async () => {
    output = await call('cachePut', 'a', 256 * 1024, 10 * MB);
    expect(await call('cacheGet', 'a')).toEqual(output);
  });

  it('keeps both across a reload', async () => {
    await page.reload();
    await page.waitForFunction(() => 'storageTest' in globalThis);
    expect(await call('readAsset', asset.hash)).toEqual(asset);
    expect(await call('cacheGet', 'a')).toEqual(output);
  });

  it('evicts least recently used entries past the budget', async () => {
    const size = 100_000;
    const budget = 3 * (size + 1000); // room for three entries and their JSON, not four
    for (const key of ['e1', 'e2', 'e3', 'e4', 'e5']) await call('cachePut', key, size, budget);
    expect(await call('cacheKeys')).toEqual(['e3', 'e4', 'e5']);
    const usage = await call('cacheUsage');
    expect(usage).toMatchObject({ entries: 3, pinnedBytes: 0 });
    expect(usage.bytes).toBeGreaterThan(3 * size);
    expect(usage.bytes).toBeLessThanOrEqual(budget);
  });

  it('on an injected QuotaExceededError from the write, evicts the oldest entry and retries once', async () => {
    expect(await call('cachePutFailing', 'q1', 1000, 1)).toEqual({ error: null, keys: ['e4', 'e5', 'q1'] });
    const stillFull = await call('cachePutFailing', 'q2', 1000, 2);
    expect(stillFull.error).toMatch(/storage is full.*raise the cache budget/);
    expect(stillFull.keys).toEqual(['e5', 'q1']);
  });

  it('reports usage that grows with what is written, or stops at a real QuotaExceededError', async () => {
    const result = await call('fill', 50 * MB, MB);
    console.log('storage fill:', JSON.stringify(result));
    if (result.stoppedBy !== null) {
      expect(result.stoppedBy).toBe('QuotaExceededError');
      return;
    }
    expect(result.written).toBe(50 * MB);
    // Chromium updates its usage figure lazily; seen lagging a few MB behind, so not to the byte.
    expect(result.after!.usage - result.before!.usage).toBeGreaterThanOrEqual(0.5 * result.written);
    expect(result.after!.quota).toBeGreaterThan(result.after!.usage);
  });

  it('keeps saving through the lasting handle after the browser closes the connection under it, as it does on a full disk', async () => {
    expect(await call('saveSetting', 'before')).toEqual({ lasting: 'before', plain: 'before' });
    // Clearing the origin's IndexedDB closes its open connections, as a failed write on a full disk does.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Storage.clearDataForOrigin', { origin: new URL(page.url()).origin, storageTypes: 'indexeddb' });
    const after = await call('saveSetting', 'after');
    expect(after.plain).toMatch(/closing|closed/i);
    expect(after.lasting).toBe('after');
  });

  it('raised no page errors', () => {
    expect(errors).toEqual([]);
  });
});
