/**
 * The plan: what a run would do, worked out without running anything. It walks the graph as the
 * engine does, keys each node's work the same way (work.ts) and looks the keys up in the cache, so
 * per node it says whether the result would come from the cache or the node would run, why, and
 * what that would cost. The editor's estimate, its checks before Run and the dry runs all read it.
 *
 * A node fed by work that would run cannot be keyed before that work is done (its key hashes the
 * new result), so it counts as running: the plan's "would run" is what a run can cost at most.
 */
import { bypassInputs, bypassProblem, passThrough } from './bypass';
import type { Engine } from './engine';
import { topologicalOrder, upstream } from './graph';
import { hashString, stableStringify } from './hash';
import type { AnyNodeDefinition, CostEstimate } from './node-definition';
import { workParams } from './params';
import type { NodeRegistry } from './registry';
import type { PortValue } from './values';
import { explainRun, gatherInputs, inputHashes, paramsOf, prepareWork } from './work';
import type { WorkflowDocument, WorkflowEdge, WorkflowNode } from './workflow';

export type NodeVerdict =
  /** Its result is in the cache: running costs nothing and changes nothing. */
  | { will: 'cache'; cacheKey: string; madeAt: number }
  /**
   * It would run; `cost` for a paid node (undefined where no price is known). `cacheKey` where
   * its inputs are known now (equal keys are the same work, in any document). A paid node whose
   * generation an earlier run sent `resumes` it: it runs, but is not paid for again.
   */
  | { will: 'run'; reason: string; paid: boolean; cost?: CostEstimate; cacheKey?: string; resumes?: true }
  /** Bypassed: its inputs pass on, nothing runs, nothing is paid. */
  | { will: 'bypass' }
  /** The same work as `with`, which would run: the engine does identical work once. */
  | { will: 'share'; with: string }
  /** It cannot run as the graph stands; `reason` says what to change, `blockedBy` the failing node it waits on. */
  | { will: 'fail'; reason: string; blockedBy?: string };

export interface RunPlan {
  /** Per node in the run's scope, in the order the engine would start them. */
  nodes: Record<string, NodeVerdict>;
  order: string[];
  /** The paid nodes that would run and pay, in order (not those resuming a generation sent earlier). */
  paid: string[];
  /** The sum of the known estimates of the paid nodes that would run, in US dollars. */
  usd: number;
  /** Some paid node's price is assumed or unknown. */
  uncertain: boolean;
  /** Why nothing would run at all (a cycle). */
  error?: string;
}

/** What would be known of each node after its turn: its outputs, or why it would run or fail. */
type Known = { outputs: Readonly<Record<string, PortValue>> } | { runs: string } | { fails: true };

