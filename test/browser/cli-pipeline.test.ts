/**
 * `stillmotion run` runs what the editor runs: the mission pipeline (photo -> Generate video on
 * two models -> Compare -> Upscale video -> Audio mux -> Export) from a bundle carrying its music,
 * against local fal and Replicate servers through the Stillmotion server's relay; every node type
 * the editor offers, in one workflow; a node failing after the generations loses neither take;
 * and a dry run that names what would fail before anything is paid.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBundle } from '../../src/editor/bundle';
import { MemoryAssets, WORKFLOW_FORMAT, WORKFLOW_VERSION, type AssetRef, type WorkflowDocument, type WorkflowEdge, type WorkflowNode } from '../../src/engine';
import { builtinNodes, createRegistry } from '../../src/nodes';
import { testVideo } from '../providers/fixtures';
import type { FakeProvider } from '../providers/kit';
import { fakeFal } from '../providers/servers/fal';
import { fakeReplicate } from '../providers/servers/replicate';
import { cli, photoFolder } from '../support/cli';

let dir: string;
let fal: FakeProvider;
let replicate: FakeProvider;
let music: { ref: AssetRef; path: string };

const KEYS = { FAL_KEY: 'fal-key', REPLICATE_API_TOKEN: 'r8-key' };
const endpoint = (id: string, fake: FakeProvider) => `${id}=${[fake.url, ...fake.upstream().keyed.slice(1), ...fake.upstream().open].join(',')}`;
const relayed = () => ['--endpoint', endpoint('fal', fal), '--endpoint', endpoint('replicate', replicate), '--settings', settings()];

function settings(): string {
  const path = join(dir, 'settings.json');
  writeFileSync(path, JSON.stringify({ timing: { pollMs: 50, maxPollMs: 100, requestTimeoutMs: 5000, deadlineMs: 60_000 } }));
  return path;
}

function node(id: string, type: string, params: Record<string, unknown> = {}): WorkflowNode {
  return { id, type, version: 1, position: { x: 0, y: 0 }, params };
}

function wire(source: string, target: string, targetPort: string, sourcePort = 'video'): WorkflowEdge {
  return { id: `${source}-${target}-${targetPort}`, source, sourcePort, target, targetPort };
}

function documentOf(id: string, nodes: WorkflowNode[], edges: WorkflowEdge[]): WorkflowDocument {
  return { format: WORKFLOW_FORMAT, version: WORKFLOW_VERSION, id, name: id, nodes, edges };
}

/** The mission: one photo, two takes on two models and routes, the better one upscaled, scored, set to music and exported. */
function mission(compareParams: Record<string, unknown> = {}): WorkflowDocument {
  return documentOf(
    'mission',
    [
      node('photos', 'image.batch'),
      node('kling', 'generate.video', { model: 'kling-v2.1-master', route: 'fal', duration: '5', resolution: '1080p', aspectRatio: 'auto', prompt: 'slow push in over the water' }),
      node('hailuo', 'generate.video', { model: 'hailuo-2.3', route: 'replicate', duration: '6', resolution: '768p', aspectRatio: 'auto', prompt: 'slow push in over the water' }),
      node('cmp', 'analyse.compare', compareParams),
      node('up', 'video.upscale', { mode: '2x' }),
      node('music', 'audio.input', { file: music.ref }),
      node('mux', 'audio.mux', { mode: 'replace' }),
      node('export', 'output.export', { format: 'mp4-h264' }),
    ],
    [
      wire('photos', 'kling', 'image', 'image'),
      wire('photos', 'hailuo', 'image', 'image'),
      wire('kling', 'cmp', 'takes'),
      wire('hailuo', 'cmp', 'takes'),
      wire('photos', 'cmp', 'source', 'image'),
      wire('cmp', 'up', 'video', 'pick'),
      wire('up', 'mux', 'video'),
      wire('music', 'mux', 'audio', 'audio'),
      wire('mux', 'export', 'video'),
    ],
  );
}

/** The workflow as the editor's Export bundle writes it: the workflow and its music in one zip. */
async function bundle(document: WorkflowDocument, name: string): Promise<string> {
  const assets = new MemoryAssets();
  await assets.put(new Blob([readFileSync(music.path)], { type: 'audio/wav' }), 'music.wav');
  const { file, missing } = await makeBundle(document, createRegistry(), assets);
  expect(missing).toEqual([]);
  const path = join(dir, `${name}.stillmotion.zip`);
  writeFileSync(path, new Uint8Array(await file.arrayBuffer()));
  return path;
}

