import { describe, expect, it } from 'vitest';
import { readShareLink, readWorkflowFile, shareLink, workflowFile } from '../../src/editor/workflow-files';
import { createRegistry } from '../../src/nodes';
import { defaultWorkflow } from '../../src/workflows/default-workflow';

const registry = createRegistry();

describe('workflow files and links', () => {
  it('round-trip a workflow through a file', async () => {
    const document = defaultWorkflow('w1');
    const file = workflowFile(document);
    expect(file.name).toBe('Coast at dusk.stillmotion.json');
    expect(await readWorkflowFile(file, registry)).toEqual({ ok: true, document, warnings: [] });
  });

  it('name what is wrong with a file that is not JSON', async () => {
    const result = await readWorkflowFile(new Blob(['{ nodes: oops']), registry);
    expect(result).toMatchObject({ ok: false, errors: [{ path: '', message: expect.stringMatching(/^not a workflow file: the JSON does not parse/) }] });
  });

  it('round-trip a workflow through a share link, in the fragment only', async () => {
    const document = defaultWorkflow('w2');
    const link = await shareLink(document, 'http://127.0.0.1:4173/?x=1#old');
    expect(link.startsWith('http://127.0.0.1:4173/?x=1#workflow=')).toBe(true);
    expect(await readShareLink(new URL(link).hash, registry)).toEqual({ ok: true, document, warnings: [] });
  });

  it('refuse a damaged link without throwing, and ignore addresses that carry none', async () => {
    expect(await readShareLink('#workflow=not-really', registry)).toMatchObject({ ok: false });
    expect(await readShareLink('#somewhere', registry)).toBeUndefined();
  });
});
