/**
 * Project bundles as someone else hands them over: a bundle says nothing it is trusted on. Only the
 * workflow and the files it refers to are inflated, never past their declared (and checked) sizes.
 */
import { deflateSync, strToU8, zipSync, type Zippable } from 'fflate';
import { describe, expect, it } from 'vitest';
import { assetRefs, makeBundle, readBundle } from '../../src/editor/bundle';
import { hashBytes, MemoryAssets, WORKFLOW_FORMAT, WORKFLOW_VERSION, type AssetRef, type WorkflowDocument } from '../../src/engine';
import { createRegistry } from '../../src/nodes';

const registry = createRegistry();
const MiB = 1024 ** 2;

function imageWorkflow(ref: AssetRef): WorkflowDocument {
  return {
    format: WORKFLOW_FORMAT,
    version: WORKFLOW_VERSION,
    id: 'w',
    name: 'Bundled',
    nodes: [{ id: 'input-1', type: 'image.input', version: 1, position: { x: 0, y: 0 }, params: { file: ref } }],
    edges: [],
  };
}

const bundleOf = (entries: Zippable) => new Blob([zipSync(entries) as BufferSource]);
const workflowEntry = (document: WorkflowDocument) => strToU8(JSON.stringify(document));

/** Bytes of memory held by ArrayBuffers now (what a zip bomb fills). */
const held = () => process.memoryUsage().arrayBuffers;

/** Rewrites entry `name`'s declared uncompressed size, in its local header and in the central directory. */
function declare(zip: Uint8Array, name: string, size: number): Uint8Array {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const named = (at: number, length: number) => new TextDecoder().decode(zip.subarray(at, at + length)) === name;
  for (let at = 0; at + 46 <= zip.length; at++) {
    const signature = view.getUint32(at, true);
    if (signature === 0x04034b50 && named(at + 30, view.getUint16(at + 26, true))) view.setUint32(at + 22, size, true);
    if (signature === 0x02014b50 && named(at + 46, view.getUint16(at + 28, true))) view.setUint32(at + 24, size, true);
  }
  return zip;
}

describe('a project bundle', () => {
  it('carries the workflow and its files, and reads back into a store that never had them', async () => {
    const picture = new Blob([new Uint8Array(5000).map((_, i) => i % 251)], { type: 'image/png' });
    const source = new MemoryAssets();
    const ref = await source.put(picture, 'coast.png');
    const { file, missing } = await makeBundle(imageWorkflow(ref), registry, source);
    expect(missing).toEqual([]);
    const target = new MemoryAssets();
    const read = await readBundle(file, registry, target);
    expect(read).toMatchObject({ ok: true, warnings: [], document: { name: 'Bundled' } });
    expect(new Uint8Array(await (await target.get(ref.hash))!.arrayBuffer())).toEqual(new Uint8Array(await picture.arrayBuffer()));
  });

  it('never inflates a file the workflow does not use: 64 MiB of zeros beside it cost no memory', async () => {
    const bomb = deflateSync(new Uint8Array(64 * MiB), { level: 9 });
    const zip = bundleOf({ 'workflow.stillmotion.json': workflowEntry(imageWorkflow({ hash: 'a'.repeat(64), name: 'x.png', mime: 'image/png', size: 1 })), 'junk.bin': [new Uint8Array(64 * MiB), { level: 9 }] });
    expect(zip.size).toBeLessThan(bomb.length * 2);
    const before = held();
    const read = await readBundle(zip, registry, new MemoryAssets());
    expect(held() - before).toBeLessThan(16 * MiB);
    expect(read).toMatchObject({ ok: true, warnings: [{ path: '', message: '1 other file in the bundle is not used by the workflow and was not read' }] });
  });

  it('refuses a file the workflow uses that claims to inflate far beyond its compressed size, before inflating it', async () => {
    const zeros = new Uint8Array(64 * MiB);
    const ref: AssetRef = { hash: await hashBytes(zeros), name: 'huge.png', mime: 'image/png', size: zeros.length };
    const zip = bundleOf({ 'workflow.stillmotion.json': workflowEntry(imageWorkflow(ref)), [`assets/${ref.hash}`]: [zeros, { level: 9 }] });
    const before = held();
    const read = await readBundle(zip, registry, new MemoryAssets());
    expect(held() - before).toBeLessThan(16 * MiB);
    expect(read).toMatchObject({ ok: false, errors: [{ path: `assets/${ref.hash}`, message: expect.stringMatching(/claims to inflate \d+ times over, as no media file does; nothing was imported$/) }] });
  });

  it('stops inflating a file that gives more than it declares, importing nothing', async () => {
    const ref: AssetRef = { hash: 'b'.repeat(64), name: 'liar.png', mime: 'image/png', size: 4000 };
    const zip = declare(zipSync({ 'workflow.stillmotion.json': [workflowEntry(imageWorkflow(ref)), { level: 0 }], [`assets/${ref.hash}`]: [new Uint8Array(64 * MiB), { level: 9 }] }), `assets/${ref.hash}`, 4000);
    const assets = new MemoryAssets();
    const before = held();
    const read = await readBundle(new Blob([zip as BufferSource]), registry, assets);
    expect(held() - before).toBeLessThan(16 * MiB);
    expect(read).toMatchObject({ ok: false, errors: [{ message: expect.stringContaining(`assets/${ref.hash} inflates to more than the 4000 bytes it declares`) }] });
    expect(await assets.get(ref.hash)).toBeUndefined();
  });

  it('refuses a workflow entry that would inflate past the size any workflow has', async () => {
    const zip = declare(zipSync({ 'workflow.stillmotion.json': [new Uint8Array(1000), { level: 9 }] }), 'workflow.stillmotion.json', 200 * MiB);
    expect(await readBundle(new Blob([zip as BufferSource]), registry, new MemoryAssets())).toEqual({
      ok: false,
      errors: [{ path: 'workflow.stillmotion.json', message: 'would inflate to 200.0 MiB, over the 64.0 MiB allowed' }],
    });
  });

  it('refuses a file whose declared size is not the size the workflow gives it', async () => {
    const bytes = new Uint8Array(3000).fill(7);
    const ref: AssetRef = { hash: await hashBytes(bytes), name: 'p.png', mime: 'image/png', size: 2999 };
    const read = await readBundle(bundleOf({ 'workflow.stillmotion.json': workflowEntry(imageWorkflow(ref)), [`assets/${ref.hash}`]: [bytes, { level: 0 }] }), registry, new MemoryAssets());
    expect(read).toMatchObject({ ok: false, errors: [{ message: `assets/${ref.hash} in the bundle declares 3000 bytes, but "p.png" is 2999; nothing was imported` }] });
  });

  it('names the files a workflow uses, once each', () => {
    const ref: AssetRef = { hash: 'c'.repeat(64), name: 'a.png', mime: 'image/png', size: 1 };
    const document = imageWorkflow(ref);
    document.nodes.push({ ...document.nodes[0]!, id: 'input-2', params: { file: { ...ref, name: 'same bytes, other name.png' } } });
    expect(assetRefs(document, registry).map((r) => r.hash)).toEqual([ref.hash]);
  });
});
