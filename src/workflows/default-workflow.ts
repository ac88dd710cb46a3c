/**
 * The graph a first start opens (the offline demo template): a still, moved by the local
 * generator as its prompt says, with a sound bed, exported as MP4. It runs end to end offline.
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
        version: 3,
        position: { x: 380, y: 60 },
        params: {
          move: 'push-in',
          intensity: 0.5,
          parallax: 0.5,
          easing: 'ease-in-out',
          duration: 5,
          fps: '30',
          resolution: '720p',
          handheld: 0,
          ambient: 'none',
          sound: 'wind',
          renderer: 'auto',
          seed: 7,
        },
      },
      {
        id: 'export',
        type: 'output.export',
        version: 2,
        position: { x: 720, y: 60 },
        params: { format: 'mp4-h264', quality: 'high', bitrate: 0, fileName: '{workflow}-{photo}-{model}-{date}', embedWorkflow: true, gifFps: 15, gifWidth: 480 },
      },
      {
        id: 'prompt',
        type: 'text.prompt',
        version: 1,
        position: { x: 40, y: 420 },
        params: { text: 'Slow push in over the water, warm evening light, gentle waves' },
      },
    ],
    edges: [
      { id: 'e1', source: 'image', sourcePort: 'image', target: 'motion', targetPort: 'image' },
      { id: 'e2', source: 'motion', sourcePort: 'video', target: 'export', targetPort: 'video' },
      { id: 'e3', source: 'prompt', sourcePort: 'text', target: 'motion', targetPort: 'prompt' },
    ],
    viewport: { x: 0, y: 0, zoom: 1 },
  };
}
