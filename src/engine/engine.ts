/**
 * The engine: evaluates a workflow in dependency order, reusing cached outputs by content.
 *
 * Each node's cache key is hash(type + version + params + content hashes of its inputs), so a
 * second run with nothing changed runs nothing, and a change re-runs only what it reaches. A node
 * that fails fails only what depends on it; cancelling aborts running nodes through their signal
 * and never writes a partial cache entry. Identical work requested twice at once runs once.
 */
import type { CacheStore } from './cache';
import { MemoryCache } from './cache';
import type { FailureCause, NodeState, NodeUpdate, RunCounts, RunEvent, RunStatus } from './events';
import { topologicalOrder, upstream } from './graph';
import { hashString, stableStringify } from './hash';
import { DEFAULT_LIMITS, Limiter, type ConcurrencyLimits } from './limiter';
import { migrateParams, NodeError, type AnyNodeDefinition } from './node-definition';
import { constraintIssues, resolveParams, withoutHidden } from './params';
import { isListType } from './ports';
import type { NodeRegistry } from './registry';
import { memoryServices, type NodeServices } from './services';
import { coerce, matchesPortType, valueHash, type PortValue, type ScalarValue } from './values';
import { formatPath, type WorkflowDocument, type WorkflowEdge, type WorkflowNode } from './workflow';

export interface EngineOptions {
  registry: NodeRegistry;
  cache?: CacheStore;
  /** Files, the task journal, keys and settings; any left out are kept in memory. */
  services?: Partial<NodeServices>;
  limits?: ConcurrencyLimits;
}

export interface RunRequest {
  document: WorkflowDocument;
  /** Run only these nodes and what they need; every node when absent. */
  targets?: readonly string[];
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  runId?: string;
  /**
   * Only look results up, never run a node: what a reopened workflow shows from earlier runs.
   * A node without a cached result settles as cancelled, and so does what depends on it.
   */
  cachedOnly?: boolean;
}

export interface NodeResult {
  state: Exclude<NodeState, 'queued' | 'running'>;
  outputs?: Readonly<Record<string, PortValue>>;
  cacheKey?: string;
  /** How long the node's own work took; 0 when its outputs came from the cache. */
  ms?: number;
  error?: string;
  cause?: FailureCause;
}

export interface RunSummary {
  runId: string;
  status: RunStatus;
  counts: RunCounts;
  nodes: Record<string, NodeResult>;
  /** Nodes whose run function was called, in the order they started. */
  executed: string[];
  error?: string;
}

type Outputs = Readonly<Record<string, PortValue>>;

/** How often a running node may report progress; finer updates are dropped. */
const PROGRESS_INTERVAL_MS = 50;

export class Engine {
  readonly registry: NodeRegistry;
  readonly cache: CacheStore;
  readonly services: NodeServices;
  readonly limiter: Limiter;
  /** Work in flight by cache key, shared by every run of this engine. */
  readonly inflight = new Map<string, Promise<Outputs>>();

  constructor(options: EngineOptions) {
    this.registry = options.registry;
    this.cache = options.cache ?? new MemoryCache();
    this.services = { ...memoryServices(), ...options.services };
    this.limiter = new Limiter(options.limits ?? DEFAULT_LIMITS);
  }

  run(request: RunRequest): Promise<RunSummary> {
    return new Run(this, request).execute();
  }
}

class Run {
  readonly #engine: Engine;
  readonly #id: string;
  readonly #signal: AbortSignal;
  readonly #emit: (event: RunEvent) => void;
  readonly #nodes = new Map<string, WorkflowNode>();
  readonly #incoming = new Map<string, WorkflowEdge[]>();
  readonly #outgoing = new Map<string, WorkflowEdge[]>();
  readonly #waitingOn = new Map<string, number>();
  readonly #results = new Map<string, NodeResult>();
  readonly #executed: string[] = [];
  readonly #document: WorkflowDocument;
  readonly #targets: readonly string[] | undefined;
  readonly #cachedOnly: boolean;
  #graph: string | undefined;
  #finish!: () => void;

