/**
 * The workflow document: what the user builds and saves. Plain data, JSON-serialisable,
 * versioned as a whole (`version`) and per node (`nodes[i].version`).
 */

export const WORKFLOW_FORMAT = 'stillmotion.workflow';
export const WORKFLOW_VERSION = 1;

export interface Position {
  x: number;
  y: number;
}

export interface Viewport extends Position {
  zoom: number;
}

export interface WorkflowNode {
  id: string;
  /** Node type id from the registry; kept as is when the type is unknown here. */
  type: string;
  /** The node definition version the params were saved with. */
  version: number;
  /** The user's name for this node; the definition's title when absent. */
  title?: string;
  position: Position;
  params: Record<string, unknown>;
  /** Switched off in place: its inputs pass through to its outputs (see bypass.ts). */
  bypassed?: boolean;
  /** A colour the user gave the node, from MARK_COLOURS; none of its work depends on it. */
  colour?: MarkColour;
}

/** The colours a node or a frame may be marked with, by name (the editor draws each). */
export const MARK_COLOURS = ['red', 'orange', 'yellow', 'green', 'teal', 'blue', 'purple', 'grey'] as const;
export type MarkColour = (typeof MARK_COLOURS)[number];

/**
 * A titled frame drawn behind nodes; dragging it moves the nodes inside it. Layout only: never
 * part of a cache key or of the workflow's identity.
 */
export interface WorkflowFrame {
  id: string;
  title: string;
  position: Position;
  size: { width: number; height: number };
  colour?: MarkColour;
}

export interface WorkflowEdge {
  id: string;
  source: string;
  sourcePort: string;
  target: string;
  targetPort: string;
}

export interface WorkflowDocument {
  format: typeof WORKFLOW_FORMAT;
  version: number;
  id: string;
  name: string;
  nodes: WorkflowNode[];
  edges: WorkflowEdge[];
  frames?: WorkflowFrame[];
  viewport?: Viewport;
}

export function emptyWorkflow(id: string, name: string): WorkflowDocument {
  return { format: WORKFLOW_FORMAT, version: WORKFLOW_VERSION, id, name, nodes: [], edges: [] };
}

/** `['nodes', 3, 'params', 'duration']` -> `nodes[3].params.duration`. */
export function formatPath(path: readonly (string | number)[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out === '' ? key : `${out}.${key}`;
  }, '');
}
