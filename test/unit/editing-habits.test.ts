/**
 * Editing habits from ComfyUI, Blender and Figma, as graph commands: duplicate and paste keeping
 * input wires, bypass, colours and titled frames. Each is one undo step, and what it leaves
 * reopens as saved.
 */
import { describe, expect, it } from 'vitest';
import { GraphCommands } from '../../src/editor/commands';
import { DocumentStore } from '../../src/editor/document-store';
import { savedName } from '../../src/editor/output-names';
import { emptyWorkflow, Engine, loadWorkflow, workflowIdentity } from '../../src/engine';
import { testNodes } from '../support/nodes';

function setup() {
  const documents = new DocumentStore(emptyWorkflow('w', 'test'));
  const commands = new GraphCommands(documents, testNodes());
  return { documents, commands };
}

const reopens = (documents: DocumentStore) => expect(loadWorkflow(JSON.parse(JSON.stringify(documents.document)), testNodes())).toMatchObject({ ok: true, warnings: [] });

/** Relays a -> b -> c. */
function chain(commands: GraphCommands) {
  const [a, b, c] = [0, 1, 2].map((i) => commands.addNode('test.relay', { x: i * 300, y: 0 }));
  commands.connect({ source: a!, sourcePort: 'out', target: b!, targetPort: 'in' });
  commands.connect({ source: b!, sourcePort: 'out', target: c!, targetPort: 'in' });
  return [a!, b!, c!] as const;
}

describe('duplicate (Ctrl+D)', () => {
  it('copies the selection beside it with the wires feeding it, in one undo step', () => {
    const { documents, commands } = setup();
    const [a, b] = chain(commands);
    const [copy] = commands.duplicate([b]);
    expect(documents.node(copy!)!.position).toEqual({ x: 340, y: 40 });
    expect(documents.document.edges.filter((e) => e.target === copy)).toMatchObject([{ source: a, sourcePort: 'out', targetPort: 'in' }]);
    // Its output is not wired on: the copy is a new branch, not a second feed into c.
    expect(documents.document.edges.filter((e) => e.source === copy)).toEqual([]);
    documents.undo();
    expect(documents.document.nodes).toHaveLength(3);
    expect(documents.document.edges).toHaveLength(2);
    reopens(documents);
  });

  it('keeps the wires between the copied nodes on the copies', () => {
    const { documents, commands } = setup();
    const [a, b, c] = chain(commands);
    const [b2, c2] = commands.duplicate([b, c]);
    expect(documents.document.edges.filter((e) => e.target === b2 || e.target === c2).map((e) => `${e.source}->${e.target}`)).toEqual([`${b2}->${c2}`, `${a}->${b2}`]);
    expect(new Set(documents.document.edges.map((e) => e.id)).size).toBe(documents.document.edges.length);
  });
});

describe('paste with wires (Ctrl+Shift+V) and without (Ctrl+V)', () => {
  it('reconnects the copies to the nodes that fed the originals only when asked', () => {
    const { documents, commands } = setup();
    const [a, b] = chain(commands);
    const text = commands.copy([b])!;
    const plain = commands.paste(text, { x: 0, y: 500 });
    expect(plain.ok && documents.document.edges.filter((e) => e.target === plain.ids[0])).toEqual([]);
    const wired = commands.paste(text, { x: 0, y: 800 }, true);
    expect(wired.ok && documents.document.edges.filter((e) => e.target === wired.ids[0])).toMatchObject([{ source: a, sourcePort: 'out' }]);
    documents.undo();
    expect(documents.document.nodes).toHaveLength(4);
    reopens(documents);
  });

  it('leaves out a wire whose source is not in this workflow, or that the types refuse', () => {
    const { documents, commands } = setup();
    const [, b] = chain(commands);
    const clipboard = JSON.parse(commands.copy([b])!);
    clipboard.inputs.push({ source: 'gone-1', sourcePort: 'out', target: b, targetPort: 'in' });
    const other = setup();
    const number = other.commands.addNode('test.number', { x: 0, y: 0 });
    clipboard.inputs.push({ source: number, sourcePort: 'value', target: b, targetPort: 'in' });
    const pasted = other.commands.paste(JSON.stringify(clipboard), undefined, true);
    expect(pasted.ok).toBe(true);
    // number -> text is a legal wire and its source is here; the others were left out.
    expect(other.documents.document.edges).toMatchObject([{ source: number, target: pasted.ok ? pasted.ids[0] : '' }]);
    expect(documents.document.edges).toHaveLength(2);
  });

  it('reads a clipboard whose wires are not a list as having none', () => {
    const { documents, commands } = setup();
    const [, b] = chain(commands);
    const clipboard = { ...JSON.parse(commands.copy([b])!), inputs: 'nonsense' };
    expect(commands.paste(JSON.stringify(clipboard), undefined, true)).toMatchObject({ ok: true, warnings: [] });
    expect(documents.document.edges).toHaveLength(2);
  });
});

