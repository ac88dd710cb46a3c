/**
 * The canvas: React Flow drawing the workflow document. React Flow keeps its own node objects
 * (measured sizes, selection, positions mid-drag); the document is the source of truth for what
 * is saved, and every edit reaches it through GraphCommands, once per gesture.
 */
import {
  applyNodeChanges,
  Background,
  BackgroundVariant,
  ControlButton,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Connection,
  type Edge,
  type FinalConnectionState,
  type Node,
  type NodeChange,
  type OnConnectStartParams,
  type OnSelectionChangeParams,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { portColour, type AnyNodeDefinition, type NodeRegistry, type Position, type WorkflowFrame, type WorkflowNode } from '../engine';
import type { WireEnd } from '../editor/commands';
import { canvasMenu, frameMenu, nodeMenu } from './canvas-menus';
import { ContextMenu, type MenuItem } from './ContextMenu';
import { DraggedWire } from './dragged-wire';
import { FrameView, frameFlowId, frameIdOf, isFrameFlowId } from './FrameView';
import { carriesWorkflow, inputNodeFor, openWorkflowFile } from '../editor/open-file';
import { showHint, showWarnings } from './hints';
import { NodeView } from './NodeView';
import { Palette, type PaletteRequest } from './Palette';
import { useDocument, useServices } from './services';
import { isTyping, shortcutFor, type ShortcutAction } from './shortcuts';
import { nodeTitles } from '../editor/run-cost';

const nodeTypes = { stillmotion: NodeView, frame: FrameView };

/** Whether the minimap shows, remembered in this browser. */
const MINIMAP_KEY = 'stillmotion.minimap';
/** Frames show in the minimap as outlines. Made once: a new function each render redraws every minimap node. */
const minimapFill = (n: Node) => (isFrameFlowId(n.id) ? 'transparent' : '#3a3d4d');
const minimapStroke = (n: Node) => (isFrameFlowId(n.id) ? '#8a8fa8' : 'transparent');

interface OpenMenu {
  /** Where it opens, relative to the canvas. */
  screen: Position;
  label: string;
  items: MenuItem[];
}

/** Nodes a frame drag carries, with where each started, and where the dragged frames started. */
interface Carry {
  nodes: Map<string, Position>;
  frames: Map<string, Position>;
}

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
  const docFrames = useDocument((d) => d.frames);
  const [nodes, setNodes] = useState<Node[]>(() => reconcile([], docFrames, docNodes));
  const nodesRef = useRef(nodes);
  nodesRef.current = nodes;
  const selection = useRef<string[]>([]);
  const selectedFrames = useRef<string[]>([]);
  const selectedWires = useRef<string[]>([]);
  const carry = useRef<Carry | undefined>(undefined);
  /** A selection asked for whose nodes have not all reached React Flow yet. */
  const selecting = useRef<Set<string> | undefined>(undefined);
  /** Set by Ctrl+Shift+V's keydown, read by the paste event that follows it. */
  const pasteWithInputs = useRef(false);
  const [menu, setMenu] = useState<OpenMenu>();
  const [dragged, setDragged] = useState<WireEnd>();
  const [minimap, setMinimap] = useState(() => localStorage.getItem(MINIMAP_KEY) !== 'hidden');
  const pointer = useRef<Position | undefined>(undefined);
  const wrapper = useRef<HTMLDivElement>(null);
  const [palette, setPalette] = useState<OpenPalette>();

  /** What React Flow draws, kept in the ref at once so handlers that follow in the same tick see it. */
  const show = (next: Node[]) => {
    nodesRef.current = next;
    setNodes(next);
  };

  useEffect(() => show(choose(reconcile(nodesRef.current, docFrames, docNodes), selecting)), [docNodes, docFrames]);

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

  // Positions mid-drag stay in React Flow; the document hears the drop, as one undo step. A frame's
  // drag (which carries nodes) and its resize are stored when they end, by their own handlers.
  const onNodesChange = useCallback(
    (changes: NodeChange[]) => {
      const local = changes.filter((c) => c.type !== 'remove');
      const next = applyNodeChanges(local, nodesRef.current);
      show(next);
      const dropped = carry.current ? [] : local.flatMap((c) => (c.type === 'position' && !c.dragging && !isFrameFlowId(c.id) ? [c.id] : []));
      if (dropped.length > 0) {
        const byId = new Map(next.map((n) => [n.id, n.position]));
        commands.move(dropped.flatMap((id) => (byId.has(id) ? [{ id, position: byId.get(id)! }] : [])));
      }
    },
    [commands],
  );

  const onSelectionChange = useCallback(
    ({ nodes: selected, edges: selectedEdges }: OnSelectionChangeParams) => {
      selection.current = selected.flatMap((n) => (isFrameFlowId(n.id) ? [] : [n.id]));
      selectedFrames.current = selected.flatMap((n) => (isFrameFlowId(n.id) ? [frameIdOf(n.id)] : []));
      selectedWires.current = selectedEdges.map((e) => e.id);
      onSelect(selection.current);
    },
    [onSelect],
  );

  // Dragging a frame by its title carries the nodes whose centre lies inside it as the drag starts.
  const onNodeDragStart = useCallback((_: unknown, __: Node, dragged: Node[]) => {
    const frames = dragged.filter((n) => isFrameFlowId(n.id));
    if (frames.length === 0) return;
    const moving = new Set(dragged.map((n) => n.id));
    const inside = nodesRef.current.filter((n) => !isFrameFlowId(n.id) && !moving.has(n.id) && frames.some((f) => holds(f, n)));
    carry.current = { frames: new Map(frames.map((f) => [f.id, f.position])), nodes: new Map(inside.map((n) => [n.id, n.position])) };
  }, []);

  const onNodeDrag = useCallback((_: unknown, __: Node, dragged: Node[]) => {
    const moving = carry.current;
    const frame = moving && dragged.find((n) => moving.frames.has(n.id));
    if (!moving || !frame) return;
    const start = moving.frames.get(frame.id)!;
    const [dx, dy] = [frame.position.x - start.x, frame.position.y - start.y];
    show(
      nodesRef.current.map((n) => {
        const from = moving.nodes.get(n.id);
        return from ? { ...n, position: { x: from.x + dx, y: from.y + dy } } : n;
      }),
    );
  }, []);

  /** A frame's drag ends: the frames and every node they carried move in the document as one step. */
  const onNodeDragStop = useCallback(
    (_: unknown, __: Node, dragged: Node[]) => {
      const moving = carry.current;
      if (!moving) return;
      carry.current = undefined;
      const at = new Map(nodesRef.current.map((n) => [n.id, n.position]));
      const nodeIds = [...dragged.flatMap((n) => (isFrameFlowId(n.id) ? [] : [n.id])), ...moving.nodes.keys()];
      documents.group(() => {
        commands.move(nodeIds.flatMap((id) => (at.has(id) ? [{ id, position: at.get(id)! }] : [])));
        for (const id of moving.frames.keys()) commands.updateFrame(frameIdOf(id), { position: at.get(id)! });
      });
    },
    [commands, documents],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      const verdict = commands.connect(toWire(c));
      if (!verdict.ok) showHint(`Not connected: ${verdict.reason}`, 'error');
    },
    [commands],
  );

  const isValidConnection = useCallback((c: Connection | Edge) => commands.check(toWire(c)).ok, [commands]);

  const onConnectStart = useCallback((_: unknown, { nodeId, handleId, handleType }: OnConnectStartParams) => {
    if (nodeId && handleId && handleType) setDragged({ nodeId, port: handleId, side: handleType === 'source' ? 'output' : 'input' });
  }, []);

  const onConnectEnd = useCallback(
    (event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      setDragged(undefined);
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

  /** Bypasses the nodes, or takes the bypass off when all of them have it; says which could not be. */
  const toggleBypass = (ids: readonly string[]) => {
    if (ids.length === 0) return;
    const on = !ids.every((id) => documents.node(id)?.bypassed);
    const { refused } = commands.setBypass(ids, on);
    const titleOf = nodeTitles(documents.document, registry);
    if (refused.length > 0) showHint(`Not bypassed: ${refused.map((r) => `${titleOf(r.nodeId)}: ${r.reason}`).join('; ')}`, 'error');
  };

  /** A titled frame around the selected nodes, as drawn now (their measured sizes). */
  const frameSelection = () => {
    const chosen = new Set(selection.current);
    const boxes = nodesRef.current.filter((n) => chosen.has(n.id)).map((n) => ({ ...n.position, width: n.measured?.width ?? 0, height: n.measured?.height ?? 0 }));
    if (commands.addFrame(boxes) === undefined) showHint('Select the nodes to frame first');
  };

  const paste = (text: string, at: Position | undefined, withInputs: boolean) => {
    const result = commands.paste(text, at, withInputs);
    if (!result.ok) return showHint(`Nothing pasted: ${result.reason}`, 'error');
    selectOnly(result.ids);
    showWarnings('Pasted', result.warnings);
  };

  /** The menu's Paste: the clipboard read through the browser's API, which may say no (then Ctrl+V still works). */
  const pasteFromMenu = (at: Position, withInputs: boolean) => {
    navigator.clipboard.readText().then(
      (text) => paste(text, at, withInputs),
      () => showHint(`The browser did not let the menu read the clipboard: press ${withInputs ? 'Ctrl+Shift+V' : 'Ctrl+V'} to paste`, 'error'),
    );
  };

  /** Clamped to the canvas, so a menu opened near an edge stays whole. */
  const menuAt = (clientX: number, clientY: number, label: string, items: MenuItem[]) => {
    const box = wrapper.current!.getBoundingClientRect();
    const x = Math.max(8, Math.min(clientX - box.left, box.width - 240));
    const y = Math.max(8, Math.min(clientY - box.top, box.height - 40 - 34 * items.filter((i) => !i.swatch).length));
    setMenu({ screen: { x, y }, label, items });
  };

  const openNodeMenu = (clientX: number, clientY: number, ids: string[]) => {
    selection.current = ids;
    const chosen = ids.flatMap((id) => documents.node(id) ?? []);
    menuAt(clientX, clientY, ids.length > 1 ? `${ids.length} nodes` : 'Node', nodeMenu(chosen, registry, { perform: (a) => performRef.current(a), colour: (c) => commands.setColour(ids, c) }));
  };

  const openCanvasMenu = (clientX: number, clientY: number) => {
    const at = flow.screenToFlowPosition({ x: clientX, y: clientY });
    menuAt(clientX, clientY, 'Canvas', canvasMenu({ add: () => openPaletteAt(clientX, clientY), paste: (withInputs) => pasteFromMenu(at, withInputs), fitView: () => performRef.current('fitView') }));
  };

  const openMenuByKey = () => {
    const first = selection.current[0];
    const box = wrapper.current!.getBoundingClientRect();
    const element = first ? wrapper.current!.querySelector(`.react-flow__node[data-id="${CSS.escape(first)}"]`) : null;
    const where = element?.getBoundingClientRect();
    if (first && where) return openNodeMenu(where.left + 24, where.top + 24, selection.current);
    openCanvasMenu(box.left + box.width / 2, box.top + box.height / 3);
  };

  const toggleMinimap = (show: boolean) => {
    setMinimap(show);
    localStorage.setItem(MINIMAP_KEY, show ? 'shown' : 'hidden');
  };

  /** Selects exactly `ids`; nodes just added reach React Flow a render later, and are selected as they arrive. */
  const selectOnly = (ids: string[]) => {
    const chosen = new Set(ids);
    selecting.current = chosen;
    show(choose(nodesRef.current, selecting));
  };

  const perform = (action: ShortcutAction) => {
    switch (action) {
      case 'run':
        return void runner.run();
      case 'runSelected':
        return void (selection.current.length > 0 ? runner.run(selection.current) : runner.run());
      case 'deselect':
        return selectOnly([]);
      case 'undo':
        return void documents.undo();
      case 'redo':
        return void documents.redo();
      case 'duplicate':
        return selectOnly(commands.duplicate(selection.current));
      case 'bypass':
        return toggleBypass(selection.current);
      case 'frame':
        return frameSelection();
      case 'menu':
        return openMenuByKey();
      case 'delete':
        return void documents.group(() => {
          commands.remove(selection.current, selectedWires.current);
          commands.removeFrames(selectedFrames.current);
        });
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
  const pasteRef = useRef(paste);
  pasteRef.current = paste;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'v') pasteWithInputs.current = e.shiftKey;
      const action = shortcutFor(e);
      if (!action || palette || menu || dialogOpen) return;
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
      const withInputs = pasteWithInputs.current;
      pasteWithInputs.current = false;
      if (isTyping(e.target)) return;
      e.preventDefault();
      pasteRef.current(e.clipboardData?.getData('text/plain') ?? '', pointer.current, withInputs);
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
  }, [commands, palette, menu, dialogOpen]);

  return (
    <DraggedWire.Provider value={dragged}>
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
          onNodeDragStart={onNodeDragStart}
          onNodeDrag={onNodeDrag}
          onNodeDragStop={onNodeDragStop}
          onNodeContextMenu={(e, n) => {
            e.preventDefault();
            if (isFrameFlowId(n.id)) {
              const id = frameIdOf(n.id);
              return menuAt(e.clientX, e.clientY, 'Frame', frameMenu({ colour: (c) => commands.updateFrame(id, { colour: c ?? null }), remove: () => commands.removeFrames([id]) }));
            }
            const ids = selection.current.includes(n.id) ? selection.current : [n.id];
            if (ids.length === 1) selectOnly(ids);
            openNodeMenu(e.clientX, e.clientY, ids);
          }}
          onSelectionContextMenu={(e) => {
            e.preventDefault();
            openNodeMenu(e.clientX, e.clientY, selection.current);
          }}
          onPaneContextMenu={(e) => {
            e.preventDefault();
            openCanvasMenu(e.clientX, e.clientY);
          }}
          onConnect={onConnect}
          onConnectStart={onConnectStart}
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
          <Controls>
            <ControlButton onClick={() => toggleMinimap(!minimap)} title={minimap ? 'Hide the minimap' : 'Show the minimap'} aria-label={minimap ? 'Hide the minimap' : 'Show the minimap'} aria-pressed={minimap}>
              <svg viewBox="0 0 12 12" aria-hidden="true">
                <rect x="1" y="2" width="10" height="8" fill="none" stroke="currentColor" />
                <rect x="6" y="6" width="4" height="3" fill="currentColor" />
              </svg>
            </ControlButton>
          </Controls>
          {minimap ? <MiniMap pannable zoomable nodeColor={minimapFill} nodeStrokeColor={minimapStroke} maskColor="rgba(10, 10, 14, 0.6)" /> : null}
        </ReactFlow>
        {palette ? <Palette request={palette} onPick={pick} onClose={() => setPalette(undefined)} /> : null}
        {menu ? <ContextMenu at={menu.screen} label={menu.label} items={menu.items} onClose={() => setMenu(undefined)} /> : null}
      </div>
    </DraggedWire.Provider>
  );
}

