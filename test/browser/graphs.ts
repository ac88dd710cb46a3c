/** Workflows the media tests and benches start from, built once. */
import { WORKFLOW_FORMAT, WORKFLOW_VERSION, type WorkflowDocument, type WorkflowEdge, type WorkflowNode } from '../../src/engine';

export interface MotionGraphOptions {
  /** Over Sample image's 16:9, 360 px, seed 7. */
  image?: Record<string, unknown>;
  /** Over a 2 s, 30 fps, source-size push in at intensity 0.5, no drift. */
  motion?: Record<string, unknown>;
  /** More nodes and wires, after `image` -> `motion`. */
  nodes?: WorkflowNode[];
  edges?: WorkflowEdge[];
}

/** The graph most media tests start from: a Sample image (`image`) moved by Local motion (`motion`). */
export function motionGraph(id: string, { image, motion, nodes = [], edges = [] }: MotionGraphOptions = {}): WorkflowDocument {
  return {
    format: WORKFLOW_FORMAT,
    version: WORKFLOW_VERSION,
    id,
    name: id,
    nodes: [
      { id: 'image', type: 'image.sample', version: 1, position: { x: 0, y: 0 }, params: { aspect: '16:9', height: 360, seed: 7, ...image } },
      {
        id: 'motion',
        type: 'generate.local',
        version: 1,
        position: { x: 400, y: 0 },
        params: { move: 'push-in', intensity: 0.5, easing: 'ease-in-out', duration: 2, fps: '30', resolution: 'source', handheld: 0, seed: 0, ...motion },
      },
      ...nodes,
    ],
    edges: [{ id: 'e-image', source: 'image', sourcePort: 'image', target: 'motion', targetPort: 'image' }, ...edges],
  };
}
