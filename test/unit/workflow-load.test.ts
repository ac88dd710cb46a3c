import { describe, expect, it } from 'vitest';
import { DOCUMENT_LIMITS, loadWorkflow, WORKFLOW_FORMAT, WORKFLOW_VERSION, type WorkflowDocument } from '../../src/engine';
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

describe('a field over a limit of the document', () => {
  it('is repaired with a warning by path, never refuses the workflow', () => {
    const longId = `n-${'x'.repeat(250)}`;
    const doc = {
      ...withNodes(
        [
          { ...at(longId, 'test.mix'), title: 'T'.repeat(300) },
          { ...at('b', 'test.mix'), position: { x: Infinity, y: -Infinity } },
        ],
        [{ id: `e-${'y'.repeat(250)}`, source: longId, sourcePort: 'out', target: 'b', targetPort: 'in' }],
      ),
      name: 'N'.repeat(600),
      viewport: { x: 0, y: 0, zoom: 0 },
    };
    const result = loadWorkflow(doc, registry);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { document, warnings } = result;
    expect(warnings.map((w) => w.path)).toEqual(['name', 'viewport', 'nodes[0].id', 'nodes[0].title', 'nodes[1].position', 'edges[0].id']);
    expect(warnings[2]!.message).toBe(`longer than ${DOCUMENT_LIMITS.id} characters; the node is now "mix-1"`);
    expect(warnings[4]!.message).toBe(`(Infinity, -Infinity) is off the canvas; moved to (${DOCUMENT_LIMITS.coordinate}, ${-DOCUMENT_LIMITS.coordinate})`);
    expect(document.name).toHaveLength(DOCUMENT_LIMITS.name);
    expect(document.viewport).toBeUndefined();
    expect(document.nodes[0]).toMatchObject({ id: 'mix-1', title: 'T'.repeat(DOCUMENT_LIMITS.title) });
    // The wire follows the renamed node.
    expect(document.edges[0]).toMatchObject({ id: 'wire-1', source: 'mix-1', target: 'b' });
    expect(loadWorkflow(JSON.parse(JSON.stringify(document)), registry)).toMatchObject({ ok: true, warnings: [] });
  });

  it('keeps an unknown node but not a param nested too deep or too big, naming where', () => {
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const text = JSON.stringify(withNodes([at('p', 'plugin.fancy', { strength: 3, big: 'x'.repeat(2 * 1024 * 1024) })])).replace('"strength":3', `"strength":3,"deep":${deep}`);
    const result = loadWorkflow(JSON.parse(text), registry);
    expect(result).toMatchObject({
      ok: true,
      warnings: [
        { path: 'nodes[0].params.deep.a.a.a.a.a.a.a.a.a…', message: `nested deeper than ${DOCUMENT_LIMITS.paramDepth} levels; the parameter "deep" was not kept` },
        { path: 'nodes[0].params.big', message: 'over 1 MiB of parameters; the parameter "big" was not kept' },
        { path: 'nodes[0].type' },
      ],
    });
    if (result.ok) expect(result.document.nodes[0]!.params).toEqual({ strength: 3 });
  });
});

describe('a workflow the user already owns', () => {
  /** One bad field of each kind, each of which refuses the same document as an import. */
  const damaged = () => ({
    ...withNodes(
      [
        at('img', 'test.image'),
        at('n', 'test.needs', { duration: 25 }, 2),
        { ...at('n', 'test.mix'), title: 42 },
        { id: 'nowhere', type: 'test.mix', version: 'one', params: 'none' },
        'not a node',
      ] as never,
      [
        { id: 'e1', source: 'img', sourcePort: 'image', target: 'n', targetPort: 'image' },
        { id: 'e2', source: 'ghost', sourcePort: 'out', target: 'n', targetPort: 'note' },
        { id: 'e3', source: 'img', sourcePort: 'image' } as never,
      ],
    ),
    name: null,
  });

  it('is refused as an import, naming what is wrong', () => {
    expect(loadWorkflow(damaged(), registry).ok).toBe(false);
  });

  it('opens, each broken field repaired or dropped with a warning', () => {
    const result = loadWorkflow(damaged(), registry, { owned: true });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.warnings.map((w) => `${w.path}: ${w.message}`)).toEqual([
      'name: missing; named "Untitled"',
      'nodes[2].title: not text; the node shows its type’s name',
      'nodes[3].version: not a node version; read as version 1',
      'nodes[3].position: missing; the node was placed at the origin',
      'nodes[3].params: missing; the node takes its defaults',
      'nodes[4]: not a node; dropped',
      'edges[2]: not a complete wire; dropped',
      'nodes[1].params.duration: expected 1..20; set back to 5',
      'nodes[2].id: duplicate id "n" (also nodes[1]); this one is now "mix-1", and wires go to the first',
      'edges[1].source: no node "ghost"; the wire was removed',
    ]);
    const { document } = result;
    expect(document.name).toBe('Untitled');
    expect(document.nodes.map((n) => n.id)).toEqual(['img', 'n', 'mix-1', 'nowhere']);
    expect(document.nodes[1]!.params.duration).toBe(5);
    expect(document.edges.map((e) => e.id)).toEqual(['e1']);
    expect(loadWorkflow(JSON.parse(JSON.stringify(document)), registry)).toMatchObject({ ok: true, warnings: [] });
  });
});

