/** Starts and cancels runs of the document being edited, feeding the run store. One run at a time. */
import type { NodeRegistry } from '../engine';
import type { EngineClient, RunHandle } from '../worker/engine-client';
import type { DocumentStore } from './document-store';
import { RunCostEstimator, type RunEstimate } from './run-cost';
import type { RunStore } from './run-store';

/**
 * Asked before every run with what it would spend: `true` starts it at once; a promise (the user
 * being asked) starts it if it resolves true and sends nothing otherwise. A `reason` (a resubmit)
 * means the user is asked whatever the estimate.
 */
export type PaidRunCheck = (estimate: RunEstimate, reason?: string) => true | Promise<boolean>;

export interface RunOptions {
  /** Ask the user whatever the threshold, saying this (a resubmit of work that may have been paid for). */
  reason?: string;
  /** Done once the user agreed and before the run starts (the journal notes the resubmit); throwing starts nothing. */
  agreed?: () => Promise<void>;
}

export class Runner {
  #current: RunHandle | undefined;
  /** A run waiting on the user's answer; others are ignored meanwhile, as during a run. */
  #asking = false;
  readonly costs: RunCostEstimator;
  /** Set by the page: asks before a run above the user's threshold. */
  checkPaidRun: PaidRunCheck | undefined;

  constructor(
    readonly documents: DocumentStore,
    readonly registry: NodeRegistry,
    readonly runs: RunStore,
    readonly engine: EngineClient,
  ) {
    this.costs = new RunCostEstimator(registry, runs, () => documents.document);
    // A different workflow opened: forget the old states and show what the new one has cached.
    documents.subscribe((_, change) => {
      if (change === undefined) void this.restore();
    });
  }

  /**
   * Shows the results earlier runs left in the cache for the open document, and resumes the
   * paid generations a reload interrupted (already paid for: no confirmation, no new submit).
   */
  async restore(): Promise<void> {
    this.runs.reset();
    const document = this.documents.document;
    this.costs.resultsOf(document);
    const interrupted = await this.engine.restore(document, (events) => this.runs.apply(events, (id) => id));
    // Still the same workflow (edits since only change keys; a changed node does not resume).
    // Past the paid-run check: this work was agreed to and submitted before the reload.
    if (interrupted.length > 0 && this.documents.document.id === document.id) this.#start(interrupted);
  }

  get active(): boolean {
    return this.#current !== undefined;
  }

  /**
   * Runs the whole graph, or `targets` and what they need, once `checkPaidRun` agrees. Ignored
   * while a run is going or waiting on the user. Undefined when nothing started (yet).
   */
  run(targets?: string[], { reason, agreed }: RunOptions = {}): RunHandle | undefined {
    if (this.#current || this.#asking) return undefined;
    const verdict = this.checkPaidRun?.(this.costs.estimate(targets), reason) ?? true;
    if (verdict === true && !agreed) return this.#start(targets);
    this.#asking = true;
    void Promise.resolve(verdict)
      .then(async (go) => {
        if (go) await agreed?.();
        this.#asking = false;
        if (go) this.#start(targets);
      })
      .catch(() => (this.#asking = false));
    return undefined;
  }

  #start(targets: string[] | undefined): RunHandle | undefined {
    if (this.#current) return undefined;
    const document = this.documents.document;
    this.costs.resultsOf(document);
    const byId = new Map(document.nodes.map((n) => [n.id, n]));
    const label = (id: string) => {
      const node = byId.get(id);
      return node?.title ?? this.registry.get(node?.type ?? '')?.title ?? id;
    };
    const handle = this.engine.run(document, { ...(targets ? { targets } : {}), onEvents: (events) => this.runs.apply(events, label) });
    this.#current = handle;
    const clear = () => {
      if (this.#current === handle) this.#current = undefined;
    };
    handle.done.then(clear, (error: unknown) => {
      clear();
      this.runs.apply([{ type: 'run-finished', runId: handle.runId, status: 'failed', counts: { total: 0, executed: 0, cached: 0, failed: 0, cancelled: 0 }, error: `the engine stopped: ${error instanceof Error ? error.message : String(error)}` }], label);
    });
    return handle;
  }

  cancel(): void {
    this.#current?.cancel();
  }
}
