/**
 * Saved workflows. A stored document is read back through `loadWorkflow`, as a file would be:
 * it may have been saved by an older Stillmotion, so format and node migrations must run, and
 * node types may have gone missing since. It is read as the user's own, so a field that no longer
 * passes is repaired with a warning rather than locking the whole workflow away.
 */
import { loadWorkflow, type LoadResult, type NodeRegistry, type Viewport, type WorkflowDocument } from '../engine';
import type { StillmotionDb, WorkflowRecord } from './database';

export type WorkflowSummary = Pick<WorkflowRecord, 'id' | 'name' | 'updatedAt' | 'openedAt'> & {
  /** How many nodes it has: a start does not reopen a very big graph by itself. */
  nodes: number;
};

/** A stored workflow as read: loaded (or why not), its revision, and the document exactly as stored. */
export interface StoredWorkflow {
  loaded: LoadResult;
  revision: number;
  raw: unknown;
}

/** Why a save over a revision did not happen: another tab saved since, or deleted the workflow. */
export type SaveOverResult = { ok: true; summary: WorkflowSummary; revision: number } | { ok: false; conflict: 'changed' | 'deleted' };

export interface WorkflowStoreOptions {
  /** Milliseconds since the epoch; tests pass their own. */
  clock?: () => number;
  /** New ids for duplicates. */
  newId?: () => string;
}

export class WorkflowStore {
  readonly #db: StillmotionDb;
  readonly #registry: NodeRegistry;
  readonly #clock: () => number;
  readonly #newId: () => string;

  constructor(db: StillmotionDb, registry: NodeRegistry, options: WorkflowStoreOptions = {}) {
    this.#db = db;
    this.#registry = registry;
    this.#clock = options.clock ?? Date.now;
    this.#newId = options.newId ?? (() => crypto.randomUUID());
  }

  /** Stores `document` under its id, whatever is stored there, keeping when it was last opened. */
  async save(document: WorkflowDocument): Promise<WorkflowSummary & { revision: number }> {
    const tx = this.#db.transaction('workflows', 'readwrite');
    const record = this.#record(document, await tx.store.get(document.id));
    await tx.store.put(record);
    await tx.done;
    return { ...summary(record), revision: record.revision! };
  }

  /**
   * Stores `document` only over `revision`, checked in the same transaction as the write: an
   * edit another tab saved since, even a millisecond before, is never overwritten, and a workflow
   * another tab deleted is not made again.
   */
  async saveOver(document: WorkflowDocument, revision: number): Promise<SaveOverResult> {
    const tx = this.#db.transaction('workflows', 'readwrite');
    const existing = await tx.store.get(document.id);
    if (!existing || (existing.revision ?? 0) !== revision) {
      tx.abort();
      await tx.done.catch(() => undefined);
      return { ok: false, conflict: existing ? 'changed' : 'deleted' };
    }
    const record = this.#record(document, existing);
    await tx.store.put(record);
    await tx.done;
    return { ok: true, summary: summary(record), revision: record.revision! };
  }

  #record(document: WorkflowDocument, existing: WorkflowRecord | undefined): WorkflowRecord {
    return { id: document.id, name: document.name, document, updatedAt: this.#clock(), openedAt: existing?.openedAt ?? null, revision: (existing?.revision ?? 0) + 1 };
  }

  /** The stored document after migration and validation (repaired where it must be); undefined when there is none. */
  async get(id: string): Promise<LoadResult | undefined> {
    return (await this.read(id))?.loaded;
  }

  /** The stored workflow with its revision and the document as stored, read at once. */
  async read(id: string): Promise<StoredWorkflow | undefined> {
    const record = await this.#db.get('workflows', id);
    if (!record) return undefined;
    // The record's key names it, whatever the document inside says.
    const document = typeof record.document === 'object' && record.document !== null ? { ...record.document, id } : record.document;
    return { loaded: loadWorkflow(document, this.#registry, { owned: true }), revision: record.revision ?? 0, raw: record.document };
  }

  /** Writes where the canvas was left, leaving the graph and its revision as stored. */
  async saveView(id: string, viewport: Viewport): Promise<void> {
    await this.#update(id, (r) => ({ ...r, document: { ...r.document, viewport } }));
  }

  /** Every workflow, most recently changed first. */
  async list(): Promise<WorkflowSummary[]> {
    const records = await this.#db.getAll('workflows');
    return records.map(summary).sort((a, b) => b.updatedAt - a.updatedAt);
  }

  async rename(id: string, name: string): Promise<WorkflowSummary | undefined> {
    return this.#update(id, (r) => ({ ...r, name, document: { ...r.document, name }, updatedAt: this.#clock(), revision: (r.revision ?? 0) + 1 }));
  }

  async markOpened(id: string): Promise<WorkflowSummary | undefined> {
    return this.#update(id, (r) => ({ ...r, openedAt: this.#clock() }));
  }

  /** Copies a workflow under a new id, named "<name> copy". */
  async duplicate(id: string): Promise<WorkflowSummary | undefined> {
    const original = await this.#db.get('workflows', id);
    if (!original) return undefined;
    const name = `${original.name} copy`;
    return this.save({ ...original.document, id: this.#newId(), name });
  }

  /** Removes a workflow and returns what was removed, so the caller can undo with `restore`. */
  async delete(id: string): Promise<WorkflowRecord | undefined> {
    const tx = this.#db.transaction('workflows', 'readwrite');
    const record = await tx.store.get(id);
    if (record) await tx.store.delete(id);
    await tx.done;
    return record;
  }

  /** Puts a deleted record back exactly as it was. */
  async restore(record: WorkflowRecord): Promise<void> {
    await this.#db.put('workflows', record);
  }

  async #update(id: string, change: (record: WorkflowRecord) => WorkflowRecord): Promise<WorkflowSummary | undefined> {
    const tx = this.#db.transaction('workflows', 'readwrite');
    const record = await tx.store.get(id);
    const next = record && change(record);
    if (next) await tx.store.put(next);
    await tx.done;
    return next && summary(next);
  }
}

function summary({ id, name, updatedAt, openedAt, document }: WorkflowRecord): WorkflowSummary {
  return { id, name, updatedAt, openedAt, nodes: Array.isArray(document?.nodes) ? document.nodes.length : 0 };
}
