/** Starts and cancels runs of the document being edited, feeding the run store. One run at a time. */
import type { NodeRegistry, RunEvent } from '../engine';
import type { EngineClient, RunHandle } from '../worker/engine-client';
import type { DocumentStore } from './document-store';
import { checkOf, RunChecks } from './run-checks';
import { nodeCost, nodeTitles, type PaidNode, type RunEstimate } from './run-cost';
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
  /** Set by the page: asks before a run above the user's threshold. */
  checkPaidRun: PaidRunCheck | undefined;
  /** What Run would spend and what would stop it, kept current for the toolbar and the nodes. */
  readonly checks: RunChecks;

  constructor(
    readonly documents: DocumentStore,
    readonly registry: NodeRegistry,
    readonly runs: RunStore,
    readonly engine: EngineClient,
  ) {
    this.checks = new RunChecks((document) => engine.plan(document), documents, runs, registry);
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
    const interrupted = await this.engine.restore(document, (events) => this.runs.apply(events, (id) => id));
    // Still the same workflow (edits since only change keys; a changed node does not resume).
    // Past the paid-run check: this work was agreed to and submitted before the reload.
    if (interrupted.length > 0 && this.documents.document.id === document.id) this.#start(interrupted);
  }

  get active(): boolean {
    return this.#current !== undefined;
  }

  /** What a run of `targets` (the whole graph when absent) would spend, and what it will skip (said in the log as it starts). */
  async #plan(targets: string[] | undefined): Promise<{ estimate: RunEstimate; skipped: RunEvent[] }> {
    const document = this.documents.document;
    const { estimate, problems } = checkOf(await this.engine.plan(document, targets), document, this.registry, undefined);
    const skipped = problems.map((p): RunEvent => ({ type: 'warning', runId: 'plan', nodeId: p.nodeId, message: `will not run: ${p.text}` }));
    return { estimate, skipped };
  }

  /**
   * The paid nodes running now: their requests may have reached the provider, so stopping them
   * may not stop the bill. Queued ones have sent nothing.
   */
  inFlight(): PaidNode[] {
    return this.documents.document.nodes.flatMap((node) => {
      const definition = this.registry.get(node.type);
      if (!definition?.cost || this.runs.node(node.id)?.state !== 'running') return [];
      return [{ nodeId: node.id, title: node.title ?? definition.title, estimate: nodeCost(node, definition) }];
    });
  }

  /**
   * Runs the whole graph, or `targets` and what they need, once `checkPaidRun` agrees with what
   * the plan says it would spend. Ignored while a run is going or waiting on the user.
   */
  run(targets?: string[], { reason, agreed }: RunOptions = {}): void {
    if (this.#current || this.#asking) return;
    this.#asking = true;
    void this.#agree(targets, reason, agreed)
      .then((skipped) => {
        this.#asking = false;
        if (skipped) this.#start(targets, skipped);
      })
      .catch((error: unknown) => {
        this.#asking = false;
        this.#report(`Nothing was run: ${error instanceof Error ? error.message : String(error)}`);
      });
  }

  /** What the run will skip once the user agreed to what it would spend; undefined if they did not. */
  async #agree(targets: string[] | undefined, reason: string | undefined, agreed: (() => Promise<void>) | undefined): Promise<RunEvent[] | undefined> {
    const { estimate, skipped } = await this.#plan(targets);
    const check = this.checkPaidRun;
    const go = check ? await check(estimate, reason) : true;
    if (!go) return undefined;
    await agreed?.();
    return skipped;
  }

  #report(error: string): void {
    this.runs.apply([{ type: 'run-finished', runId: crypto.randomUUID(), status: 'failed', counts: { total: 0, executed: 0, cached: 0, failed: 0, cancelled: 0 }, error }], (id) => id);
  }

  #start(targets: string[] | undefined, skipped: readonly RunEvent[] = []): RunHandle | undefined {
    if (this.#current) return undefined;
    const document = this.documents.document;
    const label = nodeTitles(document, this.registry);
    if (skipped.length > 0) this.runs.apply(skipped, label);
    const handle = this.engine.run(document, { ...(targets ? { targets } : {}), onEvents: (events) => this.runs.apply(events, label) });
    this.#current = handle;
    const clear = () => {
      if (this.#current === handle) this.#current = undefined;
    };
    handle.done.then(clear, (error: unknown) => {
      clear();
      this.#report(`the engine stopped: ${error instanceof Error ? error.message : String(error)}`);
    });
    return handle;
  }

  cancel(): void {
    this.#current?.cancel();
  }
}