export async function planRun(engine: Engine, document: WorkflowDocument, targets?: readonly string[]): Promise<RunPlan> {
  const ids = document.nodes.map((n) => n.id);
  const scope = targets ? upstream(targets.filter((t) => ids.includes(t)), document.edges) : new Set(ids);
  const edges = document.edges.filter((e) => scope.has(e.source) && scope.has(e.target));
  const order = topologicalOrder([...scope], edges);
  const plan: RunPlan = { nodes: {}, order: order.ok ? order.order : [], paid: [], usd: 0, uncertain: false };
  if (!order.ok) return { ...plan, error: 'the graph has a cycle' };

  const byId = new Map(document.nodes.map((n) => [n.id, n]));
  const labelOf = (nodeId: string) => byId.get(nodeId)?.title ?? engine.registry.get(byId.get(nodeId)?.type ?? '')?.title ?? nodeId;
  const known = new Map<string, Known>();
  /** Work that would run, by cache key: a second node with the same key shares it. */
  const running = new Map<string, string>();
  let graph: string | undefined;
  const graphIdentity = () => (graph ??= workflowIdentity(document, engine.registry));
  const incomingOf = new Map<string, WorkflowEdge[]>();
  for (const edge of edges) incomingOf.set(edge.target, [...(incomingOf.get(edge.target) ?? []), edge]);
  for (const id of order.order) {
    const node = byId.get(id)!;
    const definition = engine.registry.get(node.type);
    const incoming = incomingOf.get(id) ?? [];
    const verdict = definition ? await judge(node, definition) : ({ will: 'fail', reason: `"${node.type}" is not a node type this version of Stillmotion has` } as const);
    plan.nodes[id] = verdict;
    if (verdict.will === 'run' && verdict.paid && !verdict.resumes) {
      plan.paid.push(id);
      plan.usd += verdict.cost?.usd ?? 0;
      plan.uncertain ||= !verdict.cost || verdict.cost.assumed === true;
    }

    async function judge(node: WorkflowNode, definition: AnyNodeDefinition): Promise<NodeVerdict> {
      const title = node.title ?? definition.title;
      const fail = (reason: string, blockedBy?: string): NodeVerdict => {
        known.set(id, { fails: true });
        return blockedBy ? { will: 'fail', reason, blockedBy } : { will: 'fail', reason };
      };
      const run = (reason: string, cause: string, params: Record<string, unknown>): Extract<NodeVerdict, { will: 'run' }> => {
        known.set(id, { runs: cause });
        if (!definition.cost) return { will: 'run', reason, paid: false };
        const cost = estimateCost(definition, params);
        return cost ? { will: 'run', reason, paid: true, cost } : { will: 'run', reason, paid: true };
      };
      /** As the engine bypasses: what comes in goes on; while it waits on work that would run, it changes with that work. */
      const bypass = (outputOf: (edge: WorkflowEdge) => PortValue | undefined): NodeVerdict => {
        const problem = bypassProblem(definition, new Set(incoming.map((e) => e.targetPort)), new Set(edges.flatMap((e) => (e.source === id ? [e.sourcePort] : []))));
        if (problem) return fail(problem);
        const gathered = gatherInputs(bypassInputs(definition), incoming, outputOf);
        if ('error' in gathered) return fail(gathered.error);
        const waiting = [...gathered.pending.values()][0];
        known.set(id, waiting ? { runs: (known.get(waiting.source) as { runs: string }).runs } : { outputs: passThrough(definition, gathered.values) });
        return { will: 'bypass' };
      };
      const feeding = incoming.map((e) => ({ edge: e, source: known.get(e.source)! }));
      const failed = feeding.find((f) => 'fails' in f.source);
      if (failed) return fail(`needs ${labelOf(failed.edge.source)}, which cannot run`, failed.edge.source);

      // A wire from work that would run has no value yet: that input changes, for that work's reason.
      const outputOf = (e: WorkflowEdge) => {
        const source = known.get(e.source)!;
        return 'outputs' in source ? source.outputs[e.sourcePort] : undefined;
      };
      if (node.bypassed) return bypass(outputOf);
      const gathered = gatherInputs(definition.inputs, incoming, outputOf);
      if ('error' in gathered) return fail(gathered.error);
      const { values: inputs } = gathered;
      const pending = new Map([...gathered.pending].map(([port, edge]) => [port, (known.get(edge.source) as { runs: string }).runs]));
      const params = paramsOf(definition, node);
      if ('error' in params) return fail(params.error);
      const refused = definition.refusal?.(params.values, new Set(incoming.map((e) => e.targetPort)));
      if (refused) return fail(refused);
      const previous = engine.made.get(id);
      if (pending.size > 0) {
        const recipe = { version: definition.version, params: params.keyed, inputs: { ...inputHashes(inputs), ...Object.fromEntries([...pending.keys()].map((port) => [port, undefined])) } };
        const why = explainRun(definition, title, recipe, previous, (port) => pending.get(port));
        return run(why.reason, why.cause, params.values);
      }
      const work = prepareWork(definition, node, inputs, graphIdentity);
      if ('error' in work) return fail(work.error);
      // A look, not a use: planning must not change which results eviction keeps.
      const hit = await engine.cache.peek(work.cacheKey).catch(() => undefined);
      if (hit) {
        known.set(id, { outputs: hit.outputs });
        return { will: 'cache', cacheKey: work.cacheKey, madeAt: hit.createdAt };
      }
      const twin = running.get(work.cacheKey);
      if (twin) {
        known.set(id, known.get(twin)!);
        return { will: 'share', with: twin };
      }
      running.set(work.cacheKey, id);
      const earlier = definition.services?.journal ? await sentEarlier(engine, work.cacheKey) : undefined;
      if (earlier) return { ...run(earlier, earlier, work.params), cacheKey: work.cacheKey, resumes: true };
      const why = explainRun(definition, title, work.recipe, previous, () => undefined);
      return { ...run(why.reason, why.cause, work.params), cacheKey: work.cacheKey };
    }
  }
  return plan;
}

/**
 * Why a run of this work would not pay again, where the journal holds a generation an earlier
 * run sent for it (src/providers/generation.ts resumes, downloads or reports it, never resends).
 */
async function sentEarlier(engine: Engine, cacheKey: string): Promise<string | undefined> {
  const [latest] = await engine.services.journal.forKey(cacheKey).catch(() => []);
  switch (latest?.status) {
    case 'succeeded':
      return latest.assetHash ? 'its paid generation finished earlier: the video is taken from your files, not paid again' : undefined;
    case 'submitting':
    case 'submitted':
    case 'running':
      return `resumes the ${latest.provider} generation sent earlier: not paid again`;
    case 'unknown':
      return `the ${latest.provider} generation sent earlier is in an unknown state: see Generations; it is not sent again`;
    default:
      return undefined; // failed, cancelled, unconfirmed, abandoned: running again sends a new request
  }
}

/** The node's estimate; a price its params cannot be given (an unknown model) is no known price. */
export function estimateCost(definition: AnyNodeDefinition, params: Record<string, unknown>): CostEstimate | undefined {
  try {
    return definition.cost?.(params);
  } catch {
    return undefined;
  }
}

/**
 * What the workflow is, apart from where its nodes sit and how they look (frames, colours): the
 * identity a workflow-reading node keys by. With the registry, params that do not change any work
 * (`keyed: false`, a file name) are left out too.
 */
export function workflowIdentity(document: WorkflowDocument, registry?: NodeRegistry): string {
  const keyed = (type: string, params: Record<string, unknown>) => {
    const specs = registry?.get(type)?.params;
    return specs ? workParams(specs, params) : params;
  };
  return hashString(
    stableStringify({
      name: document.name,
      // Marked only when set, so workflows without a bypass keep the identity they had.
      nodes: document.nodes.map(({ id, type, version, title, params, bypassed }) => ({ id, type, version, title, params: keyed(type, params), ...(bypassed ? { bypassed } : {}) })),
      edges: document.edges,
    }),
  );
}
