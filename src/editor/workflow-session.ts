/**
 * Which workflow is open, and keeping it saved. Every change is saved shortly after it is made
 * (and at once when the page is hidden or closed); a reload reopens the last workflow. Two tabs
 * on one workflow never overwrite each other silently: each save goes over the revision this tab
 * last read, checked inside the save's own transaction, so when another tab saved first (even a
 * millisecond before) or deleted the workflow, this tab stops saving it and asks what to keep.
 */
import type { LoadIssue, NodeRegistry, WorkflowDocument } from '../engine';
import type { StillmotionDb, StoredWorkflow, WorkflowRecord, WorkflowStore, WorkflowSummary } from '../storage';
import { defaultWorkflow } from '../workflows/default-workflow';
import type { Change, DocumentStore } from './document-store';

const SAVE_DELAY_MS = 400;
const LAST_OPENED = 'lastWorkflowId';
const CHANNEL = 'stillmotion-workflows';

/**
 * Nodes the editor is measured fluid with (bench editor: a 5,000-node import in under 3 s). A
 * bigger workflow is not reopened by a start on its own, and importing one says it is big.
 */
export const LARGE_GRAPH_NODES = 5000;

export interface SessionState {
  /** Workflows in storage, most recently changed first. */
  list: WorkflowSummary[];
  /** Another tab saved, or deleted, the open workflow; autosave is paused until the user chooses. */
  conflict?: 'changed' | 'deleted';
  /** Saving failed; what happened, in words. */
  saveError?: string;
  /** The workflow open last time, left closed at start because it is big; the user may open it. */
  skipped?: WorkflowSummary;
  /**
   * A first start (nothing was stored): the templates are offered over the default graph until
   * they are closed, or another workflow opens, or the graph is changed, by whatever means.
   */
  welcome?: boolean;
}

/** Opened, with what had to be repaired on the way; or why it could not be. */
export type OpenOutcome = { ok: true; warnings: LoadIssue[] } | { ok: false; reason: string };

interface Message {
  type: 'saved' | 'deleted';
  id: string;
  tab: string;
}

export class WorkflowSession {
  readonly #tab = crypto.randomUUID();
  readonly #channel = new BroadcastChannel(CHANNEL);
  readonly #listeners = new Set<() => void>();
  #state: SessionState = { list: [] };
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The graph changed since the last save. */
  #dirty = false;
  /** Only the view changed since the last save: saved quietly, never over another tab's graph. */
  #viewDirty = false;
  /** Set while a document is being replaced, so the replacement is not saved back as an edit. */
  #switching = false;
  /** The stored revision the open document was read as, or last saved as. */
  #revision = 0;
  /** Saves one after another, so a save never races this tab's own previous one. */
  #saving: Promise<void> = Promise.resolve();
  /** False until a stored workflow is open: the placeholder shown while starting is never saved. */
  #started = false;
  /** The first start's templates were closed, or something else opened or changed, so they are not offered. */
  #welcomeOver = false;

