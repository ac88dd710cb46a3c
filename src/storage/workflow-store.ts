/**
 * Saved workflows. A stored document is read back through `loadWorkflow`, as a file would be:
 * it may have been saved by an older Stillmotion, so format and node migrations must run, and
 * node types may have gone missing since.
 */
import { loadWorkflow, type LoadResult, type NodeRegistry, type WorkflowDocument } from '../engine';
import type { StillmotionDb, WorkflowRecord } from './database';

export type WorkflowSummary = Pick<WorkflowRecord, 'id' | 'name' | 'updatedAt' | 'openedAt'>;

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

  /** Stores `document` under its id, keeping when it was last opened. */
  async save(document: WorkflowDocument): Promise<WorkflowSummary> {
    const tx = this.#db.transaction('workflows', 'readwrite');
    const existing = await tx.store.get(document.id);
    const record: WorkflowRecord = {
      id: document.id,
      name: document.name,
      document,
      updatedAt: this.#clock(),
      openedAt: existing?.openedAt ?? null,
    };
    await tx.store.put(record);
    await tx.done;
    return summary(record);
  }

  /** The stored document after migration and validation; undefined when there is none. */
  async get(id: string): Promise<LoadResult | undefined> {
    const record = await this.#db.get('workflows', id);
    return record && loadWorkflow(record.document, this.#registry);
  }

  /** Every workflow, most recently changed first. */
  async list(): Promise<WorkflowSummary[]> {
    const records = await this.#db.getAll('workflows');
    return records.map(summary).sort((a, b) => b.updatedAt - a.updatedAt);
  }

  async rename(id: string, name: string): Promise<WorkflowSummary | undefined> {
    return this.#update(id, (r) => ({ ...r, name, document: { ...r.document, name }, updatedAt: this.#clock() }));
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

function summary({ id, name, updatedAt, openedAt }: WorkflowRecord): WorkflowSummary {
  return { id, name, updatedAt, openedAt };
}
