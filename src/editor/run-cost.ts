/**
 * What a run would spend before it starts: the paid nodes it would run and their estimates. A
 * node already shown as done or cached, and unchanged since (its params and everything upstream),
 * would come from the cache and costs nothing; every other paid node in the run is counted.
 */
import { hashString, stableStringify, upstream, withoutHidden, type AnyNodeDefinition, type CostEstimate, type NodeRegistry, type WorkflowDocument, type WorkflowEdge, type WorkflowNode } from '../engine';
import type { NodeRunState, RunStore } from './run-store';

export interface PaidNode {
  nodeId: string;
  title: string;
  /** Undefined where no price is known for the node's current params. */
  estimate: CostEstimate | undefined;
}

export interface RunEstimate {
  nodes: PaidNode[];
  /** The sum of the known estimates, in US dollars. */
  usd: number;
  /** Some estimate is an assumption, or some paid node has no known price. */
  uncertain: boolean;
}

/** A node's params with the definition's defaults where the saved ones lack a value. */
export function nodeParams(node: WorkflowNode, definition: AnyNodeDefinition): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(definition.params)) values[name] = node.params[name] ?? spec.default;
  return values;
}

/** The definition's estimate for `node`, or undefined where it has none or cannot price these params. */
export function nodeCost(node: WorkflowNode, definition: AnyNodeDefinition): CostEstimate | undefined {
  try {
    return definition.cost?.(nodeParams(node, definition));
  } catch {
    // Params a file saved that the definition cannot price (an unknown model): no known price.
    return undefined;
  }
}

/**
 * Identity of a node's work as far as the page can tell: its type, the params that apply (as the
 * engine keys them: hidden ones left out) and, recursively, what feeds it. Equal signatures mean the engine would find the same cache entry (the engine's key
 * also hashes input contents, which only a run knows).
 */
export class WorkSignatures {
  constructor(readonly registry: NodeRegistry) {}

  #document: WorkflowDocument | undefined;
  #memo = new Map<string, string>();
  #nodes = new Map<string, WorkflowNode>();
  #incoming = new Map<string, WorkflowEdge[]>();
  /**
   * The last signature of each node object, with the inputs it was made from: an edit makes a new
   * object for the edited node only, so after a drag or an edit elsewhere the rest are reused.
   */
  readonly #last = new WeakMap<WorkflowNode, { inputs: string; signature: string }>();

  of(document: WorkflowDocument, nodeId: string): string {
    if (document !== this.#document) this.#index(document);
    return this.#sign(nodeId);
  }

  #index(document: WorkflowDocument): void {
    this.#document = document;
    this.#memo = new Map();
    this.#nodes = new Map(document.nodes.map((n) => [n.id, n]));
    this.#incoming = new Map();
    for (const edge of document.edges) {
      const list = this.#incoming.get(edge.target);
      if (list) list.push(edge);
      else this.#incoming.set(edge.target, [edge]);
    }
  }

  #sign(nodeId: string): string {
    const known = this.#memo.get(nodeId);
    if (known !== undefined) return known;
    const node = this.#nodes.get(nodeId);
    const inputs = (this.#incoming.get(nodeId) ?? []).map((e) => `${e.targetPort}<${e.sourcePort}:${this.#sign(e.source)}`).sort().join('|');
    let signature = `missing:${nodeId}`;
    if (node) {
      const last = this.#last.get(node);
      signature = last?.inputs === inputs ? last.signature : hashString(`${stableStringify({ type: node.type, version: node.version, params: this.#params(node) })}|${inputs}`);
      this.#last.set(node, { inputs, signature });
    }
    this.#memo.set(nodeId, signature);
    return signature;
  }

  #params(node: WorkflowNode): Record<string, unknown> {
    const definition = this.registry.get(node.type);
    if (!definition) return node.params;
    const values = nodeParams(node, definition);
    return definition.constrain ? withoutHidden(values, definition.constrain(values)) : values;
  }
}

