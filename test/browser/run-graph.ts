/**
 * Running a graph in the app's engine worker from a test, and looking at what it made with
 * native ffprobe. Shared by the media tests so each one states only what it checks.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect, inject } from 'vitest';
import type { WorkflowDocument } from '../../src/engine';
import { watchErrors } from './chromium';

export interface NodeOutcome {
  state: string;
  error?: string;
  /** The node's last progress message. */
  message?: string;
  /** How long its own work took (0 when it came from the cache). */
  ms?: number;
  /** Its media output's metadata, without the blob. */
  meta?: Record<string, unknown>;
  /** Where its media output's bytes were written. */
  file?: string;
}

const EXTENSIONS: Record<string, string> = { 'video/mp4': 'mp4', 'video/webm': 'webm', 'video/quicktime': 'mov', 'image/png': 'png', 'image/gif': 'gif' };

export interface AssetFile {
  ref: { hash: string; name: string; mime: string; size: number };
  path: string;
}

/** A file for the app's asset store: what an asset param holds, and where the bytes are. */
export function assetFile(path: string, mime: string): AssetFile {
  const bytes = readFileSync(path);
  return { ref: { hash: createHash('sha256').update(bytes).digest('hex'), name: basename(path), mime, size: bytes.length }, path };
}

/**
 * Runs `document` in a fresh browser context (its own storage, so nothing comes from an earlier
 * run's cache) and writes every node's media output into `dir` as `<tag>-<node>.<ext>`.
 * `files` (from assetFile) are put into the app's asset store first, for asset params to name.
 */
export async function runGraph(
  browser: Browser,
  document: WorkflowDocument,
  dir: string,
  tag: string,
  files: readonly AssetFile[] = [],
): Promise<{ ms: number; nodes: Record<string, NodeOutcome> }> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(inject('baseUrl'));
    await page.locator('[data-node-id="image"]').waitFor();
    await putFiles(page, files);
    const result = await page.evaluate(async (document) => {
      const { engine } = (globalThis as any).stillmotion;
      const base64 = async (blob: Blob) => {
        const bytes = new Uint8Array(await blob.arrayBuffer());
        let text = '';
        for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        return btoa(text);
      };
      const messages: Record<string, string> = {};
      const times: Record<string, number> = {};
      const onEvents = (events: any[]) => {
        for (const e of events) {
          if (e.type !== 'node') continue;
          if (e.message) messages[e.nodeId] = e.message;
          if (e.state === 'done' || e.state === 'cached') times[e.nodeId] = e.ms;
        }
      };
      const started = performance.now();
      const summary = await engine.run(document, { onEvents }).done;
      const ms = performance.now() - started;
      const nodes: Record<string, { state: string; error?: string; message?: string; ms?: number; meta?: Record<string, unknown>; data?: string }> = {};
      for (const [id, result] of Object.entries<any>(summary.nodes)) {
        const media = result.outputs?.video ?? result.outputs?.image;
        const { blob, ...meta } = media ?? {};
        nodes[id] = { state: result.state, message: messages[id], ms: times[id], ...(result.error ? { error: result.error } : {}), ...(media ? { meta, data: await base64(blob) } : {}) };
      }
      return { ms, nodes };
    }, document);
    expect(errors).toEqual([]);
    const nodes: Record<string, NodeOutcome> = {};
    for (const [id, { data, ...rest }] of Object.entries(result.nodes)) {
      const file = data ? join(dir, `${tag}-${id}.${EXTENSIONS[String(rest.meta?.mime)] ?? 'bin'}`) : undefined;
      if (file) writeFileSync(file, Buffer.from(data!, 'base64'));
      nodes[id] = { ...rest, ...(file ? { file } : {}) };
    }
    return { ms: result.ms, nodes };
  } finally {
    await context.close();
  }
}

/** Puts `files` into the page's asset store, where the engine worker finds them by hash. */
async function putFiles(page: Page, files: readonly AssetFile[]): Promise<void> {
  for (const { ref, path } of files) {
    await page.evaluate(
      async ({ data, name, mime }) => {
        const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
        await (globalThis as any).stillmotion.assets.put(new Blob([bytes], { type: mime }), name);
      },
      { data: readFileSync(path).toString('base64'), name: ref.name, mime: ref.mime },
    );
  }
}

export interface Probe {
  streams: { codec_name: string; width: number; height: number; r_frame_rate: string; nb_read_frames: string }[];
  format: { format_name: string; duration: string; tags?: Record<string, string> };
}

/** ffprobe's view of a video's first video stream (frames counted) and its container. */
export function probe(file: string): Probe {
  const args = ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height,r_frame_rate,nb_read_frames', '-show_entries', 'format=format_name,duration:format_tags', '-of', 'json', file];
  return JSON.parse(execFileSync('ffprobe', args, { encoding: 'utf8' })) as Probe;
}

/**
 * Runs `document` in a fresh browser context and cancels as soon as node `nodeId` reports more
 * than `fraction` done; returns how the run ended and how long it took to stop.
 */
export async function runAndCancel(
  browser: Browser,
  document: WorkflowDocument,
  nodeId: string,
  fraction: number,
  files: readonly AssetFile[] = [],
): Promise<{ status: string; state: string; stopMs: number }> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(inject('baseUrl'));
    await page.locator('[data-node-id="image"]').waitFor();
    await putFiles(page, files);
    return await page.evaluate(
      async ({ document, nodeId, fraction }) => {
        const { engine } = (globalThis as any).stillmotion;
        let cancelledAt = 0;
        const handle = engine.run(document, {
          onEvents: (events: any[]) => {
            if (!cancelledAt && events.some((e) => e.nodeId === nodeId && e.state === 'running' && e.fraction > fraction)) {
              cancelledAt = performance.now();
              handle.cancel();
            }
          },
        });
        const summary = await handle.done;
        return { status: summary.status, state: summary.nodes[nodeId].state, stopMs: performance.now() - cancelledAt };
      },
      { document, nodeId, fraction },
    );
  } finally {
    await context.close();
  }
}
