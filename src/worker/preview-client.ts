/**
 * The page's handle on the preview worker (preview.worker.ts), started with the first preview
 * shown, so a workflow without one never starts it. It tells the worker when runs start and end,
 * so playback gives way to them.
 */
import * as Comlink from 'comlink';
import type { RunStore } from '../editor/run-store';
import type { PreviewReport, PreviewRequest, PreviewWorkerApi } from './preview.worker';

export type { PreviewReport, PreviewRequest };

export interface PreviewClient {
  /** Hands `canvas` (the page's, moved off it) to the worker for node `nodeId`. */
  attach(nodeId: string, canvas: OffscreenCanvas, report: (report: PreviewReport) => void): void;
  show(nodeId: string, request: PreviewRequest): void;
  detach(nodeId: string): void;
  dispose(): void;
}

export function createPreviewClient(runs: RunStore): PreviewClient {
  let remote: Comlink.Remote<PreviewWorkerApi> | undefined;
  let worker: Worker | undefined;
  let unsubscribe = () => {};
  const started = () => {
    if (remote) return remote;
    worker = new Worker(new URL('./preview.worker.ts', import.meta.url), { type: 'module', name: 'stillmotion-preview' });
    const api = Comlink.wrap<PreviewWorkerApi>(worker);
    let active = runs.overview.active;
    if (active) void api.runs(true);
    unsubscribe = runs.subscribe(() => {
      if (runs.overview.active === active) return;
      active = runs.overview.active;
      void api.runs(active);
    });
    return (remote = api);
  };
  return {
    attach(nodeId, canvas, report) {
      void started().attach(nodeId, Comlink.transfer(canvas, [canvas]), Comlink.proxy(report));
    },
    show: (nodeId, request) => void remote?.show(nodeId, request),
    detach: (nodeId) => void remote?.detach(nodeId),
    dispose() {
      unsubscribe();
      remote?.[Comlink.releaseProxy]();
      worker?.terminate();
    },
  };
}
