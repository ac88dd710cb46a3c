/**
 * Where each take a Compare node scores came from, read from the document: the node wired into
 * Takes, in wire order (take n is the nth wire, as the engine collects them), by the title the
 * canvas shows; a generation with its model, route and estimated cost; a node that passes a video
 * on (Upscale video) looked through to the one that made it; and nothing to say where a wire
 * carries a list, whose count only a run knows.
 */
import { describe, expect, it } from 'vitest';
import { WORKFLOW_FORMAT, WORKFLOW_VERSION, type WorkflowDocument, type WorkflowNode } from '../../src/engine';
import { originText, takeOrigins } from '../../src/editor/take-origins';
import { createRegistry } from '../../src/nodes';

const registry = createRegistry();
const at = { x: 0, y: 0 };
const node = (id: string, type: string, params: Record<string, unknown> = {}, title?: string): WorkflowNode => ({ id, type, version: 1, position: at, params, ...(title ? { title } : {}) });
const wire = (source: string, target: string, targetPort: string, sourcePort = 'video') => ({ id: `${source}-${target}-${targetPort}`, source, sourcePort, target, targetPort });

function document(nodes: WorkflowNode[], edges: ReturnType<typeof wire>[]): WorkflowDocument {
  return { format: WORKFLOW_FORMAT, version: WORKFLOW_VERSION, id: 'origins', name: 'origins', nodes, edges };
}

const kling = node('kling', 'generate.video', { model: 'kling-v2.1-master', route: 'fal', duration: '5', resolution: '1080p', aspectRatio: 'auto' }, 'Hero take <b>');
const local = node('local', 'generate.local');
const upscale = node('up', 'video.upscale');
const compare = node('cmp', 'analyse.compare');

describe('take origins', () => {
  it('name each take by its node, with the model, route and cost of a generation, in wire order', () => {
    const origins = takeOrigins(document([kling, local, compare], [wire('local', 'cmp', 'takes'), wire('kling', 'cmp', 'takes')]), registry, 'cmp')!;
    expect(origins).toHaveLength(2);
    expect(origins[0]).toEqual({ nodeId: 'local', port: 'video', title: 'Local motion' });
    expect(origins[1]).toMatchObject({ nodeId: 'kling', title: 'Hero take <b>', madeBy: 'Kling v2.1 Master · fal' });
    expect(origins[1]!.cost!.usd).toBeGreaterThan(0);
    expect(originText(origins[1]!)).toMatch(/^Hero take <b> · Kling v2\.1 Master · fal · \$\d+\.\d\d$/);
  });

  it('look through a node that passes a video on to the generation that made it', () => {
    const origins = takeOrigins(document([kling, upscale, compare], [wire('kling', 'up', 'video'), wire('up', 'cmp', 'takes')]), registry, 'cmp')!;
    expect(origins[0]).toMatchObject({ nodeId: 'up', title: 'Upscale video', maker: { nodeId: 'kling', title: 'Hero take <b>' }, madeBy: 'Kling v2.1 Master · fal' });
    expect(originText(origins[0]!)).toMatch(/^Upscale video ← Hero take <b> · Kling v2\.1 Master · fal · \$/);
  });

  it('say nothing where a wire carries a list of takes', () => {
    const inner = node('inner', 'analyse.compare');
    expect(takeOrigins(document([kling, inner, compare], [wire('kling', 'inner', 'takes'), wire('inner', 'cmp', 'takes', 'ranked')]), registry, 'cmp')).toBeUndefined();
  });
});
