/**
 * The canvas: React Flow drawing the workflow document. React Flow keeps its own node objects
 * (measured sizes, selection, positions mid-drag); the document is the source of truth for what
 * is saved, and every edit reaches it through GraphCommands, once per gesture.
 */
import {
  applyNodeChanges,
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Connection,
  type Edge,
  type FinalConnectionState,
  type Node,
  type NodeChange,
  type OnSelectionChangeParams,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { portColour, type AnyNodeDefinition, type NodeRegistry, type Position, type WorkflowNode } from '../engine';
import type { WireEnd } from '../editor/commands';
import { carriesWorkflow, inputNodeFor, openWorkflowFile } from '../editor/open-file';
import { showHint, showWarnings } from './hints';
import { NodeView } from './NodeView';
import { Palette, type PaletteRequest } from './Palette';
import { useDocument, useServices } from './services';
import { isTyping, shortcutFor, type ShortcutAction } from './shortcuts';

const nodeTypes = { stillmotion: NodeView };

interface OpenPalette extends PaletteRequest {
  at: Position;
  from?: WireEnd;
}

interface Props {
  onSelect: (nodeIds: string[]) => void;
  onHelp: () => void;
  /** While a dialog is open, the canvas leaves the keyboard alone. */
  dialogOpen: boolean;
  /** A node to select and bring into view (a problem listed before Run); a new object each time. */
  focus?: { nodeId: string } | undefined;
}

export function GraphCanvas({ onSelect, onHelp, dialogOpen, focus }: Props) {
  const { documents, commands, registry, runner, engine, session, assets } = useServices();
  const flow = useReactFlow();
  const docNodes = useDocument((d) => d.nodes);
  const docEdges = useDocument((d) => d.edges);
  const [nodes, setNodes] = useState<Node[]>(() => docNodes.map(toFlowNode));
  const nodesRef = useRef(nodes);
  nodesRef.current = nodes;
  const selection = useRef<string[]>([]);
  const selectedWires = useRef<string[]>([]);
  const pointer = useRef<Position | undefined>(undefined);
  const wrapper = useRef<HTMLDivElement>(null);
  const [palette, setPalette] = useState<OpenPalette>();

  useEffect(() => {
    setNodes((previous) => reconcile(previous, docNodes));
  }, [docNodes]);

  // Another workflow opened: show it where its user left it, or all of it.
  useEffect(
    () =>
      documents.subscribe((document, change) => {
        if (change !== undefined) return;
        requestAnimationFrame(() => (document.viewport ? void flow.setViewport(document.viewport) : void flow.fitView({ padding: 0.2, maxZoom: 1 })));
      }),
    [documents, flow],
  );

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

  // Positions mid-drag stay in React Flow; the document hears the drop, as one undo step.
  const onNodesChange = useCallback(
    (changes: NodeChange[]) => {
      const local = changes.filter((c) => c.type !== 'remove');
      const next = applyNodeChanges(local, nodesRef.current);
      nodesRef.current = next;
      setNodes(next);
      const dropped = local.flatMap((c) => (c.type === 'position' && !c.dragging ? [c.id] : []));
      if (dropped.length > 0) {
        const byId = new Map(next.map((n) => [n.id, n.position]));
        commands.move(dropped.flatMap((id) => (byId.has(id) ? [{ id, position: byId.get(id)! }] : [])));
      }
    },
    [commands],
  );

  const onSelectionChange = useCallback(
    ({ nodes: selected, edges: selectedEdges }: OnSelectionChangeParams) => {
      selection.current = selected.map((n) => n.id);
      selectedWires.current = selectedEdges.map((e) => e.id);
      onSelect(selection.current);
    },
    [onSelect],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      const verdict = commands.connect(toWire(c));
      if (!verdict.ok) showHint(`Not connected: ${verdict.reason}`, 'error');
    },
    [commands],
  );

  const isValidConnection = useCallback((c: Connection | Edge) => commands.check(toWire(c)).ok, [commands]);

  const onConnectEnd = useCallback(
    (event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      if (state.isValid || !state.fromHandle?.id) return;
      const from: WireEnd = { nodeId: state.fromHandle.nodeId, port: state.fromHandle.id, side: state.fromHandle.type === 'source' ? 'output' : 'input' };
      if (state.toHandle?.id) {
        const wire = from.side === 'output' ? { source: from.nodeId, sourcePort: from.port, target: state.toHandle.nodeId, targetPort: state.toHandle.id } : { source: state.toHandle.nodeId, sourcePort: state.toHandle.id, target: from.nodeId, targetPort: from.port };
        const verdict = commands.check(wire);
        if (!verdict.ok) showHint(`Not connected: ${verdict.reason}`, 'error');
        return;
      }
      if (state.toNode) return;
      const type = commands.portType(from.nodeId, from.port, from.side);
      const client = 'changedTouches' in event ? event.changedTouches[0]! : event;
      if (type) openPaletteAt(client.clientX, client.clientY, { type, side: from.side }, from);
    },
    [commands],
  );

  const openPaletteAt = (clientX: number, clientY: number, accepts?: PaletteRequest['accepts'], from?: WireEnd) => {
    const box = wrapper.current!.getBoundingClientRect();
    const screen = { x: Math.min(clientX - box.left, box.width - 320), y: Math.min(clientY - box.top, box.height - 360) };
    setPalette({ screen: { x: Math.max(8, screen.x), y: Math.max(8, screen.y) }, at: flow.screenToFlowPosition({ x: clientX, y: clientY }), ...(accepts ? { accepts } : {}), ...(from ? { from } : {}) });
  };

  /**
   * A workflow file or bundle opens; a video Stillmotion exported opens its workflow (and one whose
   * workflow cannot be opened says so, offering the video itself); any other image, sound or
   * video becomes the input node that takes it, stacked from the drop point.
   */
  const dropFiles = async (files: File[], at: Position) => {
    const added: string[] = [];
    const addInput = async (file: File) => {
      const input = inputNodeFor(file, registry);
      if (!input) return showHint(`"${file.name}" (${file.type || 'unknown type'}) is not a file any node takes; drop images, sound, video or workflow files`, 'error');
      const ref = await engine.putAsset(file, file.name);
      added.push(commands.addNode(input.type, { x: at.x, y: at.y + added.length * 40 }, { [input.param]: ref }));
    };
    for (const file of files) {
      try {
        if (carriesWorkflow(file)) {
          const opened = await openWorkflowFile(file, { registry, assets, open: (doc) => (session ? session.create(doc) : Promise.resolve(documents.replace(doc))) });
          if (opened.ok) {
            showWarnings(`“${file.name}” opened`, opened.warnings);
            continue;
          }
          // A video with no workflow in it is simply a video to use.
          if (!opened.noWorkflow) {
            const video = file.type.startsWith('video/') ? { label: 'Use the video instead', run: () => void addInput(file).then(() => selectOnly(added)) } : undefined;
            showHint(opened.reason, 'error', video);
            continue;
          }
        }
        await addInput(file);
      } catch (error) {
        showHint(`"${file.name}" could not be added: ${error instanceof Error ? error.message : String(error)}`, 'error');
      }
    }
    if (added.length > 0) selectOnly(added);
  };

  const pick = (definition: AnyNodeDefinition) => {
    if (!palette) return;
    const id = palette.from ? commands.addConnected(definition.type, palette.at, palette.from) : commands.addNode(definition.type, palette.at);
    setPalette(undefined);
    selectOnly([id]);
  };

  useEffect(() => {
    if (!focus) return;
    selectOnly([focus.nodeId]);
    void flow.fitView({ nodes: [{ id: focus.nodeId }], padding: 0.5, maxZoom: 1, duration: 200 });
    // selectOnly and flow are stable in effect: only a new request moves the view.
  }, [focus]);

  const selectOnly = (ids: string[]) => {
    const chosen = new Set(ids);
    // The new nodes reach React Flow on the next render; select them once they are there.
    requestAnimationFrame(() => setNodes((current) => current.map((n) => (n.selected === chosen.has(n.id) ? n : { ...n, selected: chosen.has(n.id) }))));
  };

  const perform = (action: ShortcutAction) => {
    switch (action) {
      case 'run':
        return void runner.run();
      case 'runSelected':
        return void (selection.current.length > 0 ? runner.run(selection.current) : runner.run());
      case 'cancel':
        return runner.cancel();
      case 'undo':
        return void documents.undo();
      case 'redo':
        return void documents.redo();
      case 'duplicate':
        return selectOnly(commands.duplicate(selection.current));
      case 'delete':
        return commands.remove(selection.current, selectedWires.current);
      case 'selectAll':
        return selectOnly(documents.document.nodes.map((n) => n.id));
      case 'palette': {
        const box = wrapper.current!.getBoundingClientRect();
        const at = pointer.current ? flow.flowToScreenPosition(pointer.current) : { x: box.left + box.width / 2, y: box.top + box.height / 3 };
        return openPaletteAt(at.x, at.y);
      }
      case 'fitView':
        return void flow.fitView({ padding: 0.2, duration: 200 });
      case 'help':
        return onHelp();
    }
  };
  const performRef = useRef(perform);
  performRef.current = perform;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const action = shortcutFor(e);
      if (!action || palette || dialogOpen) return;
      if (isTyping(e.target) && action !== 'run' && action !== 'runSelected') return;
      e.preventDefault();
      performRef.current(action);
    };
    const onCopy = (e: ClipboardEvent) => {
      if (isTyping(e.target) || selection.current.length === 0) return;
      const text = commands.copy(selection.current);
      if (!text) return;
      e.clipboardData?.setData('text/plain', text);
      e.preventDefault();
      if (e.type === 'cut') commands.remove(selection.current);
    };
    const onPaste = (e: ClipboardEvent) => {
      if (isTyping(e.target)) return;
      const text = e.clipboardData?.getData('text/plain') ?? '';
      e.preventDefault();
      const result = commands.paste(text, pointer.current);
      if (!result.ok) return showHint(`Nothing pasted: ${result.reason}`, 'error');
      selectOnly(result.ids);
      showWarnings('Pasted', result.warnings);
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('copy', onCopy);
    window.addEventListener('cut', onCopy);
    window.addEventListener('paste', onPaste);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('copy', onCopy);
      window.removeEventListener('cut', onCopy);
      window.removeEventListener('paste', onPaste);
    };
  }, [commands, palette, dialogOpen]);

  return (
    <div
      ref={wrapper}
      className="canvas-wrapper"
      onDoubleClick={(e) => (e.target as Element).classList.contains('react-flow__pane') && openPaletteAt(e.clientX, e.clientY)}
      onDragOver={(e) => e.dataTransfer.types.includes('Files') && e.preventDefault()}
      onDrop={(e) => {
        if (e.dataTransfer.files.length === 0) return;
        e.preventDefault();
        void dropFiles([...e.dataTransfer.files], flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
      }}
      onPointerMove={(e) => (pointer.current = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }))}
    >
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onSelectionChange={onSelectionChange}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        onMoveEnd={(_, viewport) => documents.change((d) => void (d.viewport = viewport), { transient: true })}
        isValidConnection={isValidConnection}
        defaultViewport={documents.document.viewport ?? { x: 0, y: 0, zoom: 1 }}
        colorMode="dark"
        onlyRenderVisibleElements
        fitView
        fitViewOptions={{ padding: 0.2, maxZoom: 1 }}
        minZoom={0.05}
        zoomOnDoubleClick={false}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={['Control', 'Meta']}
        proOptions={{ hideAttribution: true }}
      >
        <Background variant={BackgroundVariant.Dots} gap={24} size={1} />
        <Controls />
        <MiniMap pannable zoomable nodeColor="#3a3d4d" maskColor="rgba(10, 10, 14, 0.6)" />
      </ReactFlow>
      {palette ? <Palette request={palette} onPick={pick} onClose={() => setPalette(undefined)} /> : null}
    </div>
  );
}

function toWire(c: Connection | Edge) {
  return { source: c.source, sourcePort: c.sourceHandle ?? '', target: c.target, targetPort: c.targetHandle ?? '' };
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
    const same = existing.position.x === d.position.x && existing.position.y === d.position.y;
    return same ? existing : { ...existing, position: d.position };
  });
}

function edgeColour(registry: NodeRegistry, node: WorkflowNode | undefined, port: string): string {
  const type = node && registry.get(node.type)?.outputs[port]?.type;
  return type ? portColour(type) : '#888';
}
