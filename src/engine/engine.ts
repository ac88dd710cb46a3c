/**
 * The engine: evaluates a workflow in dependency order, reusing cached outputs by content.
 *
 * Each node's cache key is hash(type + version + params + content hashes of its inputs), so a
 * second run with nothing changed runs nothing, and a change re-runs only what it reaches. A node
 * that fails fails only what depends on it; cancelling aborts running nodes through their signal
 * and never writes a partial cache entry. Identical work requested twice at once runs once.
 */
import { bypassInputs, bypassProblem, passThrough } from './bypass';
import type { CacheStore } from './cache';
import { MemoryCache } from './cache';
import type { FailureCause, NodeState, NodeUpdate, RunCounts, RunEvent, RunStatus } from './events';
import { topologicalOrder, upstream } from './graph';
import { DEFAULT_LIMITS, Limiter, type ConcurrencyLimits } from './limiter';
import { NodeError, runOf, type AnyNodeDefinition, type MemoCodec } from './node-definition';
import { planRun, workflowIdentity, type RunPlan } from './plan';
import type { NodeRegistry } from './registry';
import { memoryServices, servicesFor, type NodeServices } from './services';
import { matchesPortType, type PortValue } from './values';
import { explainRun, gatherInputs, memoKey, prepareWork, type MadeRecord, type Recipe } from './work';
import type { WorkflowDocument, WorkflowEdge, WorkflowNode } from './workflow';

export interface EngineOptions {
  registry: NodeRegistry;
  cache?: CacheStore;
  /** Files, the task journal, keys and settings; any left out are kept in memory. */
  services?: Partial<NodeServices>;
  limits?: ConcurrencyLimits;
  /** How long a cancelled node may take to stop before the run leaves it behind (STOP_GRACE_MS). */
  stopGraceMs?: number;
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
  /** Why the node ran ("Prompt changed"); absent for a cached one. */
  reason?: string;
  /** When a cached result was made (milliseconds since the epoch). */
  madeAt?: number;
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
/**
 * A cancelled node that has not stopped after this long (a library that missed the abort) is left
 * behind, so a cancel always ends the run; whatever it still does is never cached or shown.
 */
const STOP_GRACE_MS = 10_000;

export class Engine {
  readonly registry: NodeRegistry;
  readonly cache: CacheStore;
  readonly services: NodeServices;
  readonly limiter: Limiter;
  /** Work in flight by cache key, shared by every run of this engine. */
  readonly inflight = new Map<string, Promise<Outputs>>();
  /** Each node's last result in this engine, by node id: what says why it runs again. */
  readonly made = new Map<string, MadeRecord>();
  readonly stopGraceMs: number;

  constructor(options: EngineOptions) {
    this.registry = options.registry;
    this.cache = options.cache ?? new MemoryCache();
    this.services = { ...memoryServices(), ...options.services };
    this.limiter = new Limiter(options.limits ?? DEFAULT_LIMITS);
    this.stopGraceMs = options.stopGraceMs ?? STOP_GRACE_MS;
  }

  run(request: RunRequest): Promise<RunSummary> {
    return new Run(this, request).execute();
  }

