/**
 * Opening a workflow from a file a person hands us: a .stillmotion.json file, a bundle (zip with
 * its files), or a video Stillmotion exported (workflow embedded). One path for the Import button
 * and for drops on the canvas; whatever is wrong is said, and nothing changes.
 */
import type { AssetStore, LoadIssue, LoadResult, NodeRegistry, WorkflowDocument } from '../engine';
import { loadWorkflow } from '../engine';
import { BUNDLE_SUFFIX, readBundle } from './bundle';
import { readWorkflowFile } from './workflow-files';
import { LARGE_GRAPH_NODES } from './workflow-session';

export interface OpenContext {
  registry: NodeRegistry;
  /** Where a bundle's files go; bundles are refused without one. */
  assets: AssetStore | undefined;
  open: (document: WorkflowDocument) => Promise<void>;
}

/** Whether `file` is something that carries a workflow (rather than, say, an image to add). */
export function carriesWorkflow(file: File): boolean {
  return file.name.endsWith('.json') || file.name.endsWith(BUNDLE_SUFFIX) || file.name.endsWith('.zip') || file.type.startsWith('video/');
}

export type OpenFileResult =
  | { ok: true; warnings: LoadIssue[] }
  /** `noWorkflow`: the file is a video that carries none, so it is simply a video to use. */
  | { ok: false; reason: string; noWorkflow?: true };

/** A file this big is said to be big when imported (a 5,000-node workflow is about 1 MB). */
const LARGE_FILE_BYTES = 16 * 1024 ** 2;

/**
 * Opens the workflow `file` carries; returns warnings (a big graph among them), or the reason
 * nothing was opened. Never throws: whatever a file holds ends as a message.
 */
export async function openWorkflowFile(file: File, context: OpenContext): Promise<OpenFileResult> {
  const refused = (message: string) => ({ ok: false as const, reason: `"${file.name}" was not opened: ${message}` });
  try {
    const loaded = await readWorkflowFrom(file, context);
    if ('noWorkflow' in loaded) return { ...refused('the video carries no Stillmotion workflow; only videos Stillmotion exported do'), noWorkflow: true };
    if (!loaded.ok) return refused(loaded.errors.map((e) => `${e.path || 'file'}: ${e.message}`).join('; '));
    await context.open(loaded.document);
    return { ok: true, warnings: [...sizeWarning(file, loaded.document), ...loaded.warnings] };
  } catch (error) {
    return refused(`it could not be read (${error instanceof Error ? error.message : String(error)})`);
  }
}

function sizeWarning(file: File, document: WorkflowDocument): LoadIssue[] {
  const nodes = document.nodes.length;
  if (nodes <= LARGE_GRAPH_NODES && file.size <= LARGE_FILE_BYTES) return [];
  const size = `${nodes.toLocaleString('en')} nodes, ${(file.size / 1024 ** 2).toFixed(1)} MB`;
  return [{ path: '', message: `this is a big workflow (${size}): the editor is measured fluid up to ${LARGE_GRAPH_NODES.toLocaleString('en')} nodes, so expect it to be slow, and a start will not reopen it by itself` }];
}

/** The workflow `file` carries, by what the file is (a bundle, a video, a workflow file); the CLI reads its argument so too. */
export async function readWorkflowFrom(file: File, { registry, assets }: Pick<OpenContext, 'registry' | 'assets'>): Promise<LoadResult | { noWorkflow: true }> {
  if (file.name.endsWith('.zip')) {
    return assets ? readBundle(file, registry, assets) : refuse('bundles need the browser storage, which is not available here');
  }
  if (file.type.startsWith('video/')) {
    // Loaded when a video is dropped: the page starts without the demuxer.
    const { readEmbeddedWorkflow } = await import('./workflow-from-video');
    const embedded = await readEmbeddedWorkflow(file);
    if (embedded.kind === 'none') return { noWorkflow: true };
    if (embedded.kind === 'unreadable') return refuse(`the video carries a Stillmotion workflow, but ${embedded.reason}`);
    const loaded = loadWorkflow(embedded.value, registry);
    return loaded.ok ? loaded : { ok: false, errors: [{ path: '', message: 'the video carries a Stillmotion workflow this version cannot open' }, ...loaded.errors] };
  }
  return readWorkflowFile(file, registry);
}

function refuse(message: string): LoadResult {
  return { ok: false, errors: [{ path: '', message }] };
}

/**
 * The input node that takes a dropped file of this type, from the definitions themselves: the
 * first with an asset parameter that accepts it (`image/png`, or a wildcard like `audio/*`).
 */
export function inputNodeFor(file: File, registry: NodeRegistry): { type: string; param: string } | undefined {
  for (const definition of registry.list()) {
    for (const [name, spec] of Object.entries(definition.params)) {
      if (spec.kind === 'asset' && spec.accept.some((pattern) => accepts(pattern, file.type))) return { type: definition.type, param: name };
    }
  }
  return undefined;
}

function accepts(pattern: string, mime: string): boolean {
  return pattern.endsWith('/*') ? mime.startsWith(pattern.slice(0, -1)) : pattern === mime;
}
