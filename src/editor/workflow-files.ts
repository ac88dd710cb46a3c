/**
 * Workflows as files and links. A file is the document as JSON; a share link carries it
 * deflated in the URL fragment, which never reaches a server. Both are read back through the
 * same validation as storage, so a bad file or link changes nothing and says what is wrong.
 * Nothing here can carry an API key: keys live in their own store, never in a document.
 */
import { loadWorkflow, type LoadResult, type NodeRegistry, type WorkflowDocument } from '../engine';

export const WORKFLOW_FILE_SUFFIX = '.stillmotion.json';
const LINK_PREFIX = '#workflow=';

export function workflowFile(document: WorkflowDocument): File {
  const name = `${document.name.replace(/[^\w\- ]+/g, '').trim() || 'workflow'}${WORKFLOW_FILE_SUFFIX}`;
  return new File([`${JSON.stringify(document, null, 2)}\n`], name, { type: 'application/json' });
}

export async function readWorkflowFile(file: Blob, registry: NodeRegistry): Promise<LoadResult> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await file.text());
  } catch (error) {
    return { ok: false, errors: [{ path: '', message: `not a workflow file: the JSON does not parse (${error instanceof Error ? error.message : String(error)})` }] };
  }
  return loadWorkflow(parsed, registry);
}

/** The page's address with `document` packed into the fragment. */
export async function shareLink(document: WorkflowDocument, base: string): Promise<string> {
  const packed = await transform(new TextEncoder().encode(JSON.stringify(document)), new CompressionStream('deflate-raw'));
  return `${base.split('#')[0]}${LINK_PREFIX}${toBase64Url(packed)}`;
}

/** The workflow a share link carries, validated; undefined when the address carries none. */
export async function readShareLink(hash: string, registry: NodeRegistry): Promise<LoadResult | undefined> {
  if (!hash.startsWith(LINK_PREFIX)) return undefined;
  try {
    const json = new TextDecoder().decode(await transform(fromBase64Url(hash.slice(LINK_PREFIX.length)), new DecompressionStream('deflate-raw')));
    return loadWorkflow(JSON.parse(json), registry);
  } catch {
    return { ok: false, errors: [{ path: '', message: 'the link is damaged or incomplete; ask for it again' }] };
  }
}

async function transform(bytes: Uint8Array, stream: GenericTransformStream): Promise<Uint8Array> {
  return new Uint8Array(await new Response(new Blob([bytes as BufferSource]).stream().pipeThrough(stream)).arrayBuffer());
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
