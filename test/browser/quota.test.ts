/**
 * A full disk, for real: Chromium's profile lives on a small tmpfs that the test fills from
 * outside, so IndexedDB itself throws QuotaExceededError. The cache must give way first, never
 * workflows or files, the user must be told, and results still show for the session.
 * Mounting needs root (npm test and CI run as root here); elsewhere the suite says so and skips.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { keepTheDemo, runAndWait } from './app';
import { launchWithProfile } from './chromium';

const DISK_MB = 96;
const disk = mkdtempSync(join(tmpdir(), 'stillmotion-small-disk-'));
const mounted = process.getuid?.() === 0 && spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${DISK_MB}m`, 'tmpfs', disk]).status === 0;
if (!mounted) console.warn(`quota test skipped: mounting a ${DISK_MB} MB tmpfs needs root, and this run could not`);

let context: BrowserContext;
let page: Page;
const filler = join(disk, 'filler');

/** Leaves `bytes` free on the small disk by growing a filler file beside the profile. */
function leaveFree(bytes: number): void {
  rmSync(filler, { force: true });
  const { bavail, bsize } = statfsSync(disk);
  try {
    writeFileSync(filler, Buffer.alloc(Math.max(0, bavail * bsize - bytes)));
  } catch (error) {
    // Chromium wrote to the profile meanwhile: the disk is only fuller than asked.
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
}

const logText = () => page.locator('.run-log').textContent();
const state = (id: string) => page.locator(`.react-flow__node[data-id="${id}"] .node`).getAttribute('data-state');
const inStore = (expression: string) => page.evaluate(expression);

beforeAll(async () => {
  if (!mounted) return;
  mkdirSync(join(disk, 'profile'));
  context = await launchWithProfile(join(disk, 'profile'));
  page = await context.newPage();
  await page.goto(inject('baseUrl'));
  await page.locator('.react-flow__node[data-id="image"]').waitFor();
  // The demo's full 5 s clip: its results must outgrow what evicting older ones frees.
  await keepTheDemo(page);
});

afterAll(async () => {
  await context?.close();
  if (mounted) execFileSync('umount', [disk]);
});

describe.skipIf(!mounted)('when the disk is full', () => {
  it('makes room by evicting older cached results, keeps workflows and files, and says so', async () => {
    await runAndWait(page, () => page.getByRole('button', { name: 'Run', exact: true }).click());
    await inStore('globalThis.stillmotion.session.flush()');
    const workflows = await inStore('globalThis.stillmotion.session.store.list().then((l) => l.length)');

    leaveFree(256 * 1024);
    await inStore("globalThis.stillmotion.commands.setParam('motion', 'intensity', 0.8)");
    await runAndWait(page, () => page.getByRole('button', { name: 'Run', exact: true }).click());

    expect(await logText()).toMatch(/The browser's storage was full: \d+ older cached results? \([\d.]+ MB\) (was|were) removed to keep the newest\. Workflows and files were not touched\./);
    for (const id of ['motion', 'export']) expect(await state(id)).toBe('done');
    rmSync(filler, { force: true });
    expect(await inStore('globalThis.stillmotion.session.store.list().then((l) => l.length)')).toBe(workflows);
  });

  it('with no room at all, still finishes every node, keeps results for the session and says what to try', async () => {
    leaveFree(0);
    await inStore("globalThis.stillmotion.commands.setParam('motion', 'intensity', 0.3)");
    await runAndWait(page, () => page.getByRole('button', { name: 'Run', exact: true }).click());
    // With no room at all, Chromium cannot open its store, let alone raise QuotaExceededError.
    // Which node meets the full disk first depends on timing (an eviction may make room for a
    // later one), so any of them may be the one that says so; and whether the store could not be
    // opened or refused the write (a moment's difference on a busy machine) decides the wording.
    expect(await logText()).toMatch(/(Prompt|Sample image|Local motion|Export): result kept for this session only: .+free some space/i);
    // The changed motion re-runs with what it feeds; the image is cached unless an eviction took it.
    for (const id of ['motion', 'export']) expect(await state(id), (await logText()) ?? '').toBe('done');
    expect(['done', 'cached']).toContain(await state('image'));
    expect(await page.locator('.react-flow__node[data-id="motion"] video').count()).toBe(1);
    rmSync(filler, { force: true });
  });
});
