/**
 * A project bundle: the workflow and every file it uses, in one zip, for handing a whole project
 * to someone. Files are stored under their SHA-256, checked again on import, so a damaged bundle
 * is refused rather than half-imported. API keys are never in it: they live in their own store,
 * and a bundle is made from the document and its files only.
 *
 * Reading one trusts nothing it says: the zip's central directory is read first, and only the
 * workflow and the files it refers to are inflated, each into a buffer of its declared size,
 * which must be within limits and, for a file, the size the workflow gives it. A zip bomb (a
 * small bundle that would inflate to gigabytes) is refused before it costs memory.
 */
import { strFromU8, strToU8, Unzip, UnzipInflate, unzipSync, zipSync, type UnzipFileInfo, type Zippable } from 'fflate';
import { hashBytes, loadWorkflow, type AssetRef, type AssetResolver, type AssetStore, type LoadResult, type NodeRegistry, type WorkflowDocument } from '../engine';

export const BUNDLE_SUFFIX = '.stillmotion.zip';
const WORKFLOW_ENTRY = 'workflow.stillmotion.json';
const ASSET_FOLDER = 'assets/';
/** The most a bundle's workflow may inflate to (a 20,000-node workflow is about 4 MB). */
const MAX_WORKFLOW_BYTES = 64 * 1024 ** 2;
/** The most one file, and all files together, may inflate to. */
const MAX_FILE_BYTES = 2 * 1024 ** 3;
const MAX_TOTAL_BYTES = 4 * 1024 ** 3;
/**
 * How much more than its compressed size a compressed file may declare: media is compressed
 * already (a bundle stores it as is), so a file that claims to shrink 32 times is a bomb.
 */
const MAX_RATIO = 32;
/**
 * Fed to the inflater a slice at a time, so no entry inflates far past what it declared: deflate
 * expands at most about 1,000 times, so a slice gives at most about 4 MiB.
 */
const SLICE_BYTES = 4 * 1024;
/** A file this small may claim any ratio (a tiny file can shrink a lot, and costs nothing). */
const RATIO_FLOOR = 1024 ** 2;
/** fflate inflates stored (0) and deflated (8) entries; anything else is refused up front. */
const METHODS = new Set([0, 8]);

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
  let zip: Uint8Array;
  let listing: UnzipFileInfo[];
  try {
    zip = new Uint8Array(await file.arrayBuffer());
    listing = centralDirectory(zip);
  } catch (error) {
    return failure(`not a Stillmotion bundle: the zip cannot be read (${error instanceof Error ? error.message : String(error)})`);
  }
  const workflowEntry = listing.find((e) => e.name === WORKFLOW_ENTRY);
  if (!workflowEntry) return failure(`not a Stillmotion bundle: it has no ${WORKFLOW_ENTRY}`);
  const tooBig = declaredProblem(workflowEntry, MAX_WORKFLOW_BYTES);
  if (tooBig) return failure(tooBig, WORKFLOW_ENTRY);

  let text: Uint8Array | undefined;
  try {
    text = inflate(zip, new Map([[WORKFLOW_ENTRY, workflowEntry.originalSize]]))[WORKFLOW_ENTRY];
  } catch (error) {
    return failure(`${WORKFLOW_ENTRY} in the bundle cannot be read (${error instanceof Error ? error.message : String(error)})`, WORKFLOW_ENTRY);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(strFromU8(text ?? new Uint8Array()).replace(/^\uFEFF/, ''));
  } catch {
    return failure(`${WORKFLOW_ENTRY} in the bundle is not valid JSON`);
  }
  const loaded = loadWorkflow(parsed, registry);
  if (!loaded.ok) return loaded;

  // Only the files the workflow refers to, each declared at the size the workflow gives it.
  const refs = new Map(assetRefs(loaded.document, registry).map((r) => [`${ASSET_FOLDER}${r.hash}`, r]));
  const wanted = new Map<string, number>();
  let total = 0;
  for (const entry of listing) {
    const ref = refs.get(entry.name);
    if (!ref) continue;
    const problem =
      declaredProblem(entry, MAX_FILE_BYTES) ??
      (entry.originalSize > Math.max(RATIO_FLOOR, entry.size * MAX_RATIO) ? `claims to inflate ${Math.round(entry.originalSize / Math.max(1, entry.size))} times over, as no media file does` : undefined) ??
      (entry.originalSize === ref.size ? undefined : `declares ${entry.originalSize} bytes, but "${ref.name}" is ${ref.size}`);
    if (problem) return failure(`${entry.name} in the bundle ${problem}; nothing was imported`, entry.name);
    total += entry.originalSize;
    wanted.set(entry.name, entry.originalSize);
  }
  if (total > MAX_TOTAL_BYTES) return failure(`the bundle's files come to ${gib(total)}, over the ${gib(MAX_TOTAL_BYTES)} a bundle may hold; nothing was imported`);

  let entries: Record<string, Uint8Array>;
  try {
    entries = inflate(zip, wanted);
  } catch (error) {
    return failure(`the bundle's files cannot be read (${error instanceof Error ? error.message : String(error)}); nothing was imported`);
  }
  for (const [path, bytes] of Object.entries(entries)) {
    if ((await hashBytes(bytes as BufferSource)) !== refs.get(path)!.hash) return failure(`${path} in the bundle is damaged (its content does not match its hash); nothing was imported`, path);
  }
  for (const [path, ref] of refs) {
    const bytes = entries[path];
    if (bytes) await assets.put(new Blob([bytes as BufferSource], { type: ref.mime }), ref.name);
  }
  const ignored = listing.filter((e) => e.name !== WORKFLOW_ENTRY && !refs.has(e.name) && !e.name.endsWith('/')).length;
  if (ignored === 0) return loaded;
  return { ...loaded, warnings: [...loaded.warnings, { path: '', message: `${ignored} other file${ignored === 1 ? '' : 's'} in the bundle ${ignored === 1 ? 'is' : 'are'} not used by the workflow and ${ignored === 1 ? 'was' : 'were'} not read` }] };
}

