/**
 * Compare takes in real Chromium: three Local motion takes of a Sample image (a push in, a still
 * hold, and a push in on a different image) run through the app into Compare with the image as
 * source. The push in ranks first with no fault; the still hold is static, the other image strays
 * from the source; the best ranked take is passed on; the viewer shows the takes with their
 * verdicts, the explained scores and weights, how the Overall is made, and the curves; a weight
 * changed in the viewer sets the node's Weights; clicking a take picks it through the editor
 * (undoable), and the re-run passes that take.
 *
 * Through the metrics page (bench/pages/metrics): WebGPU SSIM agrees with the CPU path, and clips
 * made by native ffmpeg, decoded frame by frame by the browser as the Compare node reads them,
 * score as ffmpeg's own ssim and psnr filters score the same files; their sound decodes to the
 * loudness it was made at.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { WorkflowDocument, WorkflowNode } from '../../src/engine';
import { parseReport, type CompareReport } from '../../src/metrics/report';
import { GPU_CPU_SSIM_DIFF } from '../../src/metrics/ssim-gpu';
import { fileURLToPath } from 'node:url';
import { servePage } from './serve-page';
import type { MetricsBench } from '../../bench/pages/metrics/main';
import { runAndWait } from './app';
import { sharedBrowser, screenshot, watchErrors } from './chromium';
import { motionGraph } from './graphs';
import { assetRef, type TestAsset } from './run-graph';
import { WORKFLOW_FORMAT, WORKFLOW_VERSION } from '../../src/engine';

const take = (id: string, x: number, params: Record<string, unknown>): WorkflowNode => ({
  id,
  type: 'generate.local',
  version: 1,
  position: { x: 400, y: x },
  params: { move: 'push-in', intensity: 0.5, easing: 'ease-in-out', duration: 1, fps: '30', resolution: 'source', handheld: 0, seed: 0, ...params },
});

/** image -> motion (push in, take 1), image -> still (take 2), other image -> wrong (take 3), all -> compare. */
const graph: WorkflowDocument = motionGraph('compare-test', {
  motion: { duration: 1 },
  nodes: [
    take('still', 200, { move: 'none' }),
    { id: 'other', type: 'image.sample', version: 1, position: { x: 0, y: 400 }, params: { aspect: '16:9', height: 360, seed: 99 } },
    take('wrong', 400, {}),
    { id: 'compare', type: 'analyse.compare', version: 1, position: { x: 800, y: 0 }, params: { pick: 0 } },
  ],
  edges: [
    { id: 'e-still', source: 'image', sourcePort: 'image', target: 'still', targetPort: 'image' },
    { id: 'e-other', source: 'other', sourcePort: 'image', target: 'wrong', targetPort: 'image' },
    { id: 't1', source: 'motion', sourcePort: 'video', target: 'compare', targetPort: 'takes' },
    { id: 't2', source: 'still', sourcePort: 'video', target: 'compare', targetPort: 'takes' },
    { id: 't3', source: 'wrong', sourcePort: 'video', target: 'compare', targetPort: 'takes' },
    { id: 'src', source: 'image', sourcePort: 'image', target: 'compare', targetPort: 'source' },
  ],
});

let browser: Browser;
let page: Page;
let errors: string[];

beforeAll(async () => {
  browser = await sharedBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  errors = watchErrors(page);
  await page.goto(inject('baseUrl'));
  await page.locator('[data-node-id="image"]').waitFor();
  await page.evaluate((g) => (globalThis as any).stillmotion.documents.replace(g), graph);
  await page.locator('[data-node-id="compare"]').waitFor();
});

afterAll(async () => {
  await browser?.close();
});

/** The compare node's state, its report, and which take (by upstream node id) it passed on. */
async function outcome(): Promise<{ state: string; error?: string; report?: CompareReport; pickedFrom?: string }> {
  const raw = await page.evaluate(() => {
    const { runs } = (globalThis as any).stillmotion;
    const compare = runs.node('compare');
    const hash = compare?.outputs?.pick?.hash;
    const pickedFrom = ['motion', 'still', 'wrong'].find((id) => runs.node(id)?.outputs?.video?.hash === hash);
    return { state: compare?.state, error: compare?.error, report: compare?.outputs?.report, pickedFrom };
  });
  return { ...raw, report: raw.report ? parseReport(raw.report) : undefined };
}

