/**
 * Where each take a Compare node scores came from: the node wired into its Takes, by the title the
 * canvas shows, and the node that made the video, with what made it and what it cost where that
 * is a generation ("Kling v3 · fal", $0.84). A node that passes a video on (Upscale video, Audio
 * mux) is looked through to the one that made it. Read from the document, in the order the engine
 * collects the wires (take n is the nth wire), so it needs no run. No DOM.
 */
import { isListType, type AnyNodeDefinition, type CostEstimate, type NodeRegistry, type PortType, type WorkflowDocument, type WorkflowEdge } from '../engine';
import { formatUsd, nodeCost, nodeParams, nodeTitles } from './run-cost';

export interface TakeOrigin {
  /** The node wired in, the output the wire leaves from, and the node's title. */
  nodeId: string;
  port: string;
  title: string;
  /** The node that made the video, when another node passes it on; its title. */
  maker?: { nodeId: string; title: string };
  /** What made it, for a node that says ("Kling v3 · fal"). */
  madeBy?: string;
  cost?: CostEstimate;
}

/** How many nodes passing a video on are looked through before giving up. */
const MAX_DEPTH = 16;

/**
 * The origin of each take wired into `port` of `nodeId`, in order; undefined when a wire carries a
 * list (its count is known only once run), so the takes cannot be told apart by wire.
 */
export function takeOrigins(document: WorkflowDocument, registry: NodeRegistry, nodeId: string, port = 'takes'): TakeOrigin[] | undefined {
  const titleOf = nodeTitles(document, registry);
  const wires = document.edges.filter((e) => e.target === nodeId && e.targetPort === port);
  if (wires.some((e) => isListType(outputType(document, registry, e) ?? 'list<video>'))) return undefined;
  return wires.map((wire) => {
    const maker = makerOf(document, registry, wire.source);
    const node = maker && document.nodes.find((n) => n.id === maker.nodeId)!;
    const madeBy = node && maker.definition.madeBy?.(nodeParams(node, maker.definition));
    const cost = node && nodeCost(node, maker.definition);
    return {
      nodeId: wire.source,
      port: wire.sourcePort,
      title: titleOf(wire.source),
      ...(maker && maker.nodeId !== wire.source ? { maker: { nodeId: maker.nodeId, title: titleOf(maker.nodeId) } } : {}),
      ...(madeBy ? { madeBy } : {}),
      ...(cost ? { cost } : {}),
    };
  });
}

/** "Upscale video ← Kling take · Kling v3 · fal · $0.84": an origin in one line of text. */
export function originText(origin: TakeOrigin): string {
  return [origin.maker ? `${origin.title} ← ${origin.maker.title}` : origin.title, origin.madeBy, origin.cost ? formatUsd(origin.cost.usd) : undefined].filter(Boolean).join(' · ');
}

/**
 * The node that made the video `nodeId` outputs: itself when it says what makes it (madeBy) or
 * takes no video in; else, through its one wired video input, the node that made that one.
 */
function makerOf(document: WorkflowDocument, registry: NodeRegistry, nodeId: string): { nodeId: string; definition: AnyNodeDefinition } | undefined {
  let id = nodeId;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const definition = registry.get(document.nodes.find((n) => n.id === id)?.type ?? '');
    if (!definition) return undefined;
    if (definition.madeBy) return { nodeId: id, definition };
    const videoIn = document.edges.filter((e) => e.target === id && definition.inputs[e.targetPort]?.type === 'video');
    if (videoIn.length !== 1) return { nodeId: id, definition };
    id = videoIn[0]!.source;
  }
  return undefined;
}

function outputType(document: WorkflowDocument, registry: NodeRegistry, edge: WorkflowEdge): PortType | undefined {
  const node = document.nodes.find((n) => n.id === edge.source);
  return node && registry.get(node.type)?.outputs[edge.sourcePort]?.type;
}
