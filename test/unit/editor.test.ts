import { describe, expect, it } from 'vitest';
import { GraphCommands } from '../../src/editor/commands';
import { DocumentStore } from '../../src/editor/document-store';
import { DOCUMENT_LIMITS, emptyWorkflow, loadWorkflow, WORKFLOW_FORMAT, WORKFLOW_VERSION } from '../../src/engine';
import { testNodes } from '../support/nodes';

function setup() {
  let clock = 0;
  const documents = new DocumentStore(emptyWorkflow('w', 'test'), () => clock);
  const commands = new GraphCommands(documents, testNodes());
  return { documents, commands, tick: (ms: number) => (clock += ms) };
}

describe('editing a graph', () => {
  it('adds nodes with their definition defaults and readable unique ids', () => {
    const { documents, commands } = setup();
    const a = commands.addNode('test.mix', { x: 0, y: 0 });
    const b = commands.addNode('test.mix', { x: 10, y: 0 });
    expect([a, b]).toEqual(['mix-1', 'mix-2']);
    expect(documents.node(a)!.params).toEqual({ k: 0, fail: false, resource: '' });
  });

  it('refuses wires of the wrong type, and loops, saying why', () => {
    const { commands } = setup();
    const n = commands.addNode('test.number', { x: 0, y: 0 });
    const needs = commands.addNode('test.needs', { x: 0, y: 0 });
    expect(commands.connect({ source: n, sourcePort: 'value', target: needs, targetPort: 'image' })).toEqual({ ok: false, reason: 'a number cannot feed an image input' });
    const a = commands.addNode('test.mix', { x: 0, y: 0 });
    const b = commands.addNode('test.mix', { x: 0, y: 0 });
    expect(commands.connect({ source: a, sourcePort: 'out', target: b, targetPort: 'in' }).ok).toBe(true);
    expect(commands.connect({ source: b, sourcePort: 'out', target: a, targetPort: 'in' })).toEqual({ ok: false, reason: 'this wire would make a loop' });
  });

  it('replaces the wire into a single input, and collects wires into a list input', () => {
    const { documents, commands } = setup();
    const [i1, i2] = [commands.addNode('test.image', { x: 0, y: 0 }), commands.addNode('test.image', { x: 0, y: 0 })];
    const needs = commands.addNode('test.needs', { x: 0, y: 0 });
    commands.connect({ source: i1, sourcePort: 'image', target: needs, targetPort: 'image' });
    commands.connect({ source: i2, sourcePort: 'image', target: needs, targetPort: 'image' });
    expect(documents.document.edges.map((e) => e.source)).toEqual([i2]);
    const mix = commands.addNode('test.mix', { x: 0, y: 0 });
    const [m1, m2] = [commands.addNode('test.mix', { x: 0, y: 0 }), commands.addNode('test.mix', { x: 0, y: 0 })];
    commands.connect({ source: m1, sourcePort: 'out', target: mix, targetPort: 'in' });
    commands.connect({ source: m2, sourcePort: 'out', target: mix, targetPort: 'in' });
    expect(documents.document.edges.filter((e) => e.target === mix)).toHaveLength(2);
  });

  it('deletes a node together with its wires', () => {
    const { documents, commands } = setup();
    const a = commands.addNode('test.mix', { x: 0, y: 0 });
    const b = commands.addNode('test.mix', { x: 0, y: 0 });
    commands.connect({ source: a, sourcePort: 'out', target: b, targetPort: 'in' });
    commands.remove([a]);
    expect(documents.document.nodes.map((n) => n.id)).toEqual([b]);
    expect(documents.document.edges).toEqual([]);
  });

  it('wires a node added from a dragged port on its first compatible port', () => {
    const { documents, commands } = setup();
    const img = commands.addNode('test.image', { x: 0, y: 0 });
    const needs = commands.addConnected('test.needs', { x: 300, y: 0 }, { nodeId: img, port: 'image', side: 'output' });
    expect(documents.document.edges).toMatchObject([{ source: img, sourcePort: 'image', target: needs, targetPort: 'image' }]);
    documents.undo();
    expect(documents.document.nodes.map((n) => n.id)).toEqual([img]);
    expect(documents.document.edges).toEqual([]);
  });

  it('copies and pastes a selection with its inner wires, under fresh ids', () => {
    const { documents, commands } = setup();
    const a = commands.addNode('test.mix', { x: 0, y: 0 });
    const b = commands.addNode('test.mix', { x: 100, y: 0 });
    const c = commands.addNode('test.mix', { x: 200, y: 0 });
    commands.connect({ source: a, sourcePort: 'out', target: b, targetPort: 'in' });
    commands.connect({ source: b, sourcePort: 'out', target: c, targetPort: 'in' });
    const text = commands.copy([a, b])!;
    const pasted = commands.paste(text, { x: 500, y: 500 });
    expect(pasted).toEqual({ ok: true, ids: ['mix-4', 'mix-5'], warnings: [] });
    expect(documents.node('mix-4')!.position).toEqual({ x: 500, y: 500 });
    expect(documents.document.edges.filter((e) => e.source === 'mix-4')).toMatchObject([{ target: 'mix-5' }]);
  });

  it('refuses to paste what is not a valid workflow, changing nothing', () => {
    const { documents, commands } = setup();
    const before = documents.document;
    expect(commands.paste('hello')).toEqual({ ok: false, reason: 'the clipboard does not hold a Stillmotion workflow' });
    const bad = JSON.stringify({ ...emptyWorkflow('x', 'x'), nodes: [{ id: 'a', type: 'test.needs', version: 2, position: { x: 0, y: 0 }, params: { duration: 50 } }] });
    expect(commands.paste(bad)).toEqual({ ok: false, reason: 'nodes[0].params.duration: expected 1..20' });
    expect(documents.document).toBe(before);
  });

  it('duplicates beside the original', () => {
    const { documents, commands } = setup();
    const a = commands.addNode('test.mix', { x: 10, y: 20 });
    const [copy] = commands.duplicate([a]);
    expect(documents.node(copy!)!.position).toEqual({ x: 50, y: 60 });
  });
});

