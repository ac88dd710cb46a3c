/** The page's handle on the engine worker: start a run, hear its events, cancel it. */
import * as Comlink from 'comlink';
import type { AssetRef, RunEvent, RunPlan, RunSummary, WorkflowDocument } from '../engine';
import type { EngineWorkerApi, StorageStatus } from './engine.worker';

export interface RunHandle {
  runId: string;
  done: Promise<RunSummary>;
  cancel(): void;
}

export interface EngineClient {
  run(document: WorkflowDocument, options: { targets?: string[]; onEvents: (events: RunEvent[]) => void }): RunHandle;
  /** What a run would do, running nothing (the engine's plan). */
  plan(document: WorkflowDocument, targets?: string[]): Promise<RunPlan>;
  /** Shows cached results; returns nodes whose paid generation a reload interrupted. */
  restore(document: WorkflowDocument, onEvents: (events: RunEvent[]) => void): Promise<string[]>;
  /** Nodes a run of `document` would not pay for again: cached, or a paid generation in flight. */
  /** Keeps a cached result from ever being evicted (or lets it go again). */
  pin(cacheKey: string, pinned: boolean): Promise<boolean>;
  pinned(cacheKey: string): Promise<boolean>;
  /** Whether results and files survive a reload here, and if not, why. */
  storage(): Promise<StorageStatus>;
  /** Adds a file to the engine's asset store. */
  putAsset(file: Blob, name: string): Promise<AssetRef>;
  /** Name of the global scope the engine runs in (`DedicatedWorkerGlobalScope`). */
  scope(): Promise<string>;
  dispose(): void;
}

export function createEngineClient(): EngineClient {
  const worker = new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module', name: 'stillmotion-engine' });
  const remote = Comlink.wrap<EngineWorkerApi>(worker);
  return {
    run(document, { targets, onEvents }) {
      const runId = crypto.randomUUID();
      const done = remote.run(document, targets ? { runId, targets } : { runId }, Comlink.proxy(onEvents));
      return { runId, done, cancel: () => void remote.cancel(runId) };
    },
    plan: (document, targets) => remote.plan(document, targets),
    restore: (document, onEvents) => remote.restore(document, Comlink.proxy(onEvents)),
    pin: (key, pinned) => remote.pin(key, pinned),
    pinned: (key) => remote.pinned(key),
    storage: () => remote.storage(),
    putAsset: (file, name) => remote.putAsset(file, name),
    scope: () => remote.scope(),
    dispose() {
      remote[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