function toWire(c: Connection | Edge) {
  return { source: c.source, sourcePort: c.sourceHandle ?? '', target: c.target, targetPort: c.targetHandle ?? '' };
}

function toFlowNode(node: WorkflowNode): Node {
  return { id: node.id, type: 'stillmotion', position: node.position, data: {} };
}

/** Frames sit far below nodes, so even a selected frame (raised by 1000) stays behind them. */
function toFlowFrame(frame: WorkflowFrame): Node {
  return { id: frameFlowId(frame.id), type: 'frame', position: frame.position, width: frame.size.width, height: frame.size.height, zIndex: -1000, dragHandle: '.frame-title', data: {} };
}

/** Keeps React Flow's own state (measured size, selection) for frames and nodes that still exist; frames first, behind. */
function reconcile(previous: Node[], frames: readonly WorkflowFrame[] | undefined, docNodes: readonly WorkflowNode[]): Node[] {
  const byId = new Map(previous.map((n) => [n.id, n]));
  const framed = (frames ?? []).map((f) => {
    const existing = byId.get(frameFlowId(f.id));
    const fresh = toFlowFrame(f);
    if (!existing) return fresh;
    const same = existing.position.x === f.position.x && existing.position.y === f.position.y && existing.width === f.size.width && existing.height === f.size.height;
    return same ? existing : { ...existing, position: fresh.position, width: fresh.width, height: fresh.height };
  });
  const drawn = docNodes.map((d) => {
    const existing = byId.get(d.id);
    if (!existing) return toFlowNode(d);
    const same = existing.position.x === d.position.x && existing.position.y === d.position.y;
    return same ? existing : { ...existing, position: d.position };
  });
  return framed.length > 0 ? [...framed, ...drawn] : drawn;
}

/** `nodes` with exactly the wanted ones selected; once every one of them is there, the wish is spent. */
function choose(nodes: Node[], wanted: { current: Set<string> | undefined }): Node[] {
  const chosen = wanted.current;
  if (!chosen) return nodes;
  let found = 0;
  const next = nodes.map((n) => {
    const on = chosen.has(n.id);
    if (on) found++;
    return n.selected === on ? n : { ...n, selected: on };
  });
  if (found === chosen.size) wanted.current = undefined;
  return next;
}

/** Whether `node`'s centre lies inside `frame`. */
function holds(frame: Node, node: Node): boolean {
  const [x, y] = [node.position.x + (node.measured?.width ?? 0) / 2, node.position.y + (node.measured?.height ?? 0) / 2];
  const [width, height] = [frame.width ?? frame.measured?.width ?? 0, frame.height ?? frame.measured?.height ?? 0];
  return x >= frame.position.x && x <= frame.position.x + width && y >= frame.position.y && y <= frame.position.y + height;
}

function edgeColour(registry: NodeRegistry, node: WorkflowNode | undefined, port: string): string {
  const type = node && registry.get(node.type)?.outputs[port]?.type;
  return type ? portColour(type) : '#888';
}
