/**
 * What `stillmotion run --dry-run` finds before anything is paid, with the node definitions' own
 * rules: keys per provider, files the workflow uses, wires, params and refusals, a hand-set pick.
 */
import { describe, expect, it } from 'vitest';
import { findBatchSlot, type BatchSlot } from '../../src/batch/batch';
import { preflight } from '../../src/cli/preflight';
import { WORKFLOW_FORMAT, WORKFLOW_VERSION, type WorkflowDocument, type WorkflowNode } from '../../src/engine';
import { createRegistry } from '../../src/nodes';

const registry = createRegistry();
const music = { hash: 'a'.repeat(64), name: 'music.wav', mime: 'audio/wav', size: 10 };

function workflow(nodes: WorkflowNode[], wired: [string, string, string, string][]): WorkflowDocument {
  return {
    format: WORKFLOW_FORMAT,
    version: WORKFLOW_VERSION,
    id: 'w',
    name: 'w',
    nodes: [{ id: 'photos', type: 'image.batch', version: 1, position: { x: 0, y: 0 }, params: {} }, ...nodes],
    edges: wired.map(([source, sourcePort, target, targetPort]) => ({ id: `${source}-${target}-${targetPort}`, source, sourcePort, target, targetPort })),
  };
}

const node = (id: string, type: string, params: Record<string, unknown> = {}): WorkflowNode => ({ id, type, version: 1, position: { x: 0, y: 0 }, params });

async function check(document: WorkflowDocument, env: NodeJS.ProcessEnv = {}, files = new Map()) {
  const slot = findBatchSlot(document, registry) as BatchSlot;
  return preflight({ document, registry, slot, files, env, photos: [], workflowPath: 'w.stillmotion.json' });
}

describe('the dry run finds', () => {
  it('each provider whose key is missing, once, with every variable it needs and the nodes that use it', async () => {
    const kling = (id: string, route: string) => node(id, 'generate.video', { model: 'kling-v3', route, resolution: '1080p', aspectRatio: 'auto', prompt: id });
    const document = workflow(
      [kling('a', 'kling'), kling('b', 'kling'), kling('c', 'fal')],
      [['photos', 'image', 'a', 'image'], ['photos', 'image', 'b', 'image'], ['photos', 'image', 'c', 'image']],
    );
    const { problems } = await check(document, { KLING_ACCESS_KEY: 'ak', FAL_KEY: 'f' });
    expect(problems).toEqual(['Kling has no key: set KLING_SECRET_KEY in the environment (used by Generate video (a), Generate video (b))']);
  });

  it('a required input with no wire, a value the model does not offer, and a prompt the model requires', async () => {
    const document = workflow(
      [node('gen', 'generate.video', { model: 'runway-gen-4.5', route: 'runway', duration: '5', resolution: '1080p' }), node('loose', 'video.upscale')],
      [['photos', 'image', 'gen', 'image']],
    );
    const { problems } = await check(document, { RUNWAYML_API_SECRET: 'k' });
    expect(problems).toEqual([
      expect.stringMatching(/^Generate video \(gen\): params\.resolution: Resolution "1080p" is not offered here; choose 720p$/),
      'Upscale video (loose): input "Video" (video, video) is not connected',
    ]);
    const refused = await check(workflow([node('gen', 'generate.video', { model: 'runway-gen-4.5', route: 'runway', duration: '5', resolution: '720p' })], [['photos', 'image', 'gen', 'image']]), { RUNWAYML_API_SECRET: 'k' });
    expect(refused.problems).toEqual([expect.stringMatching(/^Generate video \(gen\): Runway Gen-4\.5 on Runway needs a prompt and refuses to run without one/)]);
  });

  it('a file the workflow uses that neither the workflow file nor --asset carries, saying how to give it', async () => {
    const document = workflow([node('music', 'audio.input', { file: music }), node('clip', 'video.input')], []);
    const { problems } = await check(document);
    expect(problems).toEqual([
      'Audio input (music) uses "music.wav", which w.stillmotion.json does not carry: run the bundle the editor exports (.stillmotion.zip), or give the file with --asset music=PATH',
      'Video input (clip) has no file: give one with --asset clip=PATH',
    ]);
    expect((await check(document, {}, new Map([[music.hash, { ref: music, bytes: new Uint8Array(10) }]]))).problems).toEqual(['Video input (clip) has no file: give one with --asset clip=PATH']);
  });

  it('a Compare whose pick was fixed by hand, as a warning: the run goes on, but every photo gets that take', async () => {
    const result = await check(workflow([node('cmp', 'analyse.compare', { pick: 2 }), node('motion', 'generate.local')], [['photos', 'image', 'motion', 'image'], ['motion', 'video', 'cmp', 'takes']]));
    expect(result.problems).toEqual([]);
    expect(result.warnings).toEqual([expect.stringMatching(/^Compare takes \(cmp\) passes take 2 on for every photo, whatever the scores/)]);
  });
});
