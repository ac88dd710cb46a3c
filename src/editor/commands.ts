/**
 * Every edit a person can make to a graph, written once. The canvas, keyboard shortcuts, the
 * palette and paste all come through here, so rules such as "one wire per single input",
 * "no loops" and "deleting a node deletes its wires" hold whatever the gesture.
 */
import { current } from 'immer';
import { z } from 'zod';
import {
  bypassRefusal,
  canConnect,
  canvasPosition,
  conformParams,
  idMaker,
  isListType,
  loadWorkflow,
  nodeTitle,
  workflowName,
  wouldCycle,
  WORKFLOW_FORMAT,
  WORKFLOW_VERSION,
  type AnyNodeDefinition,
  type Connectability,
  type LoadIssue,
  type MarkColour,
  type NodeRegistry,
  type PortType,
  type Position,
  type WorkflowDocument,
  type WorkflowEdge,
  type WorkflowFrame,
  type WorkflowNode,
} from '../engine';
import type { DocumentStore } from './document-store';
import { nodeParams } from './run-cost';

export interface Wire {
  source: string;
  sourcePort: string;
  target: string;
  targetPort: string;
}

/** Where a new wire starts when a person drags out of a port. */
export interface WireEnd {
  nodeId: string;
  port: string;
  side: 'output' | 'input';
}

/** How far a pasted or duplicated copy sits from its original. */
const COPY_OFFSET = 40;

/** A box on the canvas, in canvas units. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Room a new frame leaves around its nodes, and above them for its title. */
const FRAME_MARGIN = 30;
const FRAME_TITLE = 40;

/**
 * The clipboard's wires into the copied nodes from nodes left out (what Ctrl+Shift+V reconnects):
 * read from outside the app, so checked; any that does not fit the document pasted into is left out.
 */
const inputWiresSchema = z.array(z.object({ source: z.string(), sourcePort: z.string(), target: z.string(), targetPort: z.string() })).catch([]);

export class GraphCommands {
  constructor(
    readonly documents: DocumentStore,
    readonly registry: NodeRegistry,
  ) {}

  /** Adds a node with its definition's defaults, overridden by `params`. */
  addNode(type: string, position: Position, params: Record<string, unknown> = {}): string {
    const definition = this.#definition(type);
    const id = idMaker(this.documents.document.nodes.map((n) => n.id))(type);
    const defaults = Object.fromEntries(Object.entries(definition.params).map(([name, spec]) => [name, spec.default]));
    Object.assign(defaults, params);
    if (definition.constrain) Object.assign(defaults, conformParams(definition.params, definition.constrain(defaults), defaults));
    this.documents.change((d) => void d.nodes.push({ id, type, version: definition.version, position: canvasPosition(position), params: defaults }));
    return id;
  }

  /** Whether `wire` may be added, and if not, why in words. */
  check(wire: Wire): Connectability {
    const output = this.portType(wire.source, wire.sourcePort, 'output');
    const input = this.portType(wire.target, wire.targetPort, 'input');
    if (!output || !input) return { ok: false, reason: 'that port does not exist' };
    if (wouldCycle(wire, this.documents.document.edges)) return { ok: false, reason: 'this wire would make a loop' };
    return canConnect(output, input);
  }

  /** Adds a wire; into a single-value input it replaces the wire already there. */
  connect(wire: Wire): Connectability {
    const verdict = this.check(wire);
    if (!verdict.ok) return verdict;
    const replaces = !isListType(this.portType(wire.target, wire.targetPort, 'input')!);
    this.documents.change((d) => {
      if (replaces) d.edges = d.edges.filter((e) => !(e.target === wire.target && e.targetPort === wire.targetPort));
      if (!d.edges.some((e) => sameWire(e, wire))) d.edges.push({ id: edgeIdMaker(d.edges)(), ...wire });
    });
    return verdict;
  }

