/**
 * A project bundle: the workflow and every file it uses, in one zip, for handing a whole project
 * to someone. Files are stored under their SHA-256, checked again on import, so a damaged bundle
 * is refused rather than half-imported. API keys are never in it: they live in their own store,
 * and a bundle is made from the document and its files only.
 */
import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { hashBytes, loadWorkflow, type AssetRef, type AssetResolver, type AssetStore, type LoadResult, type NodeRegistry, type WorkflowDocument } from '../engine';

export const BUNDLE_SUFFIX = '.stillmotion.zip';
const WORKFLOW_ENTRY = 'workflow.stillmotion.json';
const ASSET_FOLDER = 'assets/';

/** Every file the document's nodes refer to, once each. */
export function assetRefs(document: WorkflowDocument, registry: NodeRegistry): AssetRef[] {
  const refs = new Map<string, AssetRef>();
  for (const node of document.nodes) {
    const params = registry.get(node.type)?.params ?? {};
    for (const [name, spec] of Object.entries(params)) {
      const value = node.params[name];
      if (spec.kind === 'asset' && value) refs.set((value as AssetRef).hash, value as AssetRef);
      if (spec.kind === 'assets' && Array.isArray(value)) for (const ref of value as AssetRef[]) refs.set(ref.hash, ref);
    }
  }
  return [...refs.values()];
}

/** The bundle, and the files it could not include because they are no longer stored. */
export async function makeBundle(document: WorkflowDocument, registry: NodeRegistry, assets: AssetResolver): Promise<{ file: File; missing: AssetRef[] }> {
  const entries: Zippable = { [WORKFLOW_ENTRY]: strToU8(`${JSON.stringify(document, null, 2)}\n`) };
  const missing: AssetRef[] = [];
  for (const ref of assetRefs(document, registry)) {
    const blob = await assets.get(ref.hash);
    // Media is compressed already: stored as is, zipping is a copy, not a slow recompression.
    if (blob) entries[`${ASSET_FOLDER}${ref.hash}`] = [new Uint8Array(await blob.arrayBuffer()), { level: 0 }];
    else missing.push(ref);
  }
  const name = `${document.name.replace(/[^\w\- ]+/g, '').trim() || 'workflow'}${BUNDLE_SUFFIX}`;
  return { file: new File([zipSync(entries)], name, { type: 'application/zip' }), missing };
}

/** Reads a bundle: files into `assets` (each checked against its hash), then the workflow. */
export async function readBundle(file: Blob, registry: NodeRegistry, assets: AssetStore): Promise<LoadResult> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(new Uint8Array(await file.arrayBuffer()));
  } catch (error) {
    return failure(`not a Stillmotion bundle: the zip cannot be read (${error instanceof Error ? error.message : String(error)})`);
  }
  const text = entries[WORKFLOW_ENTRY];
  if (!text) return failure(`not a Stillmotion bundle: it has no ${WORKFLOW_ENTRY}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(strFromU8(text));
  } catch {
    return failure(`${WORKFLOW_ENTRY} in the bundle is not valid JSON`);
  }
  const loaded = loadWorkflow(parsed, registry);
  if (!loaded.ok) return loaded;
  const refs = new Map(assetRefs(loaded.document, registry).map((r) => [r.hash, r]));
  for (const [path, bytes] of Object.entries(entries)) {
    const ref = path.startsWith(ASSET_FOLDER) ? refs.get(path.slice(ASSET_FOLDER.length)) : undefined;
    if (!ref) continue;
    if ((await hashBytes(bytes as BufferSource)) !== ref.hash) return failure(`${path} in the bundle is damaged (its content does not match its hash); nothing was imported`, path);
  }
  for (const ref of refs.values()) {
    const bytes = entries[`${ASSET_FOLDER}${ref.hash}`];
    if (bytes) await assets.put(new Blob([bytes as BufferSource], { type: ref.mime }), ref.name);
  }
  return loaded;
}

function failure(message: string, path = ''): LoadResult {
  return { ok: false, errors: [{ path, message }] };
}