describe('Compare takes', () => {
  it('ranks the push in first, says the still hold is static and the other picture strays, and passes the best on', async () => {
    await runAndWait(page, () => page.getByRole('button', { name: 'Run', exact: true }).click());
    const { state, error, report, pickedFrom } = await outcome();
    expect(error).toBeUndefined();
    expect(state).toBe('done');
    expect(report).toBeDefined();
    console.log('compare report', JSON.stringify({ ranking: report!.ranking, takes: report!.takes.map((t) => ({ total: t.total, ...t.values })) }));
    expect(report!.reference).toBe('source');
    expect(report!.ranking).toHaveLength(3);
    expect(report!.ranking[0]).toBe(0);
    const [push, still, wrong] = report!.takes;
    // Following the push in, its frames match the source as well as the still's do.
    expect(push!.values.identity).toBeGreaterThan(0.98);
    expect(still!.values.identity).toBeGreaterThan(0.98);
    expect(wrong!.values.identity).toBeLessThan(0.9);
    expect(push).toMatchObject({ rank: 1, total: 1, verdict: { text: 'no visible fault' }, camera: { move: 'push-in' } });
    expect(still!.verdict).toMatchObject({ fault: 'motion', text: 'static: no motion' });
    expect(wrong!.verdict).toMatchObject({ fault: 'identity' });
    expect(still!.rank).toBeGreaterThan(1);
    expect(wrong!.rank).toBeGreaterThan(1);
    expect(push!.curves.identity).toHaveLength(30);
    expect(report!.pickedBy).toBe('rank');
    expect(pickedFrom).toBe(['motion', 'still', 'wrong'][report!.ranking[0]!]);
  });

  it('shows the takes with their verdicts, the scores with one line each, the weights, how the Overall is made, and the curves', async () => {
    await page.locator('[data-node-id="compare"]').click();
    const view = page.locator('.compare-view');
    await view.waitFor();
    await expect.poll(() => view.locator('.compare-cell video').count()).toBe(3);
    await expect.poll(() => view.locator('.compare-cell[data-take="2"] .take-verdict').textContent()).toBe('static: no motion');
    expect(await view.locator('.compare-scores .score-explain').count()).toBeGreaterThanOrEqual(15);
    expect(await view.locator('.overall-explain').textContent()).toMatch(/weighted mean of the marks \(weights: Identity 3, /);
    expect(await view.locator('.compare-curve polyline').count()).toBe(21);
    // A weight changed in the viewer is the node's Weights param, undoable like any edit.
    // Absent from the saved params until set: the default, no weights changed.
    const weightsParam = () => page.evaluate(() => (globalThis as any).stillmotion.documents.node('compare').params.weights ?? '');
    await view.getByLabel('Weight of Motion').fill('4');
    await expect.poll(weightsParam).toBe('motion=4');
    await page.evaluate(() => (globalThis as any).stillmotion.documents.undo());
    await expect.poll(weightsParam).toBe('');
    await view.getByRole('button', { name: 'Next frame' }).click();
    await expect.poll(() => view.locator('.frame-counter').textContent()).toBe('2/30');
    await screenshot(page, 'compare-grid');
    // 1:1 shows each take at its own pixel size (640x360 here), scrolled rather than scaled.
    await view.getByLabel('1:1').check();
    await expect.poll(() => view.locator('.compare-cell video').first().evaluate((v) => v.getBoundingClientRect().width)).toBe(640);
    await view.getByLabel('1:1').uncheck();
    await view.getByRole('button', { name: 'A/B wipe' }).click();
    await view.locator('.compare-wipe video').nth(1).waitFor();
    await screenshot(page, 'compare-wipe');
    await view.getByRole('button', { name: 'Side by side' }).click();
  });

  it('picks a clicked take through the editor (undoable), and the re-run passes it on', async () => {
    const view = page.locator('.compare-view');
    await view.locator('.compare-cell[data-take="3"]').getByRole('button', { name: 'Pick' }).click();
    const pickParam = () => page.evaluate(() => (globalThis as any).stillmotion.documents.node('compare').params.pick);
    expect(await pickParam()).toBe(3);
    await page.evaluate(() => (globalThis as any).stillmotion.documents.undo());
    expect(await pickParam()).toBe(0);
    await page.evaluate(() => (globalThis as any).stillmotion.documents.redo());
    expect(await pickParam()).toBe(3);
    await expect.poll(() => view.locator('.pick-pending').textContent()).toContain('Run again to pass take 3 on');
    await runAndWait(page, () => page.getByRole('button', { name: 'Run', exact: true }).click());
    const { report, pickedFrom } = await outcome();
    expect(report!.pickedBy).toBe('user');
    expect(report!.picked).toBe(2);
    expect(pickedFrom).toBe('wrong');
    await expect.poll(() => view.locator('.compare-cell.picked').getAttribute('data-take')).toBe('3');
    expect(await view.locator('.pick-pending').count()).toBe(0);
    await screenshot(page, 'compare-picked');
    expect(errors).toEqual([]);
  });
});

describe('the metrics page (bench/pages/metrics)', () => {
  let served: Awaited<ReturnType<typeof servePage>>;
  let bench: Page;
  const dir = mkdtempSync(join(tmpdir(), 'stillmotion-compare-'));

  beforeAll(async () => {
    served = await servePage(fileURLToPath(new URL('../../bench/pages/metrics/', import.meta.url)));
    bench = await browser.newPage();
    await bench.goto(served.url);
    await bench.waitForFunction(() => 'metricsBench' in globalThis);
  });

  afterAll(async () => {
    await served?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`computes SSIM on WebGPU as on the CPU, within ${GPU_CPU_SSIM_DIFF} on every plane (sizes with and without partial blocks)`, async () => {
    const adapter = await bench.evaluate(() => (globalThis as unknown as { metricsBench: MetricsBench }).metricsBench.adapter());
    console.log('WebGPU adapter:', adapter);
    expect(adapter).not.toBeNull();
    for (const [width, height, seed] of [[320, 180, 1], [250, 142, 2], [64, 36, 3]] as const) {
      const { gpu, cpu } = await bench.evaluate((a) => (globalThis as unknown as { metricsBench: MetricsBench }).metricsBench.both(a.width, a.height, a.seed), { width, height, seed });
      expect(cpu.all).toBeLessThan(0.99);
      expect(Math.abs(gpu.all - cpu.all)).toBeLessThanOrEqual(GPU_CPU_SSIM_DIFF);
      gpu.planes.forEach((v, i) => expect(Math.abs(v - cpu.planes[i]!)).toBeLessThanOrEqual(GPU_CPU_SSIM_DIFF));
    }
  });

  it('scores clips decoded by the browser as native ffmpeg scores the same files: SSIM within 1e-3, PSNR within 0.05 dB, every frame', async () => {
    const clip = (name: string, filter: string, audio: boolean) => {
      const file = join(dir, `${name}.mp4`);
      const sound = audio ? ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=1', '-c:a', 'libopus', '-b:a', '96k'] : [];
      execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=320x180:rate=30:duration=1,${filter},format=yuv420p`, ...sound, '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '30', '-shortest', file]);
      return file;
    };
    const a = clip('a', 'null', true);
    const b = clip('b', 'noise=alls=16:allf=t', false);
    const native = (filter: 'ssim' | 'psnr') => {
      const stats = join(dir, `${filter}.log`);
      execFileSync('ffmpeg', ['-v', 'error', '-i', a, '-i', b, '-lavfi', `[0:v][1:v]${filter}=stats_file=${stats}`, '-f', 'null', '-']);
      const key = filter === 'ssim' ? /All:([\d.]+)/ : /psnr_avg:([\d.]+|inf)/;
      return readFileSync(stats, 'utf8').trim().split('\n').map((line) => Number(key.exec(line)![1]));
    };
    const bytes = (file: string) => [...readFileSync(file)];
    const ours = await bench.evaluate((c) => (globalThis as unknown as { metricsBench: MetricsBench }).metricsBench.decodedScores(c.a, c.b), { a: bytes(a), b: bytes(b) });
    const [ssim, psnr] = [native('ssim'), native('psnr')];
    expect(ours.ssim).toHaveLength(30);
    expect(ssim).toHaveLength(30);
    ours.ssim.forEach((v, i) => expect(Math.abs(v - ssim[i]!)).toBeLessThan(1e-3));
    ours.psnr.forEach((v, i) => expect(Math.abs(v - psnr[i]!)).toBeLessThan(0.05));

    // ffmpeg's sine source plays at 1/8 of full scale: RMS 20 log10(0.125 / sqrt 2) = -21.07 dBFS.
    const audio = await bench.evaluate((c) => (globalThis as unknown as { metricsBench: MetricsBench }).metricsBench.decodedAudio(c), bytes(a));
    expect(audio).not.toBeNull();
    expect(audio!.seconds).toBeGreaterThan(0.9);
    expect(Math.abs(audio!.loudness - -21.07)).toBeLessThan(0.5);
    expect(await bench.evaluate((c) => (globalThis as unknown as { metricsBench: MetricsBench }).metricsBench.decodedAudio(c), bytes(b))).toBeNull();
  });
});

describe('Compare takes on files made elsewhere', () => {
  it('reads an untagged H.264 take as BT.601, as ffmpeg made it, not as the BT.709 Chromium labels its frames', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stillmotion-compare-colour-'));
    const asset = (name: string, mime: string): TestAsset => ({ path: join(dir, name), name, mime });
    const source = asset('source.png', 'image/png');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=640x360', '-frames:v', '1', source.path]);
    // The same still as H.264 twice: untagged (swscale's default matrix, BT.601), and BT.709 tagged so.
    const still = ['-v', 'error', '-y', '-loop', '1', '-i', source.path, '-t', '1', '-r', '30', '-c:v', 'libx264', '-crf', '10', '-pix_fmt', 'yuv420p'];
    const untagged = asset('untagged.mp4', 'video/mp4');
    const tagged = asset('bt709.mp4', 'video/mp4');
    execFileSync('ffmpeg', [...still, untagged.path]);
    const bt709 = ['-vf', 'scale=out_color_matrix=bt709:out_range=tv', '-colorspace', 'bt709', '-color_primaries', 'bt709', '-color_trc', 'bt709', '-color_range', 'tv'];
    execFileSync('ffmpeg', [...still, ...bt709, tagged.path]);
    const input = (id: string, file: TestAsset, type: string, y: number): WorkflowNode => ({ id, type, version: 1, position: { x: 0, y }, params: { file: assetRef(file) } });
    const document: WorkflowDocument = {
      format: WORKFLOW_FORMAT,
      version: WORKFLOW_VERSION,
      id: 'compare-colour',
      name: 'compare-colour',
      nodes: [
        input('source', source, 'image.input', 0),
        input('untagged', untagged, 'video.input', 200),
        input('tagged', tagged, 'video.input', 400),
        { id: 'compare', type: 'analyse.compare', version: 1, position: { x: 800, y: 0 }, params: { pick: 0 } },
      ],
      edges: [
        { id: 's', source: 'source', sourcePort: 'image', target: 'compare', targetPort: 'source' },
        { id: 't1', source: 'untagged', sourcePort: 'video', target: 'compare', targetPort: 'takes' },
        { id: 't2', source: 'tagged', sourcePort: 'video', target: 'compare', targetPort: 'takes' },
      ],
    };
    const files = [source, untagged, tagged].map(({ name, mime, path }) => ({ name, mime, data: readFileSync(path).toString('base64') }));
    const raw = await page.evaluate(
      async ({ document, files }) => {
        const { engine, documents } = (globalThis as any).stillmotion;
        for (const { name, mime, data } of files) await engine.putAsset(new Blob([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], { type: mime }), name);
        documents.replace(document);
        return (await engine.run(document, { onEvents: () => undefined }).done).nodes.compare as { state: string; error?: string; outputs?: { report: string } };
      },
      { document, files },
    );
    expect(raw.error).toBeUndefined();
    const report = parseReport(raw.outputs!.report)!;
    const [fromUntagged, fromTagged] = report.takes.map((t) => t.values);
    console.log(`colour score: untagged ${fromUntagged!.colour}, BT.709 tagged ${fromTagged!.colour}; identity ${fromUntagged!.identity}, ${fromTagged!.identity}`);
    // Read as BT.709, the untagged take scored colour 11.09 and identity 0.948: a colour fault that is not there.
    for (const take of [fromUntagged!, fromTagged!]) {
      expect(take.colour).toBeLessThan(1);
      expect(take.identity).toBeGreaterThan(0.99);
    }
  });
});
