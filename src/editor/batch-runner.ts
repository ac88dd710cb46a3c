/**
 * Run batch: every photo of the workflow's Batch input through the graph, each item its own
 * engine run (its own cache keys and paid generations), a few at a time, results collected per
 * item. Paid work asks first, like any run. The batch in progress is remembered, so a reload
 * starts it again: finished items come from the cache and paid ones resume from the journal.
 */
import { batchCost, findBatchSlot, itemDocument, paidNodeIds, resultNodes, type BatchSlot } from '../batch/batch';
import { isMedia, type AssetRef, type MediaValue, type NodeRegistry, type WorkflowDocument } from '../engine';
import type { EngineClient, RunHandle } from '../worker/engine-client';
import type { DocumentStore } from './document-store';
import { nodeTitles } from './run-cost';
import type { Runner } from './runner';

/** Items in flight at once: provider limits apply on top, in the engine. */
const CONCURRENCY = 3;

export interface BatchItem {
  label: string;
  status: 'pending' | 'running' | 'done' | 'failed' | 'cancelled';
  /** The item's results: media from the nodes nothing else consumes. */
  results: { nodeId: string; media: MediaValue }[];
  error?: string;
}

export interface BatchState {
  /** The workflow the batch belongs to. */
  workflowId: string | undefined;
  running: boolean;
  items: BatchItem[];
}

/** Where "a batch was running for workflow X" is kept across reloads. */
export interface BatchMemory {
  get(): Promise<string | undefined>;
  set(workflowId: string | undefined): Promise<void>;
}

export class BatchRunner {
  #state: BatchState = { workflowId: undefined, running: false, items: [] };
  readonly #listeners = new Set<() => void>();
  readonly #handles = new Set<RunHandle>();
  #cancelled = false;

  constructor(
    readonly documents: DocumentStore,
    readonly registry: NodeRegistry,
    readonly engine: EngineClient,
    readonly runner: Runner,
    readonly memory?: BatchMemory,
  ) {}

  get state(): BatchState {
    return this.#state;
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The open workflow's photo slot and its photos, or why a batch cannot run. */
  plan(document = this.documents.document): { slot: BatchSlot; files: AssetRef[] } | { error: string } {
    const slot = findBatchSlot(document, this.registry);
    if ('error' in slot) return slot;
    if (slot.kind !== 'batch') return { error: 'add a Batch input node with the photos to run a batch' };
    const files = (document.nodes.find((n) => n.id === slot.nodeId)?.params.files ?? []) as AssetRef[];
    return files.length > 0 ? { slot, files } : { error: 'the Batch input has no photos yet' };
  }

  /**
   * Asks first when what the batch has left to pay is above the user's threshold, then runs it.
   * The figure is the engine's plan of every item: photos already made cost nothing again.
   */
  async start(): Promise<void> {
    if (this.#state.running) return;
    const document = this.documents.document;
    const plan = this.plan(document);
    if ('error' in plan) return;
    const plans = await Promise.all(plan.files.map((_, i) => this.engine.plan(itemDocument(document, plan.slot, plan.files, i))));
    const cost = batchCost(plans, paidNodeIds(document, this.registry), nodeTitles(document, this.registry));
    const verdict = this.runner.checkPaidRun?.({
      nodes: cost.lines.map((l) => ({ nodeId: l.nodeId, title: `${l.title} x ${l.times}`, estimate: { usd: l.usd * l.times, basis: l.basis, ...(l.assumed ? { assumed: true } : {}) } })),
      usd: cost.usd,
      uncertain: cost.uncertain,
    });
    if (verdict !== undefined && verdict !== true && !(await verdict)) return;
    await this.#run(document, plan.slot, plan.files);
  }

  /** After a reload: a batch that was running for this workflow goes on, without asking again. */
  async resume(): Promise<void> {
    const document = this.documents.document;
    if (this.#state.running || !this.memory || (await this.memory.get()) !== document.id) return;
    const plan = this.plan(document);
    if ('error' in plan) return void (await this.memory.set(undefined));
    await this.#run(document, plan.slot, plan.files);
  }

  cancel(): void {
    this.#cancelled = true;
    for (const handle of this.#handles) handle.cancel();
  }

  async #run(document: WorkflowDocument, slot: BatchSlot, files: AssetRef[]): Promise<void> {
    this.#cancelled = false;
    const label = (i: number) => files[i]?.name ?? `item ${i}`;
    this.#set({ workflowId: document.id, running: true, items: files.map((_, i) => ({ label: label(i), status: 'pending', results: [] })) });
    await this.memory?.set(document.id);
    const results = resultNodes(document);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < files.length; i = next++) {
        if (this.#cancelled) return this.#item(i, { status: 'cancelled' });
        this.#item(i, { status: 'running' });
        const handle = this.engine.run(itemDocument(document, slot, files, i), { onEvents: () => {} });
        this.#handles.add(handle);
        try {
          const summary = await handle.done;
          const failed = Object.entries(summary.nodes).filter(([, r]) => r.state === 'failed' && r.cause !== 'upstream');
          const media = results.flatMap((nodeId) => Object.values(summary.nodes[nodeId]?.outputs ?? {}).filter(isMedia).map((m) => ({ nodeId, media: m })));
          if (summary.status === 'cancelled') this.#item(i, { status: 'cancelled', results: media });
          else if (failed.length > 0) this.#item(i, { status: 'failed', results: media, error: failed.map(([id, r]) => `${id}: ${r.error}`).join('; ') });
          else this.#item(i, { status: 'done', results: media });
        } catch (error) {
          this.#item(i, { status: 'failed', error: error instanceof Error ? error.message : String(error) });
        } finally {
          this.#handles.delete(handle);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, files.length) }, worker));
    this.#set({ ...this.#state, running: false });
    // Cancelled or finished, the batch is no longer in progress; a reload mid-way keeps the mark.
    await this.memory?.set(undefined);
  }

  #item(index: number, update: Partial<BatchItem>): void {
    this.#set({ ...this.#state, items: this.#state.items.map((item, i) => (i === index ? { ...item, ...update } : item)) });
  }

  #set(state: BatchState): void {
    this.#state = state;
    for (const listener of this.#listeners) listener();
  }
}
