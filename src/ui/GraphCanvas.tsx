/**
 * The canvas: React Flow drawing the workflow document. React Flow keeps its own node objects
 * (measured sizes, selection); the document stays the source of truth for what is saved.
 */
import {
  applyNodeChanges,
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  ReactFlow,
  type Connection,
  type Edge,
  type Node,
  type NodeChange,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { canConnect, elementKind, PORT_COLOURS, wouldCycle, type NodeRegistry, type WorkflowDocument, type WorkflowNode } from '../engine';
import { NodeView } from './NodeView';
import { useDocument, useServices } from './services';

const nodeTypes = { stillmotion: NodeView };

export function GraphCanvas({ onSelect }: { onSelect: (nodeId: string | undefined) => void }) {
  const { documents, registry } = useServices();
  const docNodes = useDocument((d) => d.nodes);
  const docEdges = useDocument((d) => d.edges);
  const [nodes, setNodes] = useState<Node[]>(() => docNodes.map(toFlowNode));

  useEffect(() => {
    setNodes((previous) => reconcile(previous, docNodes));
  }, [docNodes]);

  const edges = useMemo<Edge[]>(
    () =>
      docEdges.map((e) => ({
        id: e.id,
        source: e.source,
        sourceHandle: e.sourcePort,
        target: e.target,
        targetHandle: e.targetPort,
        style: { stroke: edgeColour(registry, documents.node(e.source), e.sourcePort), strokeWidth: 2 },
      })),
    [docEdges, registry, documents],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange[]) => {
      setNodes((current) => applyNodeChanges(changes, current));
      const moved = changes.flatMap((c) => (c.type === 'position' && c.position ? [{ id: c.id, position: c.position }] : []));
      const removed = new Set(changes.flatMap((c) => (c.type === 'remove' ? [c.id] : [])));
      if (moved.length > 0 || removed.size > 0) {
        documents.change((draft) => {
          for (const { id, position } of moved) {
            const node = draft.nodes.find((n) => n.id === id);
            if (node) node.position = { x: position.x, y: position.y };
          }
          if (removed.size > 0) {
            draft.nodes = draft.nodes.filter((n) => !removed.has(n.id));
            draft.edges = draft.edges.filter((e) => !removed.has(e.source) && !removed.has(e.target));
          }
        });
      }
      const selected = changes.filter((c) => c.type === 'select');
      if (selected.length > 0) onSelect(selected.findLast((c) => c.type === 'select' && c.selected)?.id);
    },
    [documents, onSelect],
  );

  const isValidConnection = useCallback((c: Connection | Edge) => connectionCheck(documents.document, registry, c).ok, [documents, registry]);

  const onConnect = useCallback(
    (c: Connection) => {
      if (!connectionCheck(documents.document, registry, c).ok) return;
      documents.change((draft) => {
        const input = registry.get(draft.nodes.find((n) => n.id === c.target)!.type)!.inputs[c.targetHandle!]!;
        // A single-value input holds one wire: a new wire replaces the old one.
        if (!input.type.startsWith('list<')) draft.edges = draft.edges.filter((e) => !(e.target === c.target && e.targetPort === c.targetHandle));
        draft.edges.push({ id: crypto.randomUUID(), source: c.source, sourcePort: c.sourceHandle!, target: c.target, targetPort: c.targetHandle! });
      });
    },
    [documents, registry],
  );

  const onEdgesDelete = useCallback(
    (deleted: Edge[]) => {
      const ids = new Set(deleted.map((e) => e.id));
      documents.change((draft) => void (draft.edges = draft.edges.filter((e) => !ids.has(e.id))));
    },
    [documents],
  );

  return (
    <ReactFlow
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      onNodesChange={onNodesChange}
      onConnect={onConnect}
      onEdgesDelete={onEdgesDelete}
      isValidConnection={isValidConnection}
      defaultViewport={documents.document.viewport ?? { x: 0, y: 0, zoom: 1 }}
      colorMode="dark"
      fitView
      fitViewOptions={{ padding: 0.2, maxZoom: 1 }}
      minZoom={0.1}
      deleteKeyCode={['Delete', 'Backspace']}
      proOptions={{ hideAttribution: true }}
    >
      <Background variant={BackgroundVariant.Dots} gap={24} size={1} />
      <Controls />
      <MiniMap pannable zoomable nodeColor="#3a3d4d" maskColor="rgba(10, 10, 14, 0.6)" />
    </ReactFlow>
  );
}

function toFlowNode(node: WorkflowNode): Node {
  return { id: node.id, type: 'stillmotion', position: node.position, data: {} };
}

/** Keeps React Flow's own state (measured size, selection) for nodes that still exist. */
function reconcile(previous: Node[], docNodes: readonly WorkflowNode[]): Node[] {
  const byId = new Map(previous.map((n) => [n.id, n]));
  return docNodes.map((d) => {
    const existing = byId.get(d.id);
    if (!existing) return toFlowNode(d);
    return existing.position === d.position || (existing.position.x === d.position.x && existing.position.y === d.position.y) ? existing : { ...existing, position: d.position };
  });
}

function connectionCheck(document: WorkflowDocument, registry: NodeRegistry, c: Connection | Edge) {
  const source = document.nodes.find((n) => n.id === c.source);
  const target = document.nodes.find((n) => n.id === c.target);
  const output = source && c.sourceHandle ? registry.get(source.type)?.outputs[c.sourceHandle] : undefined;
  const input = target && c.targetHandle ? registry.get(target.type)?.inputs[c.targetHandle] : undefined;
  if (!output || !input) return { ok: false as const, reason: 'unknown port' };
  if (wouldCycle({ source: c.source, target: c.target }, document.edges)) return { ok: false as const, reason: 'this wire would make a loop' };
  return canConnect(output.type, input.type);
}

function edgeColour(registry: NodeRegistry, node: WorkflowNode | undefined, port: string): string {
  const type = node && registry.get(node.type)?.outputs[port]?.type;
  return type ? PORT_COLOURS[elementKind(type)] : '#888';
}