  /** What a run of `targets` (every node when absent) would do, running nothing: see plan.ts. */
  plan(document: WorkflowDocument, targets?: readonly string[]): Promise<RunPlan> {
    return planRun(this, document, targets);
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
  /** Why each node that ran in this run ran, at the root: what the nodes it feeds say. */
  readonly #causes = new Map<string, string>();
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
    if (node.bypassed) return this.#bypass(node, definition);

    const inputs = this.#gatherInputs(node, definition);
    if ('error' in inputs) return { state: 'failed', cause: 'input', error: inputs.error };
    const work = prepareWork(definition, node, inputs.values, () => this.#graphIdentity());
    if ('error' in work) return { state: 'failed', cause: 'own', error: work.error };
    const { cacheKey, recipe } = work;
    // A cache that cannot be read is a miss, never a failed node: storage trouble costs time, not work.
    const hit = await this.#engine.cache.get(cacheKey).catch((error: unknown) => {
      this.#emit({ type: 'warning', runId: this.#id, nodeId: node.id, message: `cached results could not be read, so this runs again: ${messageOf(error)}` });
      return undefined;
    });
    if (hit) return this.#made(node.id, { state: 'cached', outputs: hit.outputs, cacheKey, ms: 0, madeAt: hit.createdAt }, recipe, hit.runId);
    // The key of work not yet done is what finds journalled paid work to resume after a reload.
    if (this.#cachedOnly) return { state: 'cancelled', cacheKey };
    const shared = this.#engine.inflight.get(cacheKey);
    if (shared) {
      const outputs = await shared.catch(() => undefined); // the other run failed or was cancelled: do it here
      if (outputs) return this.#made(node.id, { state: 'cached', outputs, cacheKey, ms: 0, madeAt: Date.now() }, recipe);
    }
    const why = explainRun(definition, node.title ?? definition.title, recipe, this.#engine.made.get(node.id), (port) => this.#causeOfInput(node.id, port));
    this.#causes.set(node.id, why.cause);
    const started = performance.now();
    const running = this.#execute(node, definition, inputs.values, work.params, cacheKey, why.reason);
    this.#engine.inflight.set(cacheKey, running);
    try {
      const outputs = await running;
      await this.#engine.cache
        .put({ key: cacheKey, nodeType: node.type, outputs, createdAt: Date.now(), runId: this.#id })
        .catch((error: unknown) => this.#emit({ type: 'warning', runId: this.#id, nodeId: node.id, message: `result kept for this session only: ${messageOf(error)}` }));
      return this.#made(node.id, { state: 'done', outputs, cacheKey, ms: performance.now() - started, reason: why.reason }, recipe, this.#id);
    } finally {
      this.#engine.inflight.delete(cacheKey);
    }
  }

  /** A bypassed node passes its inputs on, with no work, no cache and no run. */
  #bypass(node: WorkflowNode, definition: AnyNodeDefinition): NodeResult {
    const incoming = this.#incoming.get(node.id)!;
    const problem = bypassProblem(definition, new Set(incoming.map((e) => e.targetPort)), new Set(this.#outgoing.get(node.id)!.map((e) => e.sourcePort)));
    if (problem) return { state: 'failed', cause: 'own', error: problem };
    const gathered = gatherInputs(bypassInputs(definition), incoming, (e) => this.#results.get(e.source)!.outputs?.[e.sourcePort]);
    return 'error' in gathered ? { state: 'failed', cause: 'input', error: gathered.error } : { state: 'bypassed', outputs: passThrough(definition, gathered.values) };
  }

  /** Remembers what a node's result was made from, so the next change can say why it runs. */
  #made(nodeId: string, result: NodeResult, recipe: Recipe, runId?: string): NodeResult {
    this.#engine.made.set(nodeId, { cacheKey: result.cacheKey!, recipe, at: result.madeAt ?? Date.now(), ...(runId ? { runId } : {}) });
    return result;
  }

  /** Why the node feeding `port` ran in this run, if it did. */
  #causeOfInput(nodeId: string, port: string): string | undefined {
    const edge = this.#incoming.get(nodeId)!.find((e) => e.targetPort === port);
    return edge && this.#causes.get(edge.source);
  }

  /** What the workflow is, apart from where its nodes sit: computed once per run, when asked. */
  #graphIdentity(): string {
    return (this.#graph ??= workflowIdentity(this.#document, this.#engine.registry));
  }

  #blockedByUpstream(id: string): NodeResult | undefined {
    for (const edge of this.#incoming.get(id)!) {
      const source = this.#results.get(edge.source)!;
      if (source.state === 'cancelled') return { state: 'cancelled' };
      if (source.state === 'failed') return { state: 'failed', cause: 'upstream', error: `needs ${this.#label(edge.source)}, which failed` };
    }
    return undefined;
  }

  /** Every source has settled done or cached by now (a failed one blocked this node), so an input can only lack a value its source never gave. */
  #gatherInputs(node: WorkflowNode, definition: AnyNodeDefinition): { values: Record<string, PortValue | undefined> } | { error: string } {
    const gathered = gatherInputs(definition.inputs, this.#incoming.get(node.id)!, (e) => this.#results.get(e.source)!.outputs?.[e.sourcePort]);
    if ('error' in gathered) return gathered;
    const [port, edge] = [...gathered.pending][0] ?? [];
    return port && edge ? { error: `input "${definition.inputs[port]!.label}" got no value from ${this.#label(edge.source)}'s "${edge.sourcePort}" output` } : gathered;
  }

  async #execute(node: WorkflowNode, definition: AnyNodeDefinition, inputs: Record<string, PortValue | undefined>, params: Record<string, unknown>, key: string, reason: string): Promise<Outputs> {
    const release = await this.#engine.limiter.acquire(definition.resource?.(params), this.#signal);
    try {
      this.#executed.push(node.id);
      this.#update(node.id, { state: 'running', fraction: 0, reason });
      const needs = definition.services;
      const services = servicesFor(definition.title, { ...needs, providers: needs?.keys?.(params) ?? [] }, this.#engine.services);
      const run = await runOf(definition);
      const outputs = await this.#untilStopped(node.id, definition.title, run({
        ...services,
        nodeId: node.id,
        key,
        inputs: inputs as never,
        params: params as never,
        signal: this.#signal,
        progress: this.#progressReporter(node.id),
        workflow: this.#document,
        memo: (memoName, make, codec) => this.#memo(node.id, definition, memoName, make, codec),
      }));
      for (const [port, spec] of Object.entries(definition.outputs)) {
        if (!matchesPortType(outputs?.[port], spec.type)) throw new Error(`${definition.title} returned no valid "${port}" output (${spec.type})`);
      }
      return outputs;
    } finally {
      release();
    }
  }

