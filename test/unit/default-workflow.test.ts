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
});