  constructor(
    readonly documents: DocumentStore,
    readonly store: WorkflowStore,
    readonly db: StillmotionDb,
    readonly registry: NodeRegistry,
  ) {
    documents.subscribe((_, change) => this.#changed(change));
    this.#channel.onmessage = (e: MessageEvent<Message>) => this.#heard(e.data);
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
   * that no longer loads is left untouched in storage and reported (with its id, so it can still
   * be exported); a new default opens instead. One above LARGE_GRAPH_NODES is not opened by
   * itself, so a graph too big to open quickly never holds up a start: it is offered instead.
   */
  async start(): Promise<{ id: string; outcome: OpenOutcome } | undefined> {
    const lastId = await this.db.get('settings', LAST_OPENED);
    const list = await this.store.list();
    this.#set({ list });
    const last = list.find((w) => w.id === lastId);
    if (last && last.nodes > LARGE_GRAPH_NODES) {
      this.#set({ skipped: last });
      const other = list.find((w) => w.nodes <= LARGE_GRAPH_NODES);
      if (!other || !(await this.open(other.id)).ok) await this.create(defaultWorkflow());
      return undefined;
    }
    const outcome = typeof lastId === 'string' ? await this.open(lastId) : undefined;
    if (!outcome?.ok) await this.create(defaultWorkflow());
    if (list.length === 0 && !this.#welcomeOver) this.#set({ welcome: true });
    return outcome && typeof lastId === 'string' ? { id: lastId, outcome } : undefined;
  }

  /** The templates offered on a first start are closed (or never to be offered: something else opened first). */
  endWelcome(): void {
    this.#welcomeOver = true;
    if (this.#state.welcome) this.#set({ welcome: false });
  }

  /** Opens a stored workflow, repairing what must be (each repair a warning); or says why it cannot. */
  async open(id: string): Promise<OpenOutcome> {
    await this.flush();
    const stored = await this.store.read(id);
    if (!stored) return { ok: false, reason: 'that workflow is no longer stored' };
    if (!stored.loaded.ok) return { ok: false, reason: `the stored workflow could not be read: ${stored.loaded.errors.map((e) => `${e.path || 'document'}: ${e.message}`).join('; ')}` };
    await this.#opened(stored.loaded.document, stored.revision);
    return { ok: true, warnings: stored.loaded.warnings };
  }

  /** The workflow exactly as stored, as a file, for one that can no longer be opened. */
  async exportStored(id: string): Promise<File | undefined> {
    const stored: StoredWorkflow | undefined = await this.store.read(id);
    if (!stored) return undefined;
    return new File([`${JSON.stringify(stored.raw, null, 2)}\n`], `stored-workflow-${id}.stillmotion.json`, { type: 'application/json' });
  }

  /** Stores `document` (already loaded and checked) as a new workflow, under a fresh id, and opens it. */
  async create(document: WorkflowDocument): Promise<void> {
    await this.flush();
    const fresh = { ...document, id: crypto.randomUUID() };
    const saved = await this.store.save(fresh);
    await this.#opened(fresh, saved.revision);
  }

  async duplicate(id: string): Promise<void> {
    await this.flush();
    const copy = await this.store.duplicate(id);
    if (copy) await this.open(copy.id);
    else await this.refresh();
  }

  /** Deletes a stored workflow and returns it, so the caller can offer to undo. */
  async remove(id: string): Promise<WorkflowRecord | undefined> {
    const record = await this.store.delete(id);
    this.#post('deleted', id);
    if (id === this.documents.document.id) await this.#openNext();
    await this.refresh();
    return record;
  }

  async restore(record: WorkflowRecord): Promise<void> {
    await this.store.restore(record);
    this.#post('saved', record.id);
    await this.refresh();
  }

  /** Ends a conflict by taking the version the other tab saved. */
  async takeTheirs(): Promise<void> {
    this.#dirty = false;
    this.#set({ conflict: undefined });
    await this.open(this.documents.document.id);
  }

  /** Ends a conflict by saving this tab's version as a separate workflow. */
  async keepMineAsCopy(): Promise<void> {
    this.#set({ conflict: undefined });
    this.#dirty = false;
    const mine = this.documents.document;
    await this.create({ ...mine, name: `${mine.name} (other tab)` });
  }

  /** Ends "deleted in another tab" by storing this tab's version again, as it is now. */
  async keepDeleted(): Promise<void> {
    const saved = await this.store.save(this.documents.document);
    this.#revision = saved.revision;
    this.#dirty = false;
    this.#set({ conflict: undefined });
    this.#post('saved', saved.id);
    await this.refresh();
  }

  /** Ends "deleted in another tab" by letting it go: another workflow opens. */
  async letDeletedGo(): Promise<void> {
    this.#dirty = false;
    this.#set({ conflict: undefined });
    await this.#openNext();
  }

  /** Saves now if a change is waiting (after any save already under way). */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#saving = this.#saving.then(() => this.#save());
    return this.#saving;
  }

  async #save(): Promise<void> {
    if (this.#state.conflict) return;
    if (!this.#dirty) return this.#saveView();
    this.#dirty = false;
    this.#viewDirty = false;
    const document = this.documents.document;
    try {
      const saved = await this.store.saveOver(document, this.#revision);
      if (!saved.ok) {
        this.#dirty = true;
        this.#set({ conflict: saved.conflict });
        return;
      }
      this.#revision = saved.revision;
      this.#post('saved', document.id);
      // The one entry that changed moves to the top; the list is not read back on every save.
      this.#set({ list: [saved.summary, ...this.#state.list.filter((w) => w.id !== saved.summary.id)], saveError: undefined });
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
    if (viewport) await this.store.saveView(id, viewport);
  }

  /** Shows `document`, stored under `revision`, as the open workflow. */
  async #opened(document: WorkflowDocument, revision: number): Promise<void> {
    // Any workflow opened after the one a start opens ends the welcome, even one opened before the start has finished.
    if (this.#started) this.endWelcome();
    this.#revision = revision;
    this.#dirty = false;
    this.#started = true;
    this.#show(document);
    const skipped = this.#state.skipped?.id === document.id ? undefined : this.#state.skipped;
    this.#set({ conflict: undefined, skipped });
    await this.store.markOpened(document.id);
    await this.db.put('settings', document.id, LAST_OPENED);
    await this.refresh();
  }

  /** The most recent workflow that opens (and is not too big to open at once), else a new default. */
  async #openNext(): Promise<void> {
    for (const next of await this.store.list()) {
      if (next.id !== this.documents.document.id && next.nodes <= LARGE_GRAPH_NODES && (await this.open(next.id)).ok) return;
    }
    await this.create(defaultWorkflow());
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
    if (this.#switching || !this.#started) return;
    if (change?.transient) {
      this.#viewDirty = true;
      return;
    }
    this.endWelcome();
    this.#dirty = true;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.flush(), SAVE_DELAY_MS);
  }

  /**
   * Another tab saved or deleted a workflow. The open one saved there: with no edits of ours
   * waiting, take its version; with some, ask. The open one deleted there: ask, whatever we have.
   */
  #heard(message: Message): void {
    if (message.tab === this.#tab || message.id !== this.documents.document.id) {
      void this.refresh();
      return;
    }
    if (message.type === 'deleted') {
      clearTimeout(this.#timer);
      this.#set({ conflict: 'deleted' });
    } else void this.#takeSaved(message.id);
  }

  /** Shows the version another tab saved, unless an edit of ours is waiting (even one made while reading it): then asks. */
  async #takeSaved(id: string): Promise<void> {
    if (!this.#dirty) {
      const stored = await this.store.read(id);
      if (!this.#dirty && this.documents.document.id === id) {
        if (stored?.loaded.ok && stored.revision !== this.#revision) await this.#opened(stored.loaded.document, stored.revision);
        return;
      }
    }
    clearTimeout(this.#timer);
    this.#set({ conflict: 'changed' });
  }

  #post(type: Message['type'], id: string): void {
    this.#channel.postMessage({ type, id, tab: this.#tab } satisfies Message);
  }

  /** Reads the list of workflows again (another tab, or another version of the app, may have changed it). */
  async refresh(): Promise<void> {
    this.#set({ list: await this.store.list() });
  }

  #set(patch: Partial<SessionState>): void {
    this.#state = { ...this.#state, ...patch };
    for (const listener of this.#listeners) listener();
  }
}