/** The workflow as the editor's Export writes it: no files inside. */
function json(document: WorkflowDocument, name: string): string {
  const path = join(dir, `${name}.stillmotion.json`);
  writeFileSync(path, JSON.stringify(document));
  return path;
}

const summaryOf = (out: string) => JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
const ffprobe = (path: string, entries: string) => execFileSync('ffprobe', ['-v', 'error', '-show_entries', entries, '-of', 'csv=p=0', path], { encoding: 'utf8' }).trim();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stillmotion-cli-pipeline-'));
  // Two different takes: the fal one silent, the Replicate one with a tone.
  fal = await fakeFal(testVideo({ seconds: 1 }), KEYS.FAL_KEY).start();
  replicate = await fakeReplicate(testVideo({ seconds: 1, audio: true }), KEYS.REPLICATE_API_TOKEN).start();
  const path = join(dir, 'music.wav');
  execFileSync('ffmpeg', ['-y', '-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=frequency=330:duration=2', '-ar', '48000', path]);
  const bytes = readFileSync(path);
  music = { path, ref: await new MemoryAssets().put(new Blob([bytes], { type: 'audio/wav' }), 'music.wav') };
});
afterAll(async () => {
  await fal?.close();
  await replicate?.close();
});

describe('stillmotion run, the mission pipeline', () => {
  it('runs from the bundle the editor exports, writes both takes, the ranking, the pick and the finished video, whose embedded workflow runs again', async () => {
    const out = join(dir, 'out-mission');
    const result = await cli(['run', await bundle(mission(), 'mission'), '--input', photoFolder(dir, 1, 'mission-photos'), '--out', out, ...relayed()], KEYS);
    expect(result.code, result.err + result.out).toBe(0);
    expect(fal.accepted).toBe(1);
    expect(replicate.accepted).toBe(1);

    const [item] = summaryOf(out).items;
    expect(item.status).toBe('done');
    expect(item.takes).toEqual([
      expect.objectContaining({ node: expect.any(String), model: expect.any(String), route: expect.any(String), costUsd: expect.any(Number), earlier: false }),
      expect.objectContaining({ earlier: false }),
    ]);
    const byNode = Object.fromEntries(item.takes.map((t: { node: string }) => [t.node, t]));
    expect(byNode.kling).toMatchObject({ model: 'kling-v2.1-master', route: 'fal', costUsd: 1.4, file: expect.stringMatching(/photo01-kling-kling-v2\.1-master\.mp4$/) });
    expect(byNode.hailuo).toMatchObject({ model: 'hailuo-2.3', route: 'replicate', file: expect.stringMatching(/photo01-hailuo-hailuo-2\.3\.mp4$/) });
    for (const take of item.takes) expect(readFileSync(take.file).equals(take.node === 'kling' ? testVideo({ seconds: 1 }) : testVideo({ seconds: 1, audio: true }))).toBe(true);

    const [compare] = item.compare;
    expect(compare).toMatchObject({ node: 'cmp', pickedBy: 'rank' });
    expect(compare.ranking.map((r: { take: string }) => r.take).sort()).toEqual([byNode.kling.file, byNode.hailuo.file].sort());
    expect(compare.pick).toBe(compare.ranking[0].take);
    expect(compare.ranking[0]).toMatchObject({ rank: 1, total: expect.any(Number), verdict: expect.any(String), marks: expect.objectContaining({ identity: expect.any(Number) }), scores: expect.objectContaining({ identity: expect.any(Number) }) });

    // The finished video: the pick upscaled 2x, with the bundle's music under it.
    const exported = item.outputs.find((p: string) => p.endsWith('photo01-export.mp4'));
    expect(exported && existsSync(exported)).toBe(true);
    expect(ffprobe(exported, 'stream=codec_type,width,height')).toMatch(/video,640,360[\s\S]*audio/);
    expect(result.out).toMatch(/done {3}photo01\.png \(\$\d+\.\d\d\) · 1 of 1 photos · \$\d+\.\d\d spent, about \$0\.00 left/);

    // The exported video carries its workflow, as the editor reads it back; the music it does not carry is asked for.
    const again = ['run', exported, '--input', photoFolder(dir, 1, 'mission-photos'), '--out', join(dir, 'out-from-video'), '--dry-run'];
    const withoutMusic = await cli(again, KEYS);
    expect(withoutMusic.code, withoutMusic.err).toBe(1);
    expect(withoutMusic.out).toContain('would fail: photo01.png: Audio input (music) uses "music.wav", which');
    const withMusic = await cli([...again, '--asset', `music=${music.path}`], KEYS);
    expect(withMusic.code, withMusic.err + withMusic.out).toBe(0);
    expect(withMusic.out).toContain('Estimated cost: $');
  });

  it('keeps both paid takes on disk and in summary.json when a node after the generations fails; run again, it says what is left to pay', async () => {
    const out = join(dir, 'out-late-failure');
    const photos = photoFolder(dir, 1, 'late-photos');
    const before = { fal: fal.accepted, replicate: replicate.accepted };
    const result = await cli(['run', await bundle(mission({ weights: 'sparkle=3' }), 'late-failure'), '--input', photos, '--out', out, ...relayed()], KEYS);
    expect(result.code, result.err + result.out).toBe(1);
    expect(result.out).toMatch(/FAILED photo01\.png: Compare takes \(cmp\): Weights: /);
    const [item] = summaryOf(out).items;
    expect(item.status).toBe('failed');
    expect(item.takes.map((t: { node: string }) => t.node).sort()).toEqual(['hailuo', 'kling']);
    for (const take of item.takes) expect(existsSync(take.file)).toBe(true);
    expect(item.takes.every((t: { earlier: boolean }) => !t.earlier)).toBe(true);
    expect(item.outputs).toEqual(expect.arrayContaining(item.takes.map((t: { file: string }) => t.file)));
    expect({ fal: fal.accepted - before.fal, replicate: replicate.accepted - before.replicate }).toEqual({ fal: 1, replicate: 1 });

    // Fixed and run again into the same folder: both takes are known, so nothing is left to pay and nothing is sent.
    const again = await cli(['run', await bundle(mission(), 'late-fixed'), '--input', photos, '--out', out, ...relayed()], KEYS);
    expect(again.code, again.err + again.out).toBe(0);
    expect(again.out).toContain('Left to pay: about $0.00 (2 paid generations were made or sent earlier and are not paid again)');
    expect({ fal: fal.accepted - before.fal, replicate: replicate.accepted - before.replicate }).toEqual({ fal: 1, replicate: 1 });
    expect(summaryOf(out).items[0].takes.every((t: { earlier: boolean }) => t.earlier)).toBe(true);
  });

  it('dry run: names a missing key, a missing file and a photo that cannot be opened, per photo, exits 1, and sends nothing', async () => {
    const requests = fal.log.length + replicate.log.length;
    const photos = photoFolder(dir, 2, 'dry-photos');
    writeFileSync(join(photos, 'photo03.png'), '');
    const result = await cli(['run', json(mission(), 'no-music'), '--input', photos, '--out', join(dir, 'out-dry'), '--dry-run'], { FAL_KEY: KEYS.FAL_KEY, REPLICATE_API_TOKEN: '' });
    expect(result.code, result.err).toBe(1);
    for (const photo of ['photo01.png', 'photo02.png', 'photo03.png']) {
      expect(result.out).toContain(`would fail: ${photo}: Replicate has no key: set REPLICATE_API_TOKEN in the environment (used by Generate video (hailuo))`);
      expect(result.out).toContain(`would fail: ${photo}: Audio input (music) uses "music.wav", which`);
    }
    expect(result.out).toContain('would fail: photo03.png: "photo03.png" (unknown type, 0 bytes) is not a readable JPEG, PNG, WebP, AVIF or GIF image: the file is empty');
    expect(result.out).not.toMatch(/would fail: photo0[12]\.png: "photo/);
    expect(result.out).toContain('--asset music=PATH');
    expect(result.out).toContain('3 of 3 photos would fail; nothing was sent.');
    expect(fal.log.length + replicate.log.length).toBe(requests);
  });

  it('dry run: a Compare pick fixed by hand is a warning, and a file given with --asset is typed by its content', async () => {
    const renamed = join(dir, 'music.bin');
    writeFileSync(renamed, readFileSync(music.path));
    const result = await cli(['run', json(mission({ pick: 2 }), 'fixed-pick'), '--input', photoFolder(dir, 1, 'pick-photos'), '--out', join(dir, 'out-pick'), '--dry-run', '--asset', `music=${renamed}`], KEYS);
    expect(result.code, result.out + result.err).toBe(0);
    expect(result.out).toContain('warning: Compare takes (cmp) passes take 2 on for every photo, whatever the scores');
    expect(result.out).toContain('Nothing found that would fail.');
    const wrong = await cli(['run', json(mission(), 'wrong-asset'), '--input', photoFolder(dir, 1, 'pick-photos'), '--out', join(dir, 'out-pick'), '--dry-run', '--asset', `music=${join(dir, 'pick-photos/photo01.png')}`], KEYS);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain('is image/png, and Audio input (music) takes audio/*');
    const photo = await cli(['run', json(mission(), 'photo-asset'), '--input', photoFolder(dir, 1, 'pick-photos'), '--out', join(dir, 'out-pick'), '--dry-run', '--asset', `photos=${join(dir, 'pick-photos/photo01.png')}`], KEYS);
    expect(photo.code).toBe(2);
    expect(photo.err).toContain('--asset photos=...: that node takes the photos, which come from --input, one run each');
  });
});

describe('stillmotion run, every node type', () => {
  it('runs a workflow holding every node type the editor offers', async () => {
    const clip = join(dir, 'clip.mp4');
    writeFileSync(clip, testVideo({ seconds: 1, audio: true }));
    const second = photoFolder(dir, 1, 'second-image');
    const document = documentOf(
      'every-node',
      [
        node('photos', 'image.batch'),
        node('second', 'image.input'),
        node('clip', 'video.input'),
        node('music', 'audio.input'),
        node('sample', 'image.sample', { aspect: '16:9', height: 64 }),
        node('prompt', 'text.prompt', { text: 'slow push in' }),
        node('join', 'text.join'),
        node('up', 'image.upscale'),
        node('motion', 'generate.local', { duration: 1, fps: '24', resolution: 'source' }),
        node('gen', 'generate.video', { model: 'kling-v2.1-master', route: 'fal', duration: '5', resolution: '1080p', aspectRatio: 'auto' }),
        node('trim', 'video.trim', { start: 0, end: 0.5 }),
        node('concat', 'video.concat'),
        node('conform', 'video.conform', { width: 320, height: 180 }),
        node('upv', 'video.upscale', { mode: '2x', backend: 'cpu' }),
        node('frame', 'video.frame', { which: 'first' }),
        node('mux', 'audio.mux', { mode: 'mix' }),
        node('cmp', 'analyse.compare'),
        node('export', 'output.export', { format: 'mp4-h264' }),
      ],
      [
        wire('photos', 'up', 'image', 'image'),
        wire('up', 'gen', 'image', 'image'),
        wire('prompt', 'join', 'parts', 'text'),
        wire('join', 'gen', 'prompt', 'text'),
        wire('sample', 'motion', 'image', 'image'),
        wire('gen', 'trim', 'video'),
        wire('trim', 'concat', 'clips'),
        wire('clip', 'concat', 'clips'),
        wire('concat', 'conform', 'video'),
        wire('conform', 'upv', 'video'),
        wire('upv', 'mux', 'video'),
        wire('music', 'mux', 'audio', 'audio'),
        wire('mux', 'export', 'video'),
        wire('motion', 'frame', 'video'),
        wire('gen', 'cmp', 'takes'),
        wire('motion', 'cmp', 'takes'),
        wire('second', 'cmp', 'source', 'image'),
      ],
    );
    // A node type added to the editor fails this until the workflow above runs it too.
    expect(new Set(document.nodes.map((n) => n.type))).toEqual(new Set(builtinNodes.map((d) => d.type)));

    const out = join(dir, 'out-every-node');
    const assets = ['--asset', `second=${join(second, 'photo01.png')}`, '--asset', `clip=${clip}`, '--asset', `music=${music.path}`];
    const result = await cli(['run', json(document, 'every-node'), '--input', photoFolder(dir, 1, 'every-photos'), '--out', out, ...assets, ...relayed()], KEYS);
    expect(result.code, result.err + result.out).toBe(0);
    const [item] = summaryOf(out).items;
    expect(item.status, item.error).toBe('done');
    expect(item.takes.map((t: { node: string }) => t.node)).toEqual(['gen']);
    expect(item.compare[0].ranking).toHaveLength(2);
    for (const output of item.outputs) expect(existsSync(output), output).toBe(true);
    expect(item.outputs).toEqual(expect.arrayContaining([expect.stringMatching(/photo01-export\.mp4$/), expect.stringMatching(/photo01-frame\.png$/)]));
  });
});
