/**
 * The CLI's side of the page: what it asks of the app running in headless Chromium (the same
 * engine, nodes, storage and provider code as the editor). Functions handed to page.evaluate run
 * in the page, so each is self-contained; what they send back crosses as JSON (media as base64).
 */
import type { Page } from 'playwright-core';
import type { AssetRef, RunPlan, WorkflowDocument } from '../engine';
import { KEY_VARIABLES } from './args';

/** A media output the page sends over: a take the moment it exists, or a result at the end. */
export interface SentMedia {
  nodeId: string;
  mime: string;
  hash: string;
  /** Base64 of the bytes. */
  data: string;
  /** Found in the cache: made (and paid for) by an earlier run. */
  cached: boolean;
}

/** What a Compare node made of the takes: its report (JSON text) and its outputs' hashes. */
export interface SentCompare {
  nodeId: string;
  report: string;
  /** The takes best first, by the hash of their bytes. */
  ranked: string[];
}

/** What the CLI hears from a photo's run while it goes. */
export interface PageCallbacks {
  progress(index: number, fraction: number, message: string): void;
  take(index: number, take: SentMedia): Promise<void>;
  compare(index: number, compare: SentCompare): void;
}

export interface ItemOutcome {
  failed: string[];
  results: SentMedia[];
}

/** Opens the app and waits for its services, the CLI's callbacks exposed to it. */
export async function openApp(page: Page, origin: string, callbacks: PageCallbacks): Promise<void> {
  // tsx names the functions we hand to page.evaluate with a helper the page does not have.
  await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  await page.exposeFunction('__stillmotionProgress', callbacks.progress);
  await page.exposeFunction('__stillmotionTake', callbacks.take);
  await page.exposeFunction('__stillmotionCompare', callbacks.compare);
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => (globalThis as { stillmotion?: unknown }).stillmotion !== undefined);
}

/** Keys from the environment and the provider settings, where the app keeps them. */
export async function configure(page: Page, env: NodeJS.ProcessEnv, settings: unknown): Promise<void> {
  const keys = Object.entries(KEY_VARIABLES).flatMap(([provider, names]) => {
    const apiKey = env[names.apiKey];
    const secretKey = names.secretKey ? env[names.secretKey] : undefined;
    return apiKey ? [{ provider, apiKey, ...(secretKey ? { secretKey } : {}) }] : [];
  });
  await page.evaluate(
    async ({ keys, settings }) => {
      const { db } = (globalThis as any).stillmotion.session;
      for (const key of keys) await db.put('secrets', { ...key, savedAt: Date.now() });
      await db.put('settings', settings, 'providers');
    },
    { keys, settings },
  );
}

/** Puts files into the app's asset store, each fetched from `urls` (which the CLI answers). */
export function putAssets(page: Page, files: readonly { url: string; name: string }[]): Promise<AssetRef[]> {
  return page.evaluate(async (files) => {
    const { engine } = (globalThis as any).stillmotion;
    const refs = [];
    for (const file of files) refs.push(await engine.putAsset(await (await fetch(file.url)).blob(), file.name));
    return refs;
  }, files);
}

/** The engine's plan of each document: what a run would take from the cache, resume, or pay for. */
export function planItems(page: Page, documents: readonly WorkflowDocument[]): Promise<RunPlan[]> {
  return page.evaluate(async (documents) => {
    const { engine } = (globalThis as any).stillmotion;
    const plans = [];
    for (const document of documents) plans.push(await engine.plan(document));
    return plans;
  }, documents);
}

/**
 * One photo's run in the app's engine: progress reported as it goes, each take (an output of a
 * node in `takes`) and each Compare's report sent the moment its node settles, so a failure
 * further on loses none of them; the results (outputs of `results`) sent at the end.
 */
export function runItem(page: Page, document: WorkflowDocument, index: number, nodes: { takes: string[]; compares: string[]; results: string[]; titles: Record<string, string> }): Promise<ItemOutcome> {
  return page.evaluate(
    async ({ document, index, nodes }) => {
      const { engine } = (globalThis as any).stillmotion;
      const cli = globalThis as any;
      const title = (id: string) => nodes.titles[id] ?? id;
      const base64 = async (blob: Blob) => {
        const bytes = new Uint8Array(await blob.arrayBuffer());
        let text = '';
        for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        return btoa(text);
      };
      const media = async (nodeId: string, outputs: Record<string, any>, cached: boolean) => {
        const sent = [];
        for (const value of Object.values(outputs)) {
          if (value && typeof value === 'object' && 'blob' in value) sent.push({ nodeId, mime: value.mime, hash: value.hash, data: await base64(value.blob), cached });
        }
        return sent;
      };
      const sent = new Set<string>();
      const sending: Promise<unknown>[] = [];
      const settle = (nodeId: string, state: string, outputs: Record<string, any>) => {
        if (sent.has(nodeId) || (state !== 'done' && state !== 'cached')) return;
        sent.add(nodeId);
        if (nodes.takes.includes(nodeId)) sending.push(media(nodeId, outputs, state === 'cached').then((takes) => Promise.all(takes.map((take) => cli.__stillmotionTake(index, take)))));
        if (nodes.compares.includes(nodeId)) sending.push(cli.__stillmotionCompare(index, { nodeId, report: outputs.report, ranked: outputs.ranked.map((take: any) => take.hash) }));
      };
      const fractions = new Map<string, number>();
      const onEvents = (events: any[]) => {
        let message = '';
        for (const e of events) {
          if (e.type !== 'node') continue;
          fractions.set(e.nodeId, e.state === 'running' ? (e.fraction ?? 0) : e.state === 'queued' ? 0 : 1);
          if (e.state === 'running') message = `${title(e.nodeId)}${e.message ? `: ${e.message}` : ''}`;
          settle(e.nodeId, e.state, e.outputs);
        }
        if (message) cli.__stillmotionProgress(index, [...fractions.values()].reduce((a, b) => a + b, 0) / document.nodes.length, message);
      };
      const summary = await engine.run(document, { onEvents }).done;
      // Events and the summary cross on different channels: whatever the events did not bring yet, the summary does.
      for (const [id, result] of Object.entries<any>(summary.nodes)) settle(id, result.state, result.outputs ?? {});
      await Promise.all(sending);
      const failed = Object.entries<any>(summary.nodes)
        .filter(([, r]) => r.state === 'failed' && r.cause !== 'upstream')
        .map(([id, r]) => `${title(id)} (${id}): ${r.error}`);
      if (summary.error) failed.push(summary.error);
      const results = [];
      for (const id of nodes.results) if (!nodes.takes.includes(id)) results.push(...(await media(id, summary.nodes[id]?.outputs ?? {}, false)));
      return { failed, results };
    },
    { document, index, nodes },
  );
}
