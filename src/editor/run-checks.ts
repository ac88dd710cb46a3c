/**
 * What the editor says before Run: the plan's estimate, and the problems that would stop a node
 * (an unconnected input, params its model refuses, a file not chosen, a paid route with no key), each on its node
 * and in one list. The engine's plan is asked for again once the graph, the run states or the
 * keys have been still for a moment; a plan that comes back late for an older graph is dropped.
 */
import type { NodeRegistry, RunPlan, WorkflowDocument, WorkflowNode } from '../engine';
import type { ProviderInfo } from '../providers/protocol';
import { providerInfo } from '../providers/providers';
import type { DocumentStore } from './document-store';
import { estimateOf, NO_COST, nodeParams, nodeTitles, type RunEstimate } from './run-cost';
import type { RunStore } from './run-store';

export interface Problem {
  nodeId: string;
  title: string;
  text: string;
  /** Where the user fixes it, when it is not on the node itself. */
  fix?: 'providers';
}

export interface RunCheck {
  estimate: RunEstimate;
  /** Only the root of each problem: a node that waits on a failing one is not listed again. */
  problems: Problem[];
  /** Nodes a run would run again, and why: a result they show is out of date. */
  stale: ReadonlyMap<string, string>;
}

/** How long the graph must be still before the engine is asked again. */
const SETTLE_MS = 150;

/** The plan read for the user: its money, its failing nodes, and paid nodes whose provider has no key. */
export function checkOf(plan: RunPlan, document: WorkflowDocument, registry: NodeRegistry, configured: ReadonlySet<string> | undefined): RunCheck {
  const titleOf = nodeTitles(document, registry);
  const problems: Problem[] = [];
  for (const [nodeId, verdict] of Object.entries(plan.nodes)) {
    if (verdict.will === 'fail' && !verdict.blockedBy) problems.push({ nodeId, title: titleOf(nodeId), text: verdict.reason });
  }
  const failing = new Set(problems.map((p) => p.nodeId));
  for (const node of document.nodes) {
    const missing = failing.has(node.id) ? undefined : missingFile(node, registry);
    if (missing) problems.push({ nodeId: node.id, title: titleOf(node.id), text: missing });
  }
  if (configured) {
    const byId = new Map(document.nodes.map((n) => [n.id, n]));
    for (const nodeId of plan.paid) {
      for (const info of keyedProviders(byId.get(nodeId), registry)) {
        if (!configured.has(info.id)) problems.push({ nodeId, title: titleOf(nodeId), text: `${info.name} has no key: add yours in Providers`, fix: 'providers' });
      }
    }
  }
  const stale = new Map(Object.entries(plan.nodes).flatMap(([nodeId, verdict]) => (verdict.will === 'run' ? [[nodeId, verdict.reason] as const] : [])));
  return { estimate: estimateOf(plan, titleOf), problems, stale };
}

/**
 * A file param with no file yet: the node would fail when run, so it is said before Run. The plan
 * cannot say it, as it would then also hold back the estimate of the paid nodes downstream.
 */
function missingFile(node: WorkflowNode, registry: NodeRegistry): string | undefined {
  const definition = registry.get(node.type);
  const empty = Object.entries(definition?.params ?? {}).find(([name, spec]) => spec.kind === 'asset' && !node.params[name]);
  return empty ? `no file chosen: choose one under ${empty[1].label}` : undefined;
}

/** The providers whose key a node's params send it to (the keys it declares), that take a key. */
export function keyedProviders(node: WorkflowNode | undefined, registry: NodeRegistry): ProviderInfo[] {
  const definition = node && registry.get(node.type);
  const keys = node && definition ? (definition.services?.keys?.(nodeParams(node, definition)) ?? []) : [];
  return keys.flatMap((key) => {
    const info = providerInfo(key);
    return info && !info.keyless ? [info] : [];
  });
}

export class RunChecks {
  #check: RunCheck = { estimate: NO_COST, problems: [], stale: new Map() };
  #byNode = new Map<string, Problem>();
  readonly #listeners = new Set<() => void>();
  readonly #nodeListeners = new Map<string, Set<() => void>>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #asked = 0;
  #configured: () => ReadonlySet<string> | undefined = () => undefined;

  constructor(
    readonly plan: (document: WorkflowDocument) => Promise<RunPlan>,
    readonly documents: DocumentStore,
    readonly runs: RunStore,
    readonly registry: NodeRegistry,
  ) {
    documents.subscribe(() => this.refresh());
    runs.subscribe(() => this.refresh());
  }

  get current(): RunCheck {
    return this.#check;
  }

  node(nodeId: string): Problem | undefined {
    return this.#byNode.get(nodeId);
  }

  /** Why a run would run this node again (its shown result is out of date), if it would. */
  staleReason(nodeId: string): string | undefined {
    return this.#check.stale.get(nodeId);
  }

  /** Which providers have a key (undefined until known); the keys' store calls refresh on a change. */
  keys(configured: () => ReadonlySet<string> | undefined): void {
    this.#configured = configured;
    this.refresh();
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  subscribeNode(nodeId: string, listener: () => void): () => void {
    let set = this.#nodeListeners.get(nodeId);
    if (!set) this.#nodeListeners.set(nodeId, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Asks the engine again once things are still. */
  refresh(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#ask(), SETTLE_MS);
  }

  async #ask(): Promise<void> {
    const ask = ++this.#asked;
    const document = this.documents.document;
    // A plan that cannot be made (the worker gone) leaves the last check shown.
    const plan = await this.plan(document).catch(() => undefined);
    if (!plan || ask !== this.#asked) return;
    this.#set(checkOf(plan, document, this.registry, this.#configured()));
  }

  #set(check: RunCheck): void {
    const before = { problems: this.#byNode, stale: this.#check.stale };
    this.#check = check;
    this.#byNode = new Map(check.problems.map((p) => [p.nodeId, p]));
    for (const id of new Set([...before.problems.keys(), ...this.#byNode.keys(), ...before.stale.keys(), ...check.stale.keys()])) {
      if (before.problems.get(id)?.text === this.#byNode.get(id)?.text && before.stale.get(id) === check.stale.get(id)) continue;
      for (const listener of this.#nodeListeners.get(id) ?? []) listener();
    }
    for (const listener of this.#listeners) listener();
  }
}
