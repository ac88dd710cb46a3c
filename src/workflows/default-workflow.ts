/**
 * The graph a first start opens. It runs end to end offline; it grows as the node types that the
 * full pipeline needs (image input, local generator, upscale, audio mux, export) are added.
 */
import { WORKFLOW_FORMAT, WORKFLOW_VERSION, type WorkflowDocument } from '../engine';

export function defaultWorkflow(id: string = crypto.randomUUID()): WorkflowDocument {
  return {
    format: WORKFLOW_FORMAT,
    version: WORKFLOW_VERSION,
    id,
    name: 'Coast at dusk',
    nodes: [
      { id: 'image', type: 'image.sample', version: 1, position: { x: 40, y: 60 }, params: { aspect: '16:9', height: 720, seed: 7 } },
      {
        id: 'motion',
        type: 'generate.local',
        version: 1,
        position: { x: 380, y: 60 },
        params: { move: 'push-in', intensity: 0.5, easing: 'ease-in-out', duration: 5, fps: '30', resolution: '720p', seed: 7, handheld: 0 },
      },
      {
        id: 'prompt',
        type: 'text.prompt',
        version: 1,
        position: { x: 40, y: 420 },
        params: { text: 'Slow push in over the water, warm evening light, gentle waves' },
      },
    ],
    edges: [{ id: 'e1', source: 'image', sourcePort: 'image', target: 'motion', targetPort: 'image' }],
    viewport: { x: 0, y: 0, zoom: 1 },
  };
}