  /** `work`, or a rejection once it has outlived a cancel by the engine's stop grace. */
  #untilStopped<T>(nodeId: string, title: string, work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const leave = () => {
        timer = setTimeout(() => {
          this.#emit({ type: 'warning', runId: this.#id, nodeId, message: `${title} did not stop within ${this.#engine.stopGraceMs / 1000} s of the cancel; the run went on without it` });
          reject(this.#signal.reason);
        }, this.#engine.stopGraceMs);
      };
      if (this.#signal.aborted) leave();
      else this.#signal.addEventListener('abort', leave, { once: true });
      work.then(resolve, reject).finally(() => {
        clearTimeout(timer);
        this.#signal.removeEventListener('abort', leave);
      });
    });
  }

  /** RunContext.memo: the value kept under `name` for this node type, else made and kept. */
  async #memo<T>(nodeId: string, definition: AnyNodeDefinition, name: string, make: () => Promise<T>, codec: MemoCodec<T>): Promise<T> {
    const key = memoKey(definition, name);
    const kept = (await this.#engine.cache.get(key).catch(() => undefined))?.outputs.value;
    const decoded = typeof kept === 'string' ? codec.decode(kept) : undefined;
    if (decoded !== undefined) return decoded;
    const value = await make();
    await this.#engine.cache
      .put({ key, nodeType: definition.type, outputs: { value: codec.encode(value) }, createdAt: Date.now(), runId: this.#id })
      .catch((error: unknown) => this.#emit({ type: 'warning', runId: this.#id, nodeId, message: `part of its work could not be kept for later runs: ${messageOf(error)}` }));
    return value;
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
      return {
        state: result.state,
        outputs: result.outputs!,
        cacheKey: result.cacheKey!,
        ms: result.ms ?? 0,
        ...(result.reason === undefined ? {} : { reason: result.reason }),
        ...(result.madeAt === undefined ? {} : { madeAt: result.madeAt }),
      };
    case 'bypassed':
      return { state: 'bypassed' };
    case 'failed':
      return { state: 'failed', error: result.error!, cause: result.cause! };
    case 'cancelled':
      return { state: 'cancelled' };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
