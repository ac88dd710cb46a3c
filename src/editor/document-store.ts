/**
 * The workflow being edited. Every change goes through immer and is recorded as patches, so
 * undo/redo, autosave and cache invalidation can all work from the same diffs.
 */
import { enablePatches, produceWithPatches, type Draft, type Patch } from 'immer';
import type { WorkflowDocument, WorkflowNode } from '../engine';

enablePatches();

export interface Change {
  patches: Patch[];
  inverse: Patch[];
}

type Listener = (document: WorkflowDocument, change: Change | undefined) => void;

export class DocumentStore {
  #document: WorkflowDocument;
  #index: Map<string, WorkflowNode> | undefined;
  readonly #listeners = new Set<Listener>();

  constructor(document: WorkflowDocument) {
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

  /** Applies `recipe` to a draft; listeners hear the new document and the patches. */
  change(recipe: (draft: Draft<WorkflowDocument>) => void): Change {
    const [next, patches, inverse] = produceWithPatches(this.#document, recipe);
    const change = { patches, inverse };
    if (patches.length === 0) return change;
    this.#set(next);
    for (const listener of this.#listeners) listener(next, change);
    return change;
  }

  /** Replaces the whole document (opening another workflow). */
  replace(document: WorkflowDocument): void {
    this.#set(document);
    for (const listener of this.#listeners) listener(document, undefined);
  }

  #set(document: WorkflowDocument): void {
    this.#document = document;
    this.#index = undefined;
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
