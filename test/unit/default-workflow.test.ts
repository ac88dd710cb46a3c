import { describe, expect, it } from 'vitest';
import { loadWorkflow } from '../../src/engine';
import { createRegistry } from '../../src/nodes';
import { defaultWorkflow } from '../../src/workflows/default-workflow';

describe('the default workflow', () => {
  it('is a valid document for the built-in nodes, with nothing dropped or defaulted', () => {
    const document = defaultWorkflow('first-start');
    const loaded = loadWorkflow(document, createRegistry());
    expect(loaded).toMatchObject({ ok: true, warnings: [] });
    if (loaded.ok) expect(loaded.document).toEqual(document);
  });

  it('has no orphan: every node is wired into the graph (the prompt picks the camera move)', () => {
    const { nodes, edges } = defaultWorkflow('first-start');
    const wired = new Set(edges.flatMap((e) => [e.source, e.target]));
    expect(nodes.filter((n) => !wired.has(n.id)).map((n) => n.id)).toEqual([]);
    expect(edges).toContainEqual(expect.objectContaining({ source: 'prompt', target: 'motion', targetPort: 'prompt' }));
  });
});