describe('every edit the editor accepts leaves a workflow that opens', () => {
  /** What a reload does with the edited document: it must load, with nothing to repair. */
  const reopens = (documents: DocumentStore) => expect(loadWorkflow(JSON.parse(JSON.stringify(documents.document)), testNodes())).toMatchObject({ ok: true, warnings: [] });

  it('a node name or workflow name typed or pasted over the limit is kept to the limit', () => {
    const { documents, commands } = setup();
    const id = commands.addNode('test.mix', { x: 0, y: 0 });
    commands.rename(id, `  ${'Shot '.repeat(100)}  `);
    commands.renameWorkflow('W'.repeat(2000));
    expect(documents.node(id)!.title!.length).toBeLessThanOrEqual(DOCUMENT_LIMITS.title);
    expect(documents.document.name).toHaveLength(DOCUMENT_LIMITS.name);
    // A limit never cuts a character in two.
    commands.rename(id, `${'x'.repeat(DOCUMENT_LIMITS.title - 1)}😀`);
    expect(documents.node(id)!.title).toBe('x'.repeat(DOCUMENT_LIMITS.title - 1));
    commands.renameWorkflow('   ');
    expect(documents.document.name).toBe('Untitled');
    reopens(documents);
  });

  it('a paste that would shift nodes to +-Infinity keeps them on the canvas', () => {
    const { documents, commands } = setup();
    const far = (x: number) => ({ id: `n${x}`, type: 'test.mix', version: 1, position: { x, y: -x }, params: {} });
    const clipboard = JSON.stringify({ format: WORKFLOW_FORMAT, version: WORKFLOW_VERSION, id: 'c', name: 'c', nodes: [far(-1.7e308), far(1.7e308)], edges: [] });
    const pasted = commands.paste(clipboard, { x: 100, y: 100 });
    expect(pasted.ok).toBe(true);
    for (const node of documents.document.nodes) {
      expect(Number.isFinite(node.position.x) && Math.abs(node.position.x) <= DOCUMENT_LIMITS.coordinate).toBe(true);
      expect(Number.isFinite(node.position.y) && Math.abs(node.position.y) <= DOCUMENT_LIMITS.coordinate).toBe(true);
    }
    commands.move([{ id: documents.document.nodes[0]!.id, position: { x: Infinity, y: NaN } }]);
    expect(documents.document.nodes[0]!.position).toEqual({ x: DOCUMENT_LIMITS.coordinate, y: 0 });
    reopens(documents);
  });

  it('a pasted unknown node with a very long type name gets an id within the limit', () => {
    const { documents, commands } = setup();
    const type = `plugin.${'very-long-type-name-'.repeat(30)}`;
    const clipboard = JSON.stringify({ format: WORKFLOW_FORMAT, version: WORKFLOW_VERSION, id: 'c', name: 'c', nodes: [{ id: 'p', type, version: 1, position: { x: 0, y: 0 }, params: {} }], edges: [] });
    const pasted = commands.paste(clipboard);
    expect(pasted.ok).toBe(true);
    const [id] = pasted.ok ? pasted.ids : [];
    expect(id!.length).toBeLessThanOrEqual(DOCUMENT_LIMITS.id);
    expect(id).toMatch(/^very-long-type-name-.*-1$/);
    expect(loadWorkflow(JSON.parse(JSON.stringify(documents.document)), testNodes())).toMatchObject({ ok: true, warnings: [{ path: 'nodes[0].type' }] });
  });

  it('pastes workflow JSON with a byte-order mark before it, as a file with one opens', () => {
    const { documents, commands } = setup();
    const a = commands.addNode('test.mix', { x: 0, y: 0 });
    const text = commands.copy([a])!;
    expect(commands.paste(`\uFEFF${text}`).ok).toBe(true);
    expect(documents.document.nodes).toHaveLength(2);
  });

  it('a paste of params nested thousands deep keeps the node and says what it left out', () => {
    const { documents, commands } = setup();
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const clipboard = `{"format":"${WORKFLOW_FORMAT}","version":${WORKFLOW_VERSION},"id":"c","name":"c","nodes":[{"id":"p","type":"plugin.x","version":1,"position":{"x":0,"y":0},"params":{"deep":${deep},"kept":2}}],"edges":[]}`;
    const pasted = commands.paste(clipboard);
    expect(pasted).toMatchObject({
      ok: true,
      warnings: [{ path: 'nodes[0].params.deep.a.a.a.a.a.a.a.a.a…', message: 'nested deeper than 64 levels; the parameter "deep" was not kept' }, { path: 'nodes[0].type' }],
    });
    expect(documents.document.nodes[0]!.params).toEqual({ kept: 2 });
    expect(loadWorkflow(JSON.parse(JSON.stringify(documents.document)), testNodes())).toMatchObject({ ok: true, warnings: [{ path: 'nodes[0].type' }] });
  });
});

