/**
 * Batches: one graph, many photos. The graph's batch slot (a Batch input node, or failing that
 * its one Image input) takes one photo per run; each item is its own engine run with its own
 * cache keys and paid generations, so items resume, fail and finish on their own. Used by the
 * app's Run batch and by the CLI. No DOM.
 */
import { downstream, type AssetRef, type NodeRegistry, type RunPlan, type WorkflowDocument } from '../engine';

export interface BatchSlot {
  nodeId: string;
  /** How the slot takes a set of photos and picks one: the Batch input, or an Image input's single file. */
  kind: 'batch' | 'single';
}

/** Where the photos go, or why this graph has no such place. */
export function findBatchSlot(document: WorkflowDocument, registry: NodeRegistry): BatchSlot | { error: string } {
  const batches = document.nodes.filter((n) => registry.get(n.type)?.batch);
  if (batches.length > 1) return { error: `the workflow has ${batches.length} Batch input nodes (${batches.map((n) => n.id).join(', ')}); keep one` };
  if (batches[0]) return { nodeId: batches[0].id, kind: 'batch' };
  const inputs = document.nodes.filter((n) => n.type === 'image.input');
  if (inputs.length === 1) return { nodeId: inputs[0]!.id, kind: 'single' };
  return { error: inputs.length === 0 ? 'the workflow has no Batch input or Image input node to take the photos' : `the workflow has ${inputs.length} Image input nodes and no Batch input; add a Batch input for the photos` };
}

/** The workflow with `files` in its slot: what gets saved and shown. */
export function withFiles(document: WorkflowDocument, slot: BatchSlot, files: readonly AssetRef[]): WorkflowDocument {
  return mapSlot(document, slot, (params) => (slot.kind === 'batch' ? { ...params, files, item: 0 } : { ...params, file: files[0] ?? null }));
}

/** The workflow one item runs: the slot holding (or pointing at) photo `index`. */
export function itemDocument(document: WorkflowDocument, slot: BatchSlot, files: readonly AssetRef[], index: number): WorkflowDocument {
  return mapSlot(document, slot, (params) => (slot.kind === 'batch' ? { ...params, files, item: index } : { ...params, file: files[index] ?? null }));
}

function mapSlot(document: WorkflowDocument, slot: BatchSlot, update: (params: Record<string, unknown>) => Record<string, unknown>): WorkflowDocument {
  return { ...document, nodes: document.nodes.map((n) => (n.id === slot.nodeId ? { ...n, params: update(n.params) } : n)) };
}

/** Nodes whose outputs are an item's results: those nothing else in the graph consumes. */
export function resultNodes(document: WorkflowDocument): string[] {
  const consumed = new Set(document.edges.map((e) => e.source));
  return document.nodes.filter((n) => !consumed.has(n.id)).map((n) => n.id);
}

export interface CostLine {
  nodeId: string;
  title: string;
  usd: number;
  basis: string;
  assumed: boolean;
  /** How many times it runs: once per item downstream of the slot, else once. */
  times: number;
}

/** What the whole batch would cost, node by node, from each node's own estimate. */
export function batchEstimate(document: WorkflowDocument, registry: NodeRegistry, slot: BatchSlot | undefined, items: number): { lines: CostLine[]; totalUsd: number; assumed: boolean } {
  const perItem = slot ? downstream([slot.nodeId], document.edges) : new Set<string>();
  const lines: CostLine[] = [];
  for (const node of document.nodes) {
    const definition = registry.get(node.type);
    const params = { ...Object.fromEntries(Object.entries(definition?.params ?? {}).map(([k, s]) => [k, s.default])), ...node.params };
    const cost = definition?.cost?.(params);
    if (!definition || !cost) continue;
    lines.push({ nodeId: node.id, title: node.title ?? definition.title, usd: cost.usd, basis: cost.basis, assumed: cost.assumed ?? false, times: perItem.has(node.id) ? items : 1 });
  }
  return { lines, totalUsd: lines.reduce((sum, l) => sum + l.usd * l.times, 0), assumed: lines.some((l) => l.assumed) };
}

/** What a batch has left to pay, read off the engine's plan of each item. */
export interface BatchCost {
  /** Per item, in the order of the plans, in US dollars. */
  perItem: number[];
  usd: number;
  /** Per paid node that would pay: its estimate per take, and for how many items. */
  lines: CostLine[];
  /** Some price is assumed or unknown. */
  uncertain: boolean;
  /** Paid generations an earlier run made (cached) or sent (resumed): not paid again. */
  settled: number;
}

/**
 * The batch's cost from each item's plan: a generation in the cache or already sent costs
 * nothing, and work every item shares (one cache key, upstream of the photo) is paid once.
 * `paid` are the nodes that cost money (those with an estimate), so cached ones count as settled.
 */
export function batchCost(plans: readonly RunPlan[], paid: ReadonlySet<string>, titleOf: (nodeId: string) => string): BatchCost {
  const counted = new Set<string>();
  const lines = new Map<string, CostLine>();
  const cost: BatchCost = { perItem: [], usd: 0, lines: [], uncertain: false, settled: 0 };
  for (const plan of plans) {
    let item = 0;
    for (const id of paid) {
      const verdict = plan.nodes[id];
      if (!verdict || verdict.will === 'fail' || verdict.will === 'share' || verdict.will === 'bypass') continue;
      if (verdict.cacheKey !== undefined && counted.has(verdict.cacheKey)) continue; // made once, for every item
      if (verdict.cacheKey !== undefined) counted.add(verdict.cacheKey);
      if (verdict.will === 'cache' || verdict.resumes) {
        cost.settled++;
        continue;
      }
      const usd = verdict.cost?.usd ?? 0;
      item += usd;
      cost.uncertain ||= !verdict.cost || verdict.cost.assumed === true;
      const line = lines.get(id) ?? { nodeId: id, title: titleOf(id), usd, basis: verdict.cost?.basis ?? 'no known price', assumed: !verdict.cost || verdict.cost.assumed === true, times: 0 };
      line.times++;
      lines.set(id, line);
    }
    cost.perItem.push(item);
    cost.usd += item;
  }
  cost.lines = [...lines.values()];
  return cost;
}

/** The nodes of `document` that cost money to run (their type estimates a cost). */
export function paidNodeIds(document: WorkflowDocument, registry: NodeRegistry): Set<string> {
  return new Set(document.nodes.filter((n) => registry.get(n.type)?.cost).map((n) => n.id));
}

/**
 * Compare nodes whose Pick was set by hand (in the viewer): each passes that take on for every
 * photo of a batch, whatever that photo's scores say. The batch and the CLI warn of each.
 */
export function handPicks(document: WorkflowDocument, registry: NodeRegistry): { nodeId: string; title: string; warning: string }[] {
  return document.nodes.flatMap((node) => {
    const take = Number(node.params.pick);
    if (node.type !== 'analyse.compare' || !(take > 0)) return [];
    const title = node.title ?? registry.get(node.type)?.title ?? node.type;
    return [{ nodeId: node.id, title, warning: `passes take ${take} on for every photo, whatever the scores: its Pick was set by hand in the editor (set it to 0 to pass each photo's best take)` }];
  });
}

/** What the Pick field of a Compare says when it was set by hand. */
export function handPickNote(take: number): string {
  return `Picked by hand: take ${take} passes on for every photo of a batch, whatever its scores. 0 passes each photo's best take.`;
}