/**
 * Estimates runs of the open document. It remembers, for each done or cached state the run store
 * shows, the node's signature when that state arrived, so an edit since makes the node count again.
 */
export class RunCostEstimator {
  /** Two, so signing the run's document and the open one in turn does not drop either memo. */
  readonly #signatures: WorkSignatures;
  readonly #basisSignatures: WorkSignatures;
  /** Keyed by the state object: each run event makes a new one, so a stale entry never matches. */
  readonly #resultFor = new WeakMap<NodeRunState, string>();
  /** The document the states now arriving belong to: the one the current run or restore was given. */
  #basis: WorkflowDocument | undefined;
  /** Each node list's paid nodes: runs report often, and most graphs have few paid nodes among many. */
  readonly #paid = new WeakMap<readonly WorkflowNode[], readonly WorkflowNode[]>();

  constructor(
    readonly registry: NodeRegistry,
    readonly runs: RunStore,
    readonly document: () => WorkflowDocument,
  ) {
    this.#signatures = new WorkSignatures(registry);
    this.#basisSignatures = new WorkSignatures(registry);
    runs.subscribe(() => this.#noteResults());
  }

  /** Results that arrive from now on were made from `document` (edits during a run do not count). */
  resultsOf(document: WorkflowDocument): void {
    this.#noteResults();
    this.#basis = document;
  }

  /** The paid nodes a run of `targets` (the whole graph when undefined) would run, and the total. */
  estimate(targets?: readonly string[]): RunEstimate {
    this.#noteResults();
    const document = this.document();
    const scope = targets ? upstream(targets, document.edges) : undefined;
    const nodes: PaidNode[] = [];
    for (const node of document.nodes) {
      const definition = this.registry.get(node.type);
      if (!definition?.cost || (scope && !scope.has(node.id)) || this.#showsResult(document, node.id)) continue;
      nodes.push({ nodeId: node.id, title: node.title ?? definition.title, estimate: nodeCost(node, definition) });
    }
    return {
      nodes,
      usd: nodes.reduce((sum, n) => sum + (n.estimate?.usd ?? 0), 0),
      uncertain: nodes.some((n) => !n.estimate || n.estimate.assumed === true),
    };
  }

  /**
   * The paid nodes of the current run that are running now: their requests may have reached the
   * provider, so stopping them may not stop the bill. Queued ones have sent nothing.
   */
  inFlight(): PaidNode[] {
    const document = this.#basis ?? this.document();
    return this.#paidNodes(document)
      .filter((node) => this.runs.node(node.id)?.state === 'running')
      .map((node) => {
        const definition = this.registry.get(node.type)!;
        return { nodeId: node.id, title: node.title ?? definition.title, estimate: nodeCost(node, definition) };
      });
  }

  #showsResult(document: WorkflowDocument, nodeId: string): boolean {
    const state = this.runs.node(nodeId);
    const signature = state && this.#resultFor.get(state);
    return signature !== undefined && signature === this.#signatures.of(document, nodeId);
  }

  #noteResults(): void {
    const document = this.#basis ?? this.document();
    for (const node of this.#paidNodes(document)) {
      const state = this.runs.node(node.id);
      if (!state || (state.state !== 'done' && state.state !== 'cached') || this.#resultFor.has(state)) continue;
      this.#resultFor.set(state, this.#basisSignatures.of(document, node.id));
    }
  }

  #paidNodes({ nodes }: WorkflowDocument): readonly WorkflowNode[] {
    let paid = this.#paid.get(nodes);
    if (!paid) this.#paid.set(nodes, (paid = nodes.filter((n) => this.registry.get(n.type)?.cost)));
    return paid;
  }
}

/** `$1.20`, and cents to a tenth where a figure is small. */
export function formatUsd(usd: number): string {
  return usd > 0 && usd < 0.1 ? `$${usd.toFixed(3)}` : `$${usd.toFixed(2)}`;
}