describe('undo and redo', () => {
  it('step back and forth through every change', () => {
    const { documents, commands } = setup();
    const empty = documents.document;
    const a = commands.addNode('test.mix', { x: 0, y: 0 });
    const withA = documents.document;
    commands.remove([a]);
    documents.undo();
    expect(documents.document).toEqual(withA);
    documents.undo();
    expect(documents.document).toEqual(empty);
    expect(documents.canUndo).toBe(false);
    documents.redo();
    documents.redo();
    expect(documents.document.nodes).toEqual([]);
  });

  it('treat quick edits of one parameter as one step, and slow ones as several', () => {
    const { documents, commands, tick } = setup();
    const a = commands.addNode('test.mix', { x: 0, y: 0 });
    for (const k of [1, 2, 3]) {
      tick(100);
      commands.setParam(a, 'k', k);
    }
    tick(5000);
    commands.setParam(a, 'k', 4);
    documents.undo();
    expect(documents.node(a)!.params.k).toBe(3);
    documents.undo();
    expect(documents.node(a)!.params.k).toBe(0);
  });

  it('drop the redo stack when a new change is made', () => {
    const { documents, commands } = setup();
    commands.addNode('test.mix', { x: 0, y: 0 });
    documents.undo();
    commands.addNode('test.number', { x: 0, y: 0 });
    expect(documents.canRedo).toBe(false);
  });
});
