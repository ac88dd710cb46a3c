/**
 * The workflow being edited. Every change goes through immer and is recorded as patches; the
 * same patches drive undo/redo here and, through listeners, autosave and the canvas.
 */
import { applyPatches, enablePatches, produceWithPatches, type Draft, type Patch } from 'immer';
import type { WorkflowDocument, WorkflowNode } from '../engine';

enablePatches();

export interface Change {
  patches: Patch[];
  inverse: Patch[];
  /** A change to how the graph is viewed (the viewport), not to the graph itself. */
  transient?: boolean;
}

export interface ChangeOptions {
  /**
   * Changes with the same key in quick succession become one undo step: a slider being dragged,
   * a prompt being typed. Absent: every change is its own step.
   */
  merge?: string;
  /** Not recorded for undo (e.g. the viewport). */
  transient?: boolean;
}

interface Step extends Change {
  merge: string | undefined;
  at: number;
}

type Listener = (document: WorkflowDocument, change: Change | undefined) => void;

/** How long after a change a following change with the same merge key still joins its step. */
const MERGE_WINDOW_MS = 1000;
const HISTORY_LIMIT = 500;

export class DocumentStore {
  #document: WorkflowDocument;
  #index: Map<string, WorkflowNode> | undefined;
  readonly #listeners = new Set<Listener>();
  #undo: Step[] = [];
  #redo: Step[] = [];
  /** While set, every recorded change joins this step: one gesture, one undo. */
  #group: Step | undefined;

  constructor(document: WorkflowDocument, readonly now: () => number = () => Date.now()) {
    this.#document = document;
  }

  get document(): WorkflowDocument {
    return this.#document;
  }

  /** A node by id, from an index rebuilt at most once per document version. */
  node(id: string): WorkflowNode | undefined {
    this.#index ??= new Map(this.#document.nodes.map((n) => [n.id, n]));
    return this.#index.get(id);
  }

  /** Applies `recipe` to a draft and records it for undo; listeners hear the new document. */
  change(recipe: (draft: Draft<WorkflowDocument>) => void, options: ChangeOptions = {}): Change {
    const [next, patches, inverse] = produceWithPatches(this.#document, recipe);
    const change: Change = options.transient ? { patches, inverse, transient: true } : { patches, inverse };
    if (patches.length === 0) return change;
    if (!options.transient) this.#record(change, options.merge);
    this.#commit(next, change);
    return change;
  }

  /** Runs `edit`, recording all the changes it makes as a single undo step. */
  group<T>(edit: () => T): T {
    if (this.#group) return edit();
    this.#group = { patches: [], inverse: [], merge: undefined, at: this.now() };
    try {
      return edit();
    } finally {
      const step = this.#group;
      this.#group = undefined;
      if (step.patches.length > 0) this.#push(step);
    }
  }

  get canUndo(): boolean {
    return this.#undo.length > 0;
  }

  get canRedo(): boolean {
    return this.#redo.length > 0;
  }

  undo(): boolean {
    const step = this.#undo.pop();
    if (!step) return false;
    this.#redo.push(step);
    this.#commit(applyPatches(this.#document, step.inverse), { patches: step.inverse, inverse: step.patches });
    return true;
  }

  redo(): boolean {
    const step = this.#redo.pop();
    if (!step) return false;
    this.#undo.push({ ...step, merge: undefined });
    this.#commit(applyPatches(this.#document, step.patches), step);
    return true;
  }

  /** Replaces the whole document (opening another workflow); history starts afresh. */
  replace(document: WorkflowDocument): void {
    this.#undo = [];
    this.#redo = [];
    this.#commit(document, undefined);
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #record(change: Change, merge: string | undefined): void {
    const at = this.now();
    const last = this.#undo.at(-1);
    this.#redo = [];
    if (this.#group) return extend(this.#group, change, at);
    if (merge !== undefined && last?.merge === merge && at - last.at < MERGE_WINDOW_MS) return extend(last, change, at);
    this.#push({ ...change, merge, at });
  }

  #push(step: Step): void {
    this.#redo = [];
    this.#undo.push(step);
    if (this.#undo.length > HISTORY_LIMIT) this.#undo.shift();
  }

  #commit(document: WorkflowDocument, change: Change | undefined): void {
    this.#document = document;
    this.#index = undefined;
    for (const listener of this.#listeners) listener(document, change);
  }
}

function extend(step: Step, change: Change, at: number): void {
  step.patches = [...step.patches, ...change.patches];
  step.inverse = [...change.inverse, ...step.inverse];
  step.at = at;
}
