import { describe, expect, it } from 'vitest';
import { loadWorkflow, WORKFLOW_FORMAT, WORKFLOW_VERSION, type WorkflowDocument } from '../../src/engine';
import { mixGraph, testNodes } from '../support/nodes';

const registry = testNodes();

function withNodes(nodes: WorkflowDocument['nodes'], edges: WorkflowDocument['edges'] = []): WorkflowDocument {
  return { format: WORKFLOW_FORMAT, version: WORKFLOW_VERSION, id: 'w', name: 'w', nodes, edges };
}

const at = (id: string, type: string, params: Record<string, unknown> = {}, version = 1) => ({ id, type, version, position: { x: 0, y: 0 }, params });

describe('loading a workflow', () => {
  it('loads a valid document and fills parameter defaults', () => {
    const result = loadWorkflow(withNodes([at('a', 'test.mix', { k: 2 })]), registry);
    expect(result).toMatchObject({ ok: true, warnings: [] });
    if (result.ok) expect(result.document.nodes[0]!.params).toEqual({ k: 2, fail: false, resource: '' });
  });

  it('names the failing parameter by path and bound', () => {
    const doc = withNodes([at('img', 'test.image'), at('a', 'test.mix'), at('n', 'test.needs', { duration: 25 }, 2)]);
    expect(loadWorkflow(doc, registry)).toEqual({ ok: false, errors: [{ path: 'nodes[2].params.duration', message: 'expected 1..20' }] });
  });

  it('reports schema errors by path', () => {
    const doc = withNodes([{ ...at('a', 'test.mix'), position: { x: 'left', y: 0 } } as never]);
    const result = loadWorkflow(doc, registry);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]!.path).toBe('nodes[0].position.x');
  });

  it('refuses a file from a newer format with a clear message', () => {
    const result = loadWorkflow({ ...withNodes([]), version: WORKFLOW_VERSION + 1 }, registry);
    expect(result).toMatchObject({ ok: false, errors: [{ path: 'version', message: expect.stringMatching(/newer Stillmotion/) }] });
  });

  it('refuses something that is not a workflow', () => {
    expect(loadWorkflow([], registry)).toMatchObject({ ok: false, errors: [{ path: '' }] });
    expect(loadWorkflow({ nodes: [] }, registry)).toMatchObject({ ok: false, errors: [{ path: 'format' }] });
  });

  it('keeps unknown node types, with a warning, instead of dropping them', () => {
    const result = loadWorkflow(withNodes([at('p', 'plugin.fancy', { strength: 3 })]), registry);
    expect(result).toMatchObject({ ok: true, warnings: [{ path: 'nodes[0].type' }] });
    if (result.ok) expect(result.document.nodes[0]).toMatchObject({ type: 'plugin.fancy', params: { strength: 3 } });
  });

  it('migrates params saved by an older node version', () => {
    const doc = withNodes([at('n', 'test.needs', { seconds: 8 }, 1)]);
    const result = loadWorkflow(doc, registry);
    expect(result.ok && result.document.nodes[0]).toMatchObject({ version: 2, params: { duration: 8 } });
  });

  it('refuses params saved by a newer node version', () => {
    const result = loadWorkflow(withNodes([at('n', 'test.needs', {}, 3)]), registry);
    expect(result).toMatchObject({ ok: false, errors: [{ path: 'nodes[0].version' }] });
  });

  it('checks edges: endpoints, ports, types, one wire per single input, unique ids', () => {
    const doc = withNodes(
      [at('num', 'test.number'), at('img', 'test.image'), at('n', 'test.needs', {}, 2), at('n', 'test.mix')],
      [
        { id: 'e1', source: 'num', sourcePort: 'value', target: 'n', targetPort: 'image' },
        { id: 'e2', source: 'ghost', sourcePort: 'out', target: 'n', targetPort: 'note' },
        { id: 'e3', source: 'img', sourcePort: 'nope', target: 'n', targetPort: 'image' },
        { id: 'e4', source: 'img', sourcePort: 'image', target: 'n', targetPort: 'image' },
        { id: 'e4', source: 'num', sourcePort: 'value', target: 'n', targetPort: 'note' },
      ],
    );
    const result = loadWorkflow(doc, registry);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      { path: 'nodes[3].id', message: 'duplicate id "n" (also nodes[2])' },
      { path: 'edges[0]', message: 'Number.value -> Needs.image: a number cannot feed an image input' },
      { path: 'edges[1].source', message: 'no node "ghost"' },
      { path: 'edges[2].sourcePort', message: 'Image has no output "nope"' },
      { path: 'edges[3]', message: 'input "image" of node "n" is already fed by edges[0]' },
      { path: 'edges[4].id', message: 'duplicate id "e4" (also edges[3])' },
    ]);
  });

  it('lets many wires feed one list input', () => {
    const result = loadWorkflow(mixGraph([{ id: 'a' }, { id: 'b' }, { id: 'c' }], [['a', 'c'], ['b', 'c']]), registry);
    expect(result.ok).toBe(true);
  });
});
