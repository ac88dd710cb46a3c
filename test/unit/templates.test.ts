/**
 * The templates a creator starts from: each opens through the same loader as a file, with every
 * node wired into the graph, and is ready to run once its files are chosen and its keys set. The
 * checks before Run say exactly that, its card names those keys, and the plan prices its run.
 */
import { describe, expect, it } from 'vitest';
import { checkOf } from '../../src/editor/run-checks';
import { readTemplate, type TemplateCard } from '../../src/editor/templates';
import { Engine, loadWorkflow, type WorkflowDocument } from '../../src/engine';
import { createRegistry } from '../../src/nodes';
import { defaultWorkflow } from '../../src/workflows/default-workflow';
import { TEMPLATES } from '../../src/workflows/templates';

const registry = createRegistry();
const PHOTO = 'Photo: no file chosen: choose one under File';

function card(id: string): TemplateCard {
  const read = readTemplate(TEMPLATES.find((t) => t.id === id)!, registry);
  if (!read.ok) throw new Error(`${id}: ${JSON.stringify(read.errors)}`);
  return read.card;
}

/** Nodes with no wire at all. */
function orphans(document: WorkflowDocument): string[] {
  const wired = new Set(document.edges.flatMap((e) => [e.source, e.target]));
  return document.nodes.filter((n) => !wired.has(n.id)).map((n) => n.id);
}

/** What the editor lists before Run with no key set and nothing in the cache. */
async function checks(document: WorkflowDocument) {
  const plan = await new Engine({ registry }).plan(document);
  return checkOf(plan, document, registry, new Set());
}

describe('templates', () => {
  it('are the six the first hour asks for', () => {
    expect(TEMPLATES.map((t) => t.title)).toEqual([
      'Product photo to clip',
      'Portrait animation',
      'Landscape with sound',
      'Compare models on one photo',
      'Chain clips past 8 s',
      'Offline demo',
    ]);
  });

  it.each(TEMPLATES.map((t) => [t.id]))('%s loads with nothing repaired and no orphan node', (id) => {
    const loaded = loadWorkflow(TEMPLATES.find((t) => t.id === id)!.document(), registry);
    expect(loaded).toMatchObject({ ok: true, warnings: [] });
    expect(orphans(card(id).document)).toEqual([]);
  });

  it.each([
    ['product-photo', [PHOTO, 'Music: no file chosen: choose one under File', 'Seedance 2.0 Fast: fal has no key: add yours in Providers', 'Kling v3: fal has no key: add yours in Providers']],
    ['portrait', [PHOTO, 'Animate: fal has no key: add yours in Providers']],
    ['landscape-sound', [PHOTO, 'Animate with sound: fal has no key: add yours in Providers']],
    ['compare-models', [PHOTO, ...['Seedance 2.0 Fast', 'Kling v3', 'Wan 2.5'].map((t) => `${t}: fal has no key: add yours in Providers`)]],
    ['chain-clips', [PHOTO, 'Shot 1: fal has no key: add yours in Providers', 'Shot 2: fal has no key: add yours in Providers']],
    ['offline-demo', []],
  ])('%s lists before Run only the files to choose and the keys to set', async (id, problems) => {
    const check = await checks(card(id).document);
    expect(check.problems.map((p) => `${p.title}: ${p.text}`)).toEqual(problems);
  });

  it.each([
    ['product-photo', ['fal']],
    ['portrait', ['fal']],
    ['landscape-sound', ['fal']],
    ['compare-models', ['fal']],
    ['chain-clips', ['fal']],
    ['offline-demo', []],
  ])('%s says which keys it needs, and costs money exactly when it needs one', async (id, keys) => {
    const { document, keys: needed } = card(id);
    expect(needed).toEqual(keys);
    const { estimate } = await checks(document);
    expect(estimate.usd > 0).toBe(keys.length > 0);
  });

  it('the offline demo is the graph a first start opens', () => {
    const { document } = card('offline-demo');
    expect(document).toEqual(defaultWorkflow(document.id));
  });
});