  constructor(engine: Engine, request: RunRequest) {
    this.#engine = engine;
    this.#id = request.runId ?? crypto.randomUUID();
    this.#signal = request.signal ?? new AbortController().signal;
    this.#emit = request.onEvent ?? (() => {});
    this.#document = request.document;
    this.#targets = request.targets;
    this.#cachedOnly = request.cachedOnly ?? false;
  }

  async execute(): Promise<RunSummary> {
    const scope = this.#scope();
    const edges = this.#document.edges.filter((e) => scope.has(e.source) && scope.has(e.target));
    const order = topologicalOrder([...scope], edges);
    if (!order.ok) return this.#refuse(`the graph has a cycle: ${order.cycles.map((c) => this.#describeCycle(c)).join('; ')}. Remove one of these wires.`);

    for (const node of this.#document.nodes) if (scope.has(node.id)) this.#nodes.set(node.id, node);
    for (const id of scope) {
      this.#incoming.set(id, []);
      this.#outgoing.set(id, []);
    }
    for (const edge of edges) {
      this.#incoming.get(edge.target)!.push(edge);
      this.#outgoing.get(edge.source)!.push(edge);
    }

    const done = new Promise<void>((resolve) => (this.#finish = resolve));
    this.#emit({ type: 'run-started', runId: this.#id, nodeIds: order.order });
    for (const id of order.order) this.#update(id, { state: 'queued' });
    if (order.order.length === 0) this.#finish();
    for (const id of order.order) {
      const waiting = this.#incoming.get(id)!.length;
      this.#waitingOn.set(id, waiting);
      if (waiting === 0) void this.#evaluate(id);
    }
    await done;
    return this.#summary();
  }

  #scope(): Set<string> {
    const all = this.#document.nodes.map((n) => n.id);
    if (!this.#targets) return new Set(all);
    const known = new Set(all);
    return upstream(this.#targets.filter((t) => known.has(t)), this.#document.edges);
  }

  #refuse(error: string): RunSummary {
    const counts = { total: 0, executed: 0, cached: 0, failed: 0, cancelled: 0 };
    this.#emit({ type: 'run-finished', runId: this.#id, status: 'failed', counts, error });
    return { runId: this.#id, status: 'failed', counts, nodes: {}, executed: [], error };
  }

  #describeCycle(ids: string[]): string {
    const names = ids.map((id) => this.#label(id));
    return [...names, names[0]].join(' -> ');
  }

  #label(id: string): string {
    const node = this.#document.nodes.find((n) => n.id === id) ?? this.#nodes.get(id);
    const title = node?.title ?? (node && this.#engine.registry.get(node.type)?.title) ?? node?.type ?? 'node';
    return `${title} (${id})`;
  }

  async #evaluate(id: string): Promise<void> {
    const node = this.#nodes.get(id)!;
    try {
      this.#settle(id, await this.#resolve(node));
    } catch (error) {
      this.#settle(id, this.#failure(error));
    }
  }

  /** Everything that decides one node's fate, in order: type, upstream, inputs, params, cache, run. */
  async #resolve(node: WorkflowNode): Promise<NodeResult> {
    const definition = this.#engine.registry.get(node.type);
    if (!definition) {
      return { state: 'failed', cause: 'missing-type', error: `"${node.type}" is not a node type this version of Stillmotion has; the node is kept but cannot run` };
    }
    const blocked = this.#blockedByUpstream(node.id);
    if (blocked) return blocked;
    if (this.#signal.aborted) return { state: 'cancelled' };

    const inputs = this.#gatherInputs(node, definition);
    if ('error' in inputs) return { state: 'failed', cause: 'input', error: inputs.error };
    const { values: params, issues: invalid } = resolveParams(definition.params, migrateParams(definition, node.params, node.version));
    const constraints = invalid.length === 0 ? definition.constrain?.(params) : undefined;
    const issues = constraints ? constraintIssues(definition.params, constraints, params) : invalid;
    if (issues.length > 0) {
      return { state: 'failed', cause: 'own', error: issues.map((i) => `${formatPath(['params', ...i.path])}: ${i.message}`).join('; ') };
    }

    // A parameter that does not apply (hidden) is not part of the work: editing it re-runs nothing.
    const keyed = constraints ? withoutHidden(params, constraints) : params;
    const cacheKey = cacheKeyOf(definition, keyed, inputs.values, definition.readsWorkflow?.(params) ? this.#graphIdentity() : undefined);
    // A cache that cannot be read is a miss, never a failed node: storage trouble costs time, not work.
    const hit = await this.#engine.cache.get(cacheKey).catch((error: unknown) => {
      this.#emit({ type: 'warning', runId: this.#id, nodeId: node.id, message: `cached results could not be read, so this runs again: ${messageOf(error)}` });
      return undefined;
    });
    if (hit) return { state: 'cached', outputs: hit.outputs, cacheKey, ms: 0 };
    // The key of work not yet done is what finds journalled paid work to resume after a reload.
    if (this.#cachedOnly) return { state: 'cancelled', cacheKey };
    const shared = this.#engine.inflight.get(cacheKey);
    if (shared) {
      const outputs = await shared.catch(() => undefined); // the other run failed or was cancelled: do it here
      if (outputs) return { state: 'cached', outputs, cacheKey, ms: 0 };
    }
    const started = performance.now();
    const work = this.#execute(node, definition, inputs.values, params, cacheKey);
    this.#engine.inflight.set(cacheKey, work);
    try {
      const outputs = await work;
      await this.#engine.cache
        .put({ key: cacheKey, nodeType: node.type, outputs, createdAt: Date.now() })
        .catch((error: unknown) => this.#emit({ type: 'warning', runId: this.#id, nodeId: node.id, message: `result kept for this session only: ${messageOf(error)}` }));
      return { state: 'done', outputs, cacheKey, ms: performance.now() - started };
    } finally {
      this.#engine.inflight.delete(cacheKey);
    }
  }

  /** What the workflow is, apart from where its nodes sit: computed once per run, when asked. */
  #graphIdentity(): string {
    this.#graph ??= hashString(
      stableStringify({
        name: this.#document.name,
        nodes: this.#document.nodes.map(({ id, type, version, title, params }) => ({ id, type, version, title, params })),
        edges: this.#document.edges,
      }),
    );
    return this.#graph;
  }

  #blockedByUpstream(id: string): NodeResult | undefined {
    for (const edge of this.#incoming.get(id)!) {
      const source = this.#results.get(edge.source)!;
      if (source.state === 'cancelled') return { state: 'cancelled' };
      if (source.state === 'failed') return { state: 'failed', cause: 'upstream', error: `needs ${this.#label(edge.source)}, which failed` };
    }
    return undefined;
  }

  #gatherInputs(node: WorkflowNode, definition: AnyNodeDefinition): { values: Record<string, PortValue | undefined> } | { error: string } {
    const values: Record<string, PortValue | undefined> = {};
    const edges = this.#incoming.get(node.id)!;
    for (const [port, spec] of Object.entries(definition.inputs)) {
      const feeding = edges.filter((e) => e.targetPort === port);
      if (feeding.length === 0) {
        if (!spec.optional) return { error: `input "${spec.label}" (${port}, ${spec.type}) is not connected` };
        values[port] = isListType(spec.type) ? [] : undefined;
        continue;
      }
      const fed = feeding.map((e) => coerce(this.#results.get(e.source)!.outputs![e.sourcePort]!, spec.type));
      values[port] = isListType(spec.type) ? fed.flatMap((v) => v as readonly ScalarValue[]) : fed[0];
    }
    return { values };
  }

  async #execute(node: WorkflowNode, definition: AnyNodeDefinition, inputs: Record<string, PortValue | undefined>, params: Record<string, unknown>, key: string): Promise<Outputs> {
    const release = await this.#engine.limiter.acquire(definition.resource?.(params), this.#signal);
    try {
      this.#executed.push(node.id);
      this.#update(node.id, { state: 'running', fraction: 0 });
      const outputs = await definition.run({
        ...this.#engine.services,
        nodeId: node.id,
        key,
        inputs: inputs as never,
        params: params as never,
        signal: this.#signal,
        progress: this.#progressReporter(node.id),
        workflow: this.#document,
      });
      for (const [port, spec] of Object.entries(definition.outputs)) {
        if (!matchesPortType(outputs?.[port], spec.type)) throw new Error(`${definition.title} returned no valid "${port}" output (${spec.type})`);
      }
      return outputs;
    } finally {
      release();
    }
  }

  /**
   * At most one report per PROGRESS_INTERVAL_MS (the first to reach 1 goes at once); the latest
   * of those held back is shown when the interval ends, so a last word ("stopping") is never lost.
   */
  #progressReporter(id: string) {
    let lastAt = -Infinity;
    let lastFraction = 0;
    let held: (() => void) | undefined;
    const show = (clamped: number, message: string | undefined) => {
      held = undefined;
      if (this.#results.has(id)) return;
      lastAt = performance.now();
      lastFraction = clamped;
      this.#update(id, message === undefined ? { state: 'running', fraction: clamped } : { state: 'running', fraction: clamped, message });
    };
    return (fraction: number, message?: string) => {
      const clamped = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
      const wait = lastAt + PROGRESS_INTERVAL_MS - performance.now();
      if (wait <= 0 || (clamped === 1 && lastFraction < 1)) return show(clamped, message);
      if (!held) setTimeout(() => held?.(), wait);
      held = () => show(clamped, message);
    };
  }

  #failure(error: unknown): NodeResult {
    if (this.#signal.aborted) return { state: 'cancelled' };
    if (error instanceof NodeError) return { state: 'failed', cause: 'own', error: error.message };
    return { state: 'failed', cause: 'own', error: `internal error: ${messageOf(error)}` };
  }

  #settle(id: string, result: NodeResult): void {
    this.#results.set(id, result);
    this.#update(id, toUpdate(result));
    for (const edge of this.#outgoing.get(id)!) {
      const left = this.#waitingOn.get(edge.target)! - 1;
      this.#waitingOn.set(edge.target, left);
      if (left === 0) void this.#evaluate(edge.target);
    }
    if (this.#results.size === this.#nodes.size) this.#finish();
  }

  #update(nodeId: string, update: NodeUpdate): void {
    this.#emit({ type: 'node', runId: this.#id, nodeId, ...update });
  }

