/** A node is given only the services it declares, and of the keys only those its params send to. */
import { describe, expect, it } from 'vitest';
import { defineNode, Engine, memoryServices, NodeError, NodeRegistry, param, WORKFLOW_FORMAT, WORKFLOW_VERSION, type WorkflowDocument } from '../../src/engine';

/** Reads a key (and the journal) on demand, to see what it is given. */
function reader(declare: boolean) {
  return defineNode({
    type: declare ? 'test.declares' : 'test.silent',
    version: 1,
    title: declare ? 'Declares' : 'Silent',
    category: 'Utility',
    description: 'Reads the key it is asked for.',
    inputs: {},
    outputs: { out: { type: 'text', label: 'Out' } },
    params: { provider: param.text({ label: 'Provider', default: 'fal' }), journal: param.boolean({ label: 'Journal', default: false }) },
    ...(declare ? { services: { journal: true, keys: (p: { provider: string }) => [p.provider] } } : {}),
    async run({ params, secrets, journal }) {
      if (params.journal) await journal.list();
      const found = await secrets.credentials(params.provider === 'both' ? 'runway' : params.provider);
      if (!found) throw new NodeError('no key');
      return { out: found.apiKey };
    },
  });
}

const doc = (type: string, params: Record<string, unknown>): WorkflowDocument => ({
  format: WORKFLOW_FORMAT,
  version: WORKFLOW_VERSION,
  id: 'w',
  name: 'w',
  nodes: [{ id: 'n', type, version: 1, position: { x: 0, y: 0 }, params }],
  edges: [],
});

describe('services a node declares', () => {
  const engine = new Engine({
    registry: new NodeRegistry([reader(true), reader(false)]),
    services: memoryServices({ credentials: { fal: { apiKey: 'fal-key' }, runway: { apiKey: 'runway-key' } } }),
  });

  it('gives the key of the provider its params send to', async () => {
    const summary = await engine.run({ document: doc('test.declares', { provider: 'fal' }) });
    expect(summary.nodes.n).toMatchObject({ state: 'done', outputs: { out: 'fal-key' } });
  });

  it('refuses any other provider’s key, naming the node', async () => {
    const summary = await engine.run({ document: doc('test.declares', { provider: 'both' }) });
    expect(summary.nodes.n).toMatchObject({ state: 'failed', error: 'internal error: Declares used the runway key, which its definition does not declare' });
  });

  it('gives no key and no journal to a node that declares none', async () => {
    expect((await engine.run({ document: doc('test.silent', { provider: 'fal' }) })).nodes.n).toMatchObject({ error: 'internal error: Silent used the fal key, which its definition does not declare' });
    expect((await engine.run({ document: doc('test.silent', { journal: true }) })).nodes.n).toMatchObject({ error: 'internal error: Silent used the journal, which its definition does not declare' });
  });
});
