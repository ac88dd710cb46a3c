/**
 * Opening a workflow from a file a person hands us: a .stillmotion.json file, a bundle (zip with
 * its files), or a video Stillmotion exported (workflow embedded). One path for the Import button
 * and for drops on the canvas; whatever is wrong is said, and nothing changes.
 */
import type { AssetStore, LoadIssue, LoadResult, NodeRegistry, WorkflowDocument } from '../engine';
import { loadWorkflow } from '../engine';
import { BUNDLE_SUFFIX, readBundle } from './bundle';
import { readWorkflowFile } from './workflow-files';
import { readEmbeddedWorkflow } from './workflow-from-video';

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

/** Opens the workflow `file` carries; returns warnings, or the reason nothing was opened. */
export async function openWorkflowFile(file: File, context: OpenContext): Promise<{ ok: true; warnings: LoadIssue[] } | { ok: false; reason: string }> {
  const loaded = await read(file, context);
  if (!loaded.ok) return { ok: false, reason: `"${file.name}" was not opened: ${loaded.errors.map((e) => `${e.path || 'file'}: ${e.message}`).join('; ')}` };
  await context.open(loaded.document);
  return { ok: true, warnings: loaded.warnings };
}

async function read(file: File, { registry, assets }: OpenContext): Promise<LoadResult> {
  if (file.name.endsWith('.zip')) {
    return assets ? readBundle(file, registry, assets) : refuse('bundles need the browser storage, which is not available here');
  }
  if (file.type.startsWith('video/')) {
    const embedded = await readEmbeddedWorkflow(file);
    return embedded === undefined ? refuse('the video carries no Stillmotion workflow; only videos Stillmotion exported do') : loadWorkflow(embedded, registry);
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