  /** Adds a node of `type` at `position` and wires it to `from`, on its first compatible port. */
  addConnected(type: string, position: Position, from: WireEnd): string {
    return this.documents.group(() => {
      const id = this.addNode(type, position);
      const port = compatiblePort(this.#definition(type), this.portType(from.nodeId, from.port, from.side)!, from.side);
      if (port) {
        this.connect(from.side === 'output' ? { source: from.nodeId, sourcePort: from.port, target: id, targetPort: port } : { source: id, sourcePort: port, target: from.nodeId, targetPort: from.port });
      }
      return id;
    });
  }

  /** Deletes nodes with every wire touching them, and the given wires, as one undo step. */
  remove(nodeIds: Iterable<string>, edgeIds: Iterable<string> = []): void {
    const nodes = new Set(nodeIds);
    const edges = new Set(edgeIds);
    this.documents.change((d) => {
      d.nodes = d.nodes.filter((n) => !nodes.has(n.id));
      d.edges = d.edges.filter((e) => !edges.has(e.id) && !nodes.has(e.source) && !nodes.has(e.target));
    });
  }

  /** Moves nodes; the moves of one drag gesture become one undo step. */
  move(positions: readonly { id: string; position: Position }[]): void {
    const byId = new Map(positions.map((p) => [p.id, canvasPosition(p.position)]));
    this.documents.change((d) => {
      for (const node of d.nodes) {
        const p = byId.get(node.id);
        if (p && (p.x !== node.position.x || p.y !== node.position.y)) node.position = { x: p.x, y: p.y };
      }
    });
  }

  /**
   * Sets one param. Where the node's definition constrains its params (a model decides the
   * durations), the others are brought back within what the new value allows, in the same step.
   */
  setParam(nodeId: string, name: string, value: unknown): void {
    this.setParams(nodeId, { [name]: value }, `param:${nodeId}:${name}`);
  }

  /** Sets several params of one node in one step (a click on a photo sets both focus coordinates). */
  setParams(nodeId: string, values: Readonly<Record<string, unknown>>, merge = `params:${nodeId}:${Object.keys(values).join(',')}`): void {
    this.documents.change(
      (d) => {
        const node = d.nodes.find((n) => n.id === nodeId);
        if (!node) return;
        Object.assign(node.params, values);
        const definition = this.registry.get(node.type);
        if (!definition?.constrain) return;
        const now = nodeParams(current(node) as WorkflowNode, definition);
        const conformed = conformParams(definition.params, definition.constrain(now), now);
        for (const [param, next] of Object.entries(conformed)) if (next !== now[param]) node.params[param] = next;
      },
      { merge },
    );
  }

  /** Names a node as typed, within the title limit; an empty name brings back its type's title. */
  rename(nodeId: string, typed: string): void {
    const title = nodeTitle(typed);
    this.documents.change((d) => {
      const node = d.nodes.find((n) => n.id === nodeId);
      if (!node) return;
      if (title === undefined) delete node.title;
      else node.title = title;
    });
  }

  /** Names the workflow as typed, within the name limit; an empty name becomes "Untitled". */
  renameWorkflow(typed: string): void {
    const name = workflowName(typed);
    this.documents.change((d) => void (d.name = name));
  }

  /** The selected nodes and the wires between them, as workflow JSON for the clipboard. */
  copy(ids: Iterable<string>): string | undefined {
    const chosen = new Set(ids);
    const { document } = this.documents;
    const nodes = document.nodes.filter((n) => chosen.has(n.id));
    if (nodes.length === 0) return undefined;
    const edges = document.edges.filter((e) => chosen.has(e.source) && chosen.has(e.target));
    const inputs = document.edges.filter((e) => chosen.has(e.target) && !chosen.has(e.source)).map(({ source, sourcePort, target, targetPort }) => ({ source, sourcePort, target, targetPort }));
    // `inputs` rides beside the workflow: any reader of workflow files passes over it.
    const fragment: WorkflowDocument & { inputs: Wire[] } = { format: WORKFLOW_FORMAT, version: WORKFLOW_VERSION, id: 'clipboard', name: document.name, nodes, edges, inputs };
    return JSON.stringify(fragment);
  }

  /**
   * Adds a copy of the workflow JSON in `text` (from our own copy, another tab, or a file),
   * with fresh ids, placed at `at` or beside the originals. Validated like any file; a byte-order
   * mark before the JSON (some editors write one) is read past, as when reading a file.
   * `withInputs` (Ctrl+Shift+V) also rewires the copies' inputs from the nodes that fed the
   * originals, where those are in this document; one undo step either way.
   */
  paste(text: string, at?: Position, withInputs = false): { ok: true; ids: string[]; warnings: LoadIssue[] } | { ok: false; reason: string } {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch {
      return { ok: false, reason: 'the clipboard does not hold a Stillmotion workflow' };
    }
    try {
      const loaded = loadWorkflow(parsed, this.registry);
      if (!loaded.ok) return { ok: false, reason: loaded.errors.map((e) => `${e.path}: ${e.message}`).join('; ') };
      const inputs = withInputs && isRecord(parsed) ? inputWiresSchema.parse(parsed.inputs) : [];
      return { ok: true, ids: this.#insertCopy(loaded.document.nodes, loaded.document.edges, inputs, at), warnings: loaded.warnings };
    } catch (error) {
      return { ok: false, reason: `the workflow on the clipboard could not be read (${error instanceof Error ? error.message : String(error)})` };
    }
  }

  /** Copies of the nodes beside them, keeping the wires between them and those feeding them (Ctrl+D). */
  duplicate(ids: Iterable<string>): string[] {
    const chosen = new Set(ids);
    const { document } = this.documents;
    const nodes = document.nodes.filter((n) => chosen.has(n.id));
    const inner = document.edges.filter((e) => chosen.has(e.source) && chosen.has(e.target));
    return this.#insertCopy(nodes, inner, document.edges.filter((e) => chosen.has(e.target) && !chosen.has(e.source)));
  }

  /**
   * Bypasses the nodes (or takes the bypass off), as one step. A node that cannot be bypassed is
   * left as it is and named with the reason; the others are still switched.
   */
  setBypass(ids: Iterable<string>, on: boolean): { refused: { nodeId: string; reason: string }[] } {
    const refused: { nodeId: string; reason: string }[] = [];
    const switched = new Set<string>();
    for (const id of ids) {
      const node = this.documents.node(id);
      const definition = node && this.registry.get(node.type);
      if (!node || !definition) continue;
      const reason = on ? bypassRefusal(definition) : undefined;
      if (reason) refused.push({ nodeId: id, reason });
      else switched.add(id);
    }
    this.documents.change((d) => {
      for (const node of d.nodes) {
        if (!switched.has(node.id)) continue;
        if (on) node.bypassed = true;
        else delete node.bypassed;
      }
    });
    return { refused };
  }

  /** Marks the nodes with a colour, or takes it off (`undefined`). */
  setColour(ids: Iterable<string>, colour: MarkColour | undefined): void {
    const chosen = new Set(ids);
    this.documents.change((d) => {
      for (const node of d.nodes) {
        if (!chosen.has(node.id)) continue;
        if (colour) node.colour = colour;
        else delete node.colour;
      }
    });
  }

  /** A titled frame around `boxes` (the nodes' boxes on the canvas), drawn behind them; returns its id. */
  addFrame(boxes: readonly Box[], title = 'Frame'): string | undefined {
    if (boxes.length === 0) return undefined;
    let [left, top, right, bottom] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const b of boxes) [left, top, right, bottom] = [Math.min(left, b.x), Math.min(top, b.y), Math.max(right, b.x + b.width), Math.max(bottom, b.y + b.height)];
    const frames = this.documents.document.frames ?? [];
    const id = idMaker(frames.map((f) => f.id))('frame');
    const frame: WorkflowFrame = {
      id,
      title: nodeTitle(title) ?? 'Frame',
      position: canvasPosition({ x: left - FRAME_MARGIN, y: top - FRAME_MARGIN - FRAME_TITLE }),
      size: { width: right - left + 2 * FRAME_MARGIN, height: bottom - top + 2 * FRAME_MARGIN + FRAME_TITLE },
    };
    this.documents.change((d) => void (d.frames ??= []).push(frame));
    return id;
  }

  /** Changes a frame's title (within the title limit), colour, place or size. */
  updateFrame(id: string, patch: { title?: string; colour?: MarkColour | null; position?: Position; size?: { width: number; height: number } }): void {
    this.documents.change((d) => {
      const frame = d.frames?.find((f) => f.id === id);
      if (!frame) return;
      if (patch.title !== undefined) frame.title = nodeTitle(patch.title) ?? 'Frame';
      if (patch.colour === null) delete frame.colour;
      else if (patch.colour) frame.colour = patch.colour;
      if (patch.position) frame.position = canvasPosition(patch.position);
      if (patch.size) frame.size = { width: Math.max(1, patch.size.width), height: Math.max(1, patch.size.height) };
    });
  }

  /** Deletes frames; the nodes inside them stay. */
  removeFrames(ids: Iterable<string>): void {
    const gone = new Set(ids);
    this.documents.change((d) => {
      if (d.frames) d.frames = d.frames.filter((f) => !gone.has(f.id));
    });
  }

  portType(nodeId: string, port: string, side: 'input' | 'output'): PortType | undefined {
    const node = this.documents.node(nodeId);
    const definition = node && this.registry.get(node.type);
    return (side === 'input' ? definition?.inputs[port] : definition?.outputs[port])?.type;
  }

  /** Copies of `nodes` with `edges` between them, and `inputs` into them kept from their sources, as one step. */
  #insertCopy(nodes: readonly WorkflowNode[], edges: readonly WorkflowEdge[], inputs: readonly Wire[], at?: Position): string[] {
    if (nodes.length === 0) return [];
    // A loop, not Math.min(...spread): thousands of nodes would overflow the argument list.
    let left = Infinity;
    let top = Infinity;
    for (const { position } of nodes) {
      left = Math.min(left, position.x);
      top = Math.min(top, position.y);
    }
    const shift = at ? { x: at.x - left, y: at.y - top } : { x: COPY_OFFSET, y: COPY_OFFSET };
    const ids = new Map<string, string>();
    const freshId = idMaker(this.documents.document.nodes.map((n) => n.id));
    const copies = nodes.map((n) => {
      const id = freshId(n.type);
      ids.set(n.id, id);
      // Params are bounded by the loader, so the clone is too; positions stay on the canvas.
      return { ...structuredClone(n), id, position: canvasPosition({ x: n.position.x + shift.x, y: n.position.y + shift.y }) };
    });
    const freshEdgeId = edgeIdMaker(this.documents.document.edges);
    const wires = edges.map((e) => ({ ...e, id: freshEdgeId(), source: ids.get(e.source)!, target: ids.get(e.target)! }));
    return this.documents.group(() => {
      this.documents.change((d) => {
        d.nodes.push(...copies);
        d.edges.push(...wires);
      });
      // Through connect, so each is checked against this document: its source may be gone, or another type.
      for (const wire of inputs) {
        const target = ids.get(wire.target);
        if (target && this.documents.node(wire.source)) this.connect({ source: wire.source, sourcePort: wire.sourcePort, target, targetPort: wire.targetPort });
      }
      return copies.map((c) => c.id);
    });
  }

  #definition(type: string): AnyNodeDefinition {
    const definition = this.registry.get(type);
    if (!definition) throw new Error(`unknown node type ${type}`);
    return definition;
  }
}

/** The first port on `definition` that can take a wire from (or to) a port of type `type`. */
export function compatiblePort(definition: AnyNodeDefinition, type: PortType, fromSide: 'output' | 'input'): string | undefined {
  const ports = fromSide === 'output' ? definition.inputs : definition.outputs;
  return Object.entries(ports).find(([, spec]) => (fromSide === 'output' ? canConnect(type, spec.type) : canConnect(spec.type, type)).ok)?.[0];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameWire(a: Wire, b: Wire): boolean {
  return a.source === b.source && a.sourcePort === b.sourcePort && a.target === b.target && a.targetPort === b.targetPort;
}

/** Makes wire ids (`e7`) not among `edges`, each taken once made. */
function edgeIdMaker(edges: readonly WorkflowEdge[]): () => string {
  const taken = new Set(edges.map((e) => e.id));
  let i = edges.length;
  return () => {
    while (taken.has(`e${++i}`));
    taken.add(`e${i}`);
    return `e${i}`;
  };
}
