/**
 * What a run would spend before it starts, read off the engine's plan: the paid nodes that would
 * really run (a result already in the cache costs nothing) and their estimates.
 */
import { estimateCost, type AnyNodeDefinition, type CostEstimate, type NodeRegistry, type RunPlan, type WorkflowDocument, type WorkflowNode } from '../engine';

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

export const NO_COST: RunEstimate = { nodes: [], usd: 0, uncertain: false };

/** The plan's paid nodes, titled as the document shows them. */
export function estimateOf(plan: RunPlan, titleOf: (nodeId: string) => string): RunEstimate {
  const nodes = plan.paid.map((nodeId): PaidNode => {
    const verdict = plan.nodes[nodeId];
    return { nodeId, title: titleOf(nodeId), estimate: verdict?.will === 'run' ? verdict.cost : undefined };
  });
  return { nodes, usd: plan.usd, uncertain: plan.uncertain };
}

/** Each node's title as the canvas shows it (its own, else its type's), by id. */
export function nodeTitles(document: WorkflowDocument, registry: NodeRegistry): (nodeId: string) => string {
  const byId = new Map(document.nodes.map((n) => [n.id, n]));
  return (nodeId) => {
    const node = byId.get(nodeId);
    return node?.title ?? registry.get(node?.type ?? '')?.title ?? nodeId;
  };
}

/** A node's params with the definition's defaults where the saved ones lack a value. */
export function nodeParams(node: WorkflowNode, definition: AnyNodeDefinition): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(definition.params)) values[name] = node.params[name] ?? spec.default;
  return values;
}

/** The definition's estimate for `node`, or undefined where it has none or cannot price these params. */
export function nodeCost(node: WorkflowNode, definition: AnyNodeDefinition): CostEstimate | undefined {
  return estimateCost(definition, nodeParams(node, definition));
}

/** `$1.20`, and cents to a tenth where a figure is small. */
export function formatUsd(usd: number): string {
  return usd > 0 && usd < 0.1 ? `$${usd.toFixed(3)}` : `$${usd.toFixed(2)}`;
}