/** Every entry the zip's central directory lists, read without inflating any. */
function centralDirectory(zip: Uint8Array): UnzipFileInfo[] {
  const listing: UnzipFileInfo[] = [];
  unzipSync(zip, {
    filter: (entry) => {
      listing.push(entry);
      return false;
    },
  });
  return listing;
}

/**
 * The entries named in `sizes`, inflated a slice at a time and stopped as soon as one gives more
 * than its declared size, so neither memory nor work goes past what was declared (and checked).
 * Entries not named are never inflated.
 */
function inflate(zip: Uint8Array, sizes: ReadonlyMap<string, number>): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  let failure: Error | undefined;
  const unzip = new Unzip((file) => {
    const size = sizes.get(file.name);
    if (size === undefined || Object.hasOwn(out, file.name)) return;
    const chunks: Uint8Array[] = [];
    let length = 0;
    file.ondata = (error, chunk, final) => {
      if (failure) return;
      length += chunk?.length ?? 0;
      if (error || length > size || (final && length !== size)) {
        failure = error ?? new Error(`${file.name} inflates to ${length > size ? 'more' : 'less'} than the ${size} bytes it declares`);
        return file.terminate();
      }
      chunks.push(chunk);
      if (final) out[file.name] = concat(chunks, size);
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  for (let at = 0; at < zip.length && !failure; at += SLICE_BYTES) unzip.push(zip.subarray(at, at + SLICE_BYTES), at + SLICE_BYTES >= zip.length);
  if (failure) throw failure;
  return out;
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const whole = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    whole.set(chunk, at);
    at += chunk.length;
  }
  return whole;
}

/** Why an entry's declared sizes are refused before anything is inflated, if they are. */
function declaredProblem(entry: UnzipFileInfo, limit: number): string | undefined {
  if (!METHODS.has(entry.compression)) return `uses a compression method (${entry.compression}) Stillmotion bundles never use`;
  if (entry.originalSize > limit) return `would inflate to ${gib(entry.originalSize)}, over the ${gib(limit)} allowed`;
  if (entry.compression === 0 && entry.size !== entry.originalSize) return 'declares two different sizes for a stored file';
  return undefined;
}

const gib = (bytes: number) => (bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GiB` : `${(bytes / 1024 ** 2).toFixed(1)} MiB`);

function failure(message: string, path = ''): LoadResult {
  return { ok: false, errors: [{ path, message }] };
}
