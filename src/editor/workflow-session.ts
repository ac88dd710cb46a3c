/**
 * Which workflow is open, and keeping it saved. Every change is saved shortly after it is made
 * (and at once when the page is hidden or closed); a reload reopens the last workflow. Two tabs
 * on one workflow never overwrite each other silently: when another tab saves the workflow this
 * tab has open, this tab stops saving it and asks which version to keep.
 */
import type { NodeRegistry, WorkflowDocument } from '../engine';
import type { StillmotionDb, WorkflowRecord, WorkflowStore, WorkflowSummary } from '../storage';
import { defaultWorkflow } from '../workflows/default-workflow';
import type { Change, DocumentStore } from './document-store';

const SAVE_DELAY_MS = 400;
const LAST_OPENED = 'lastWorkflowId';
const CHANNEL = 'stillmotion-workflows';

export interface SessionState {
  /** Workflows in storage, most recently changed first. */
  list: WorkflowSummary[];
  /** Another tab saved the open workflow; autosave is paused until the user chooses. */
  conflict: boolean;
  /** Saving failed; what happened, in words. */
  saveError?: string;
}

interface SavedMessage {
  type: 'saved';
  id: string;
  tab: string;
}

export class WorkflowSession {
  readonly #tab = crypto.randomUUID();
  readonly #channel = new BroadcastChannel(CHANNEL);
  readonly #listeners = new Set<() => void>();
  #state: SessionState = { list: [], conflict: false };
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The graph changed since the last save. */
  #dirty = false;
  /** Only the view changed since the last save: saved quietly, never over another tab's graph. */
  #viewDirty = false;
  /** Set while a document is being replaced, so the replacement is not saved back as an edit. */
  #switching = false;

  constructor(
    readonly documents: DocumentStore,
    readonly store: WorkflowStore,
    readonly db: StillmotionDb,
    readonly registry: NodeRegistry,
  ) {
    documents.subscribe((_, change) => this.#changed(change));
    this.#channel.onmessage = (e: MessageEvent<SavedMessage>) => this.#heard(e.data);
    addEventListener('pagehide', () => void this.flush());
    document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && void this.flush());
  }

  get state(): SessionState {
    return this.#state;
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Opens the workflow open last time, or the default graph on a first start. A stored workflow
   * that no longer loads is left untouched in storage and reported; a new default opens instead.
   */
  async start(): Promise<string | undefined> {
    const lastId = await this.db.get('settings', LAST_OPENED);
    const problem = typeof lastId === 'string' ? await this.open(lastId) : undefined;
    if (typeof lastId !== 'string' || problem) await this.create(defaultWorkflow());
    return problem;
  }

  /** Opens a stored workflow; returns why it could not be opened, if it could not. */
  async open(id: string): Promise<string | undefined> {
    await this.flush();
    const loaded = await this.store.get(id);
    if (!loaded) return 'that workflow is no longer stored';
    if (!loaded.ok) return `the stored workflow could not be read: ${loaded.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`;
    this.#show(loaded.document);
    await this.store.markOpened(id);
    await this.db.put('settings', id, LAST_OPENED);
    await this.#refresh();
    return undefined;
  }

  /** Stores `document` as a new workflow (a fresh id) and opens it. */
  async create(document: WorkflowDocument): Promise<void> {
    await this.flush();
    const fresh = { ...document, id: crypto.randomUUID() };
    await this.store.save(fresh);
    await this.open(fresh.id);
  }

  async duplicate(id: string): Promise<void> {
    await this.flush();
    const copy = await this.store.duplicate(id);
    if (copy) await this.open(copy.id);
    else await this.#refresh();
  }

  /** Deletes a stored workflow and returns it, so the caller can offer to undo. */
  async remove(id: string): Promise<WorkflowRecord | undefined> {
    const record = await this.store.delete(id);
    if (id === this.documents.document.id) {
      const next = (await this.store.list())[0];
      if (next) await this.open(next.id);
      else await this.create(defaultWorkflow());
    }
    await this.#refresh();
    return record;
  }

  async restore(record: WorkflowRecord): Promise<void> {
    await this.store.restore(record);
    await this.#refresh();
  }

  rename(name: string): void {
    this.documents.change((d) => void (d.name = name.trim() || 'Untitled'));
  }

  /** Ends a conflict by taking the version the other tab saved. */
  async takeTheirs(): Promise<void> {
    this.#set({ conflict: false });
    await this.open(this.documents.document.id);
  }

  /** Ends a conflict by saving this tab's version as a separate workflow. */
  async keepMineAsCopy(): Promise<void> {
    this.#set({ conflict: false });
    this.#dirty = false;
    const mine = this.documents.document;
    await this.create({ ...mine, name: `${mine.name} (other tab)` });
  }

  /** Saves now if a change is waiting. */
  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#state.conflict) return;
    if (!this.#dirty) return this.#saveView();
    this.#dirty = false;
    this.#viewDirty = false;
    const document = this.documents.document;
    try {
      const saved = await this.store.save(document);
      this.#channel.postMessage({ type: 'saved', id: document.id, tab: this.#tab } satisfies SavedMessage);
      // The one entry that changed moves to the top; the list is not read back on every save.
      this.#set({ list: [saved, ...this.#state.list.filter((w) => w.id !== saved.id)], saveError: undefined });
    } catch (error) {
      this.#dirty = true;
      this.#set({ saveError: `your latest changes are not saved yet: ${error instanceof Error ? error.message : String(error)}` });
    }
  }

  /** Writes this tab's viewport into the stored workflow, leaving its graph as stored. */
  async #saveView(): Promise<void> {
    if (!this.#viewDirty) return;
    this.#viewDirty = false;
    const { id, viewport } = this.documents.document;
    const stored = await this.store.get(id);
    if (stored?.ok && viewport) await this.store.save({ ...stored.document, viewport });
  }

  #show(document: WorkflowDocument): void {
    this.#switching = true;
    try {
      this.documents.replace(document);
    } finally {
      this.#switching = false;
    }
  }

  #changed(change: Change | undefined): void {
    if (this.#switching) return;
    if (change?.transient) {
      this.#viewDirty = true;
      return;
    }
    this.#dirty = true;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.flush(), SAVE_DELAY_MS);
  }

  /** Another tab saved: with no edits of ours waiting, take its version; with some, ask. */
  #heard(message: SavedMessage): void {
    if (message.type !== 'saved' || message.tab === this.#tab || message.id !== this.documents.document.id) {
      void this.#refresh();
      return;
    }
    if (this.#dirty) {
      clearTimeout(this.#timer);
      this.#set({ conflict: true });
    } else void this.open(message.id);
  }

  async #refresh(): Promise<void> {
    this.#set({ list: await this.store.list() });
  }

  #set(patch: Partial<SessionState>): void {
    this.#state = { ...this.#state, ...patch };
    for (const listener of this.#listeners) listener();
  }
}
