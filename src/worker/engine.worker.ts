/**
 * The engine's home in the browser: all node work runs here, never on the UI thread.
 * Events are batched per frame so a run of a thousand nodes does not flood the page.
 */
import * as Comlink from 'comlink';
import { Engine, MemoryAssets, MemoryCache, type AssetRef, type RunEvent, type RunSummary, type WorkflowDocument } from '../engine';
import { createRegistry } from '../nodes';
import { transferablesOf } from './transfer';

const FLUSH_MS = 16;

const assets = new MemoryAssets();
const engine = new Engine({ registry: createRegistry(), cache: new MemoryCache(), assets });
const runs = new Map<string, AbortController>();

export interface RunOptions {
  runId: string;
  targets?: string[];
}

const api = {
  async run(document: WorkflowDocument, options: RunOptions, onEvents: (events: RunEvent[]) => void): Promise<RunSummary> {
    const controller = new AbortController();
    runs.set(options.runId, controller);
    let pending: RunEvent[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      onEvents(Comlink.transfer(batch, transferablesOf(batch)));
    };
    try {
      const summary = await engine.run({
        document,
        runId: options.runId,
        ...(options.targets ? { targets: options.targets } : {}),
        signal: controller.signal,
        onEvent: (event) => {
          pending.push(event);
          timer ??= setTimeout(flush, FLUSH_MS);
        },
      });
      clearTimeout(timer);
      flush();
      return Comlink.transfer(summary, transferablesOf(summary));
    } finally {
      runs.delete(options.runId);
    }
  },

  /** Keeps a file the user picked or dropped; the Blob crosses by reference, not by copy. */
  putAsset(blob: Blob, name: string): Promise<AssetRef> {
    return assets.put(blob, name);
  },

  cancel(runId: string): void {
    runs.get(runId)?.abort(new DOMException('cancelled by the user', 'AbortError'));
  },

  /** Proves where the work happens: the worker's global scope, not the page's. */
  scope(): string {
    return self.constructor.name;
  },
};

export type EngineWorkerApi = typeof api;

Comlink.expose(api);
