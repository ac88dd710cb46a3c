/**
 * Compare picks the take a person would pick in the built app, as it does in Node. The takes with
 * known faults that native ffmpeg makes from one still (test/metrics/takes.ts) go into the app as
 * Video inputs, the still as an Image input, and through two Compare nodes (a Compare holds nine
 * takes): the clean push-in with eight faulty takes, and with the other four and the four takes
 * without a fault. In each, the clean take ranks first and each faulty take below it with its
 * fault named; every score equals what the same code computes in Node on the same files. A third
 * Compare is wired a prompt that asks for a pan: the push-in is called the wrong move.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WORKFLOW_FORMAT, WORKFLOW_VERSION, type WorkflowDocument, type WorkflowEdge, type WorkflowNode } from '../../src/engine';
import { parseReport, scoreValues, type CompareReport } from '../../src/metrics';
import { FAULTY, faultyTakes, GOOD, scoreInNode } from '../metrics/takes';
import { sharedBrowser, watchErrors } from './chromium';
import { assetRef, type TestAsset } from './run-graph';

const files = faultyTakes();
const still: TestAsset = { path: files.still, name: 'still.png', mime: 'image/png' };
const video = (path: string): TestAsset => ({ path, name: basename(path), mime: 'video/mp4' });

/** Each Compare's takes, in wiring order, by name. */
const COMPARES = {
  first: ['clean', ...FAULTY.slice(0, 8).map((t) => t.name)],
  second: ['clean', ...FAULTY.slice(8).map((t) => t.name), ...GOOD.map((t) => t.name)],
};
const fileOf = (name: string) => (name === 'clean' ? files.clean : (files.faulty[name] ?? files.good[name]!));

function graph(): WorkflowDocument {
  const names = [...new Set(Object.values(COMPARES).flat())];
  const nodes: WorkflowNode[] = [
    { id: 'still', type: 'image.input', version: 1, position: { x: 0, y: 0 }, params: { file: assetRef(still) } },
    ...names.map((name, i) => ({ id: name, type: 'video.input', version: 1, position: { x: 0, y: 100 * (i + 1) }, params: { file: assetRef(video(fileOf(name))) } })),
    ...[...Object.keys(COMPARES), 'asked'].map((id, i) => ({ id, type: 'analyse.compare', version: 1, position: { x: 500, y: 400 * i }, params: { pick: 0 } })),
    { id: 'prompt', type: 'text.prompt', version: 1, position: { x: 0, y: -100 }, params: { text: 'Slow pan to the left across the hills' } },
  ];
  const edges: WorkflowEdge[] = Object.entries(COMPARES).flatMap(([compare, takes]) => [
    ...takes.map((name) => ({ id: `${compare}-${name}`, source: name, sourcePort: 'video', target: compare, targetPort: 'takes' })),
    { id: `${compare}-source`, source: 'still', sourcePort: 'image', target: compare, targetPort: 'source' },
  ]);
  edges.push(
    { id: 'asked-clean', source: 'clean', sourcePort: 'video', target: 'asked', targetPort: 'takes' },
    { id: 'asked-source', source: 'still', sourcePort: 'image', target: 'asked', targetPort: 'source' },
    { id: 'asked-prompt', source: 'prompt', sourcePort: 'text', target: 'asked', targetPort: 'prompt' },
  );
  return { format: WORKFLOW_FORMAT, version: WORKFLOW_VERSION, id: 'compare-faults', name: 'compare-faults', nodes, edges };
}

let browser: Browser;
let reports: Record<string, CompareReport>;

beforeAll(async () => {
  browser = await sharedBrowser();
  const page = await browser.newPage();
  const errors = watchErrors(page);
  await page.goto(inject('baseUrl'));
  await page.locator('[data-node-id="image"]').waitFor();
  const assets = [still, ...Object.values(COMPARES).flat().map((name) => video(fileOf(name)))];
  const texts = await page.evaluate(
    async ({ document, assets }) => {
      const { engine } = (globalThis as any).stillmotion;
      for (const { name, mime, data } of assets) await engine.putAsset(new Blob([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], { type: mime }), name);
      const summary = await engine.run(document, { onEvents: () => {} }).done;
      return Object.fromEntries(['first', 'second', 'asked'].map((id) => [id, summary.nodes[id]?.outputs?.report ?? summary.nodes[id]?.error ?? summary.status]));
    },
    { document: graph(), assets: assets.map(({ name, mime, path }) => ({ name, mime, data: readBase64(path) })) },
  );
  reports = Object.fromEntries(Object.entries(texts).map(([id, text]) => [id, parseReport(String(text)) ?? expect.fail(`Compare ${id} gave no report: ${String(text)}`)]));
  expect(errors).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
});

describe('Compare in the built app', () => {
  for (const [id, names] of Object.entries(COMPARES)) {
    it(`${id} Compare: the clean push-in ranks first, alone; each faulty take below it names its fault`, () => {
      const report = reports[id]!;
      console.log(names.map((name, i) => `${report.takes[i]!.rank}. ${name} ${report.takes[i]!.total}: ${report.takes[i]!.verdict.text}`).join('\n'));
      // Takes without a fault tie with it; the pick is one of them.
      expect(report.takes[0]).toMatchObject({ rank: 1, total: 1, verdict: { text: 'no visible fault' } });
      expect(report.takes[report.picked]!.rank).toBe(1);
      names.forEach((name, i) => {
        const fault = FAULTY.find((t) => t.name === name);
        if (!fault) return;
        expect(report.takes[i]!.rank, name).toBeGreaterThan(1);
        expect(report.takes[i]!.verdict.fault, name).toBe(fault.fault);
        expect(report.takes[i]!.verdict.text, name).toMatch(fault.says);
      });
      expect(report.overall.explain).toMatch(/weighted mean of the marks/);
    });
  }

  it('checks the camera move the wired prompt asks for: the push-in is not the pan asked for', () => {
    const { request, takes } = reports.asked!;
    expect(request).toEqual({ move: 'pan-left', from: 'prompt' });
    expect(takes[0]!.verdict).toEqual({ fault: 'camera', text: 'wrong camera move: push in, asked to pan left' });
  });

  it('scores every take as Node does on the same files', () => {
    for (const [id, names] of Object.entries(COMPARES)) {
      names.forEach((name, i) => {
        const node = scoreValues(scoreInNode(fileOf(name), files.still), 'any');
        const browser = reports[id]!.takes[i]!.values;
        for (const [score, value] of Object.entries(node)) expect(browser[score as keyof typeof browser], `${name} ${score}`).toBeCloseTo(value, 3);
      });
    }
  });
});

function readBase64(path: string): string {
  return readFileSync(path).toString('base64');
}