describe('bypass', () => {
  it('switches nodes that can be bypassed, names those that cannot, and undoes in one step', () => {
    const { documents, commands } = setup();
    const [a] = chain(commands);
    const mix = commands.addNode('test.mix', { x: 0, y: 300 });
    expect(commands.setBypass([a, mix], true)).toEqual({ refused: [{ nodeId: mix, reason: 'no input of Mix carries what it puts out (text)' }] });
    expect(documents.node(a)!.bypassed).toBe(true);
    expect(documents.node(mix)!.bypassed).toBeUndefined();
    reopens(documents);
    commands.setBypass([a], false);
    expect(documents.node(a)).not.toHaveProperty('bypassed');
    documents.undo();
    expect(documents.node(a)!.bypassed).toBe(true);
  });
});

describe('colours and frames', () => {
  it('colours nodes, and the colour is no part of the workflow identity', () => {
    const { documents, commands } = setup();
    const [a] = chain(commands);
    const before = workflowIdentity(documents.document);
    commands.setColour([a], 'teal');
    expect(documents.node(a)!.colour).toBe('teal');
    expect(workflowIdentity(documents.document)).toBe(before);
    reopens(documents);
    commands.setColour([a], undefined);
    expect(documents.node(a)).not.toHaveProperty('colour');
  });

  it('frames boxes with room for a title, renames, moves and deletes it, none of it in the identity', () => {
    const { documents, commands } = setup();
    chain(commands);
    const before = workflowIdentity(documents.document);
    const id = commands.addFrame([
      { x: 0, y: 0, width: 200, height: 100 },
      { x: 300, y: 50, width: 200, height: 100 },
    ])!;
    expect(documents.document.frames).toEqual([{ id, title: 'Frame', position: { x: -30, y: -70 }, size: { width: 560, height: 250 } }]);
    commands.updateFrame(id, { title: `  ${'Shot '.repeat(100)}`, colour: 'blue', position: { x: 5, y: 5 } });
    expect(documents.document.frames![0]).toMatchObject({ title: expect.stringMatching(/^Shot/), colour: 'blue', position: { x: 5, y: 5 } });
    expect(workflowIdentity(documents.document)).toBe(before);
    reopens(documents);
    commands.removeFrames([id]);
    expect(documents.document.frames).toEqual([]);
  });

  it('opens a file whose frame or colour is broken without them, saying so', () => {
    const { documents, commands } = setup();
    const [a] = chain(commands);
    const saved = JSON.parse(JSON.stringify(documents.document));
    saved.nodes.find((n: { id: string }) => n.id === a).colour = 'chartreuse';
    saved.frames = [{ id: 'f', title: 'Ok', position: { x: 0, y: 0 }, size: { width: 10, height: 10 } }, { id: 'g', title: 'Bad', position: { x: 0, y: 0 }, size: { width: -1, height: 10 } }];
    const loaded = loadWorkflow(saved, testNodes());
    expect(loaded).toMatchObject({
      ok: true,
      document: { frames: [{ id: 'f' }] },
      warnings: [
        { path: 'frames[1]', message: 'size.width: expected a width > 0; the frame was dropped' },
        { path: 'nodes[0].colour', message: 'not one of red, orange, yellow, green, teal, blue, purple, grey; the node has no colour' },
      ],
    });
    expect(loaded.ok && loaded.document.nodes[0]).not.toHaveProperty('colour');
  });
});

describe('the name a saved file gets', () => {
  it('fills the node\'s pattern from the graph: workflow, the picked photo, the models upstream, the day', () => {
    const { documents, commands } = setup();
    commands.renameWorkflow('Beach shots');
    const [a, , c] = chain(commands);
    commands.setParam(a, 'model', 'kling-v3');
    const image = commands.addNode('test.image', { x: 0, y: 300 });
    commands.setParam(image, 'file', { hash: 'h', name: 'IMG 0001.jpeg', mime: 'image/jpeg', size: 1 });
    commands.connect({ source: image, sourcePort: 'image', target: commands.addNode('test.needs', { x: 0, y: 400 }), targetPort: 'image' });
    const at = new Date(2026, 11, 5);
    expect(savedName(documents.document, testNodes(), c, { at })).toBe('Beach_shots-kling-v3-2026-12-05');
    commands.connect({ source: image, sourcePort: 'image', target: a, targetPort: 'in' });
    expect(savedName(documents.document, testNodes(), c, { at, photo: 'IMG_0042.png' })).toBe('Beach_shots-IMG_0042-kling-v3-2026-12-05');
    commands.setParam(c, 'fileName', '{node}');
    expect(savedName(documents.document, testNodes(), c, { at })).toBe('Relay');
    expect(savedName(documents.document, testNodes(), image)).toBeUndefined();
  });

  it('is no part of any cache key or the workflow identity: renaming re-runs nothing', async () => {
    const { documents, commands } = setup();
    const [, , c] = chain(commands);
    const engine = new Engine({ registry: testNodes() });
    await engine.run({ document: documents.document });
    const before = workflowIdentity(documents.document, testNodes());
    commands.setParam(c, 'fileName', '{photo}-{date}');
    expect(workflowIdentity(documents.document, testNodes())).toBe(before);
    expect((await engine.plan(documents.document)).nodes[c]).toMatchObject({ will: 'cache' });
    expect((await engine.run({ document: documents.document })).executed).toEqual([]);
  });
});