  #summary(): RunSummary {
    const counts: RunCounts = { total: this.#results.size, executed: this.#executed.length, cached: 0, failed: 0, cancelled: 0 };
    for (const r of this.#results.values()) {
      if (r.state === 'cached') counts.cached++;
      else if (r.state === 'failed') counts.failed++;
      else if (r.state === 'cancelled') counts.cancelled++;
    }
    const status: RunStatus = this.#signal.aborted && counts.cancelled > 0 ? 'cancelled' : counts.failed > 0 ? 'failed' : 'done';
    this.#emit({ type: 'run-finished', runId: this.#id, status, counts });
    return { runId: this.#id, status, counts, nodes: Object.fromEntries(this.#results), executed: this.#executed };
  }
}

function toUpdate(result: NodeResult): NodeUpdate {
  switch (result.state) {
    case 'cached':
    case 'done':
      return { state: result.state, outputs: result.outputs!, cacheKey: result.cacheKey!, ms: result.ms ?? 0 };
    case 'failed':
      return { state: 'failed', error: result.error!, cause: result.cause! };
    case 'cancelled':
      return { state: 'cancelled' };
  }
}

/** hash(type + version + params + content hashes of inputs [+ the graph]): equal work, equal key. */
export function cacheKeyOf(definition: AnyNodeDefinition, params: Record<string, unknown>, inputs: Record<string, PortValue | undefined>, graph?: string): string {
  let text = `${JSON.stringify(definition.type)}@${definition.version}${stableStringify(params)}${graph === undefined ? '' : `#${graph}`}`;
  for (const port of Object.keys(inputs).sort()) {
    const value = inputs[port];
    text += `|${JSON.stringify(port)}=${value === undefined ? '-' : valueHash(value)}`;
  }
  return hashString(text);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
