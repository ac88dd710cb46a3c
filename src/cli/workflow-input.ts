/**
 * What a CLI run starts from: the workflow, from an exported `.stillmotion.json`, a project
 * bundle (`.stillmotion.zip`) or a video Stillmotion exported, read as the editor opens them (so
 * a bundle's checks hold here), with the files it uses, and the files `--asset NAME=PATH`
 * supplies or replaces. A file given on the command line is typed by its content (file-type).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import { assetRefs } from '../editor/bundle';
import { readWorkflowFrom } from '../editor/open-file';
import type { AssetRef, AssetStore, NodeRegistry, WorkflowDocument } from '../engine';

/** A file the run hands to the app's asset store. */
export interface CliFile {
  ref: AssetRef;
  bytes: Uint8Array;
}

export interface CliWorkflow {
  document: WorkflowDocument;
  /** SHA-256 of the workflow file and of every --asset given: a change starts a new job. */
  hash: string;
  /** The files the workflow's nodes use that are at hand, by content hash. */
  files: Map<string, CliFile>;
  /** The nodes --asset gave files to. */
  supplied: string[];
}

/** A problem with the workflow file (exit 3) or with a --asset (exit 2), said for the command line. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly kind: 'workflow' | 'usage',
  ) {
    super(message);
  }
}

export async function readCliWorkflow(path: string, assets: readonly string[], registry: NodeRegistry): Promise<CliWorkflow> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new InputError(`cannot read the workflow file ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`, 'usage');
  }
  const files = new Map<string, CliFile>();
  // Read as the editor opens a file: a bundle by its name, a video Stillmotion exported by its content's type.
  const type = (await fileTypeFromBuffer(bytes))?.mime ?? '';
  const file = new File([new Uint8Array(bytes)], basename(path), { type: type.startsWith('video/') ? type : '' });
  const loaded = await readWorkflowFrom(file, { registry, assets: collector(files) });
  if ('noWorkflow' in loaded) throw new InputError(`${path} is a video that carries no Stillmotion workflow: only videos Stillmotion exported do`, 'workflow');
  if (!loaded.ok) throw new InputError(`${path} is not a workflow this version can run:\n${loaded.errors.map((e) => `  ${e.path || 'file'}: ${e.message}`).join('\n')}`, 'workflow');
  let document = loaded.document;
  const hash = createHash('sha256').update(bytes);
  const given = new Map<string, AssetRef[]>();
  const nodes: string[] = [];
  for (const spec of assets) {
    const supplied = await supplyAsset(document, spec, registry, given);
    document = supplied.document;
    files.set(supplied.file.ref.hash, supplied.file);
    nodes.push(supplied.nodeId);
    hash.update(`\0${spec}\0${supplied.file.ref.hash}`);
  }
  return { document, hash: hash.digest('hex'), files: usedFiles(document, registry, files), supplied: nodes };
}

/** An asset store that keeps what the bundle reader puts in it, each checked against its hash there. */
function collector(files: Map<string, CliFile>): AssetStore {
  return {
    async put(blob, name) {
      const bytes = new Uint8Array(await blob.arrayBuffer());
      const ref = { hash: sha256(bytes), name, mime: blob.type, size: bytes.length };
      files.set(ref.hash, { ref, bytes });
      return ref;
    },
    get: async (hash) => {
      const file = files.get(hash);
      return file && new Blob([file.bytes as BufferSource], { type: file.ref.mime });
    },
  };
}

function usedFiles(document: WorkflowDocument, registry: NodeRegistry, files: Map<string, CliFile>): Map<string, CliFile> {
  return new Map(assetRefs(document, registry).flatMap((ref) => (files.has(ref.hash) ? [[ref.hash, { ...files.get(ref.hash)!, ref }] as const] : [])));
}

/**
 * `--asset NAME=PATH`: NAME is a node's id (`music`), or `id.param` where a node has several
 * file params, or the name of a file the workflow uses (`song.mp3`). The file replaces what the
 * param held; in a many-file param it is added to those given on the command line.
 */
async function supplyAsset(document: WorkflowDocument, spec: string, registry: NodeRegistry, given: Map<string, AssetRef[]>): Promise<{ document: WorkflowDocument; file: CliFile; nodeId: string }> {
  const at = spec.indexOf('=');
  const [name, path] = [spec.slice(0, at), spec.slice(at + 1)];
  const targets = assetParams(document, registry).filter((t) => t.nodeId === name || `${t.nodeId}.${t.param}` === name || t.files.some((f) => f.name === name));
  if (targets.length === 0) {
    const known = assetParams(document, registry).map((t) => `${t.nodeId}${t.files.length > 0 ? ` (${t.files.map((f) => f.name).join(', ')})` : ''}`);
    throw new InputError(`--asset ${spec}: no node or file of the workflow is called "${name}"${known.length > 0 ? `; its file inputs: ${known.join(', ')}` : '; it uses no files'}`, 'usage');
  }
  if (targets.length > 1) throw new InputError(`--asset ${spec}: "${name}" could be ${targets.map((t) => `${t.nodeId}.${t.param}`).join(' or ')}; name one of those`, 'usage');
  const target = targets[0]!;
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (error) {
    throw new InputError(`--asset ${spec}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`, 'usage');
  }
  const mime = (await fileTypeFromBuffer(bytes))?.mime;
  if (!mime || !target.accept.some((pattern) => accepts(pattern, mime))) {
    throw new InputError(`--asset ${spec}: ${path} is ${mime ? `${mime}` : 'not a file type Stillmotion reads'}, and ${target.title} (${target.nodeId}) takes ${target.accept.join(', ')}`, 'usage');
  }
  const ref: AssetRef = { hash: sha256(bytes), name: basename(path), mime, size: bytes.length };
  const key = `${target.nodeId}.${target.param}`;
  given.set(key, [...(given.get(key) ?? []), ref]);
  const value = target.kind === 'assets' ? given.get(key) : ref;
  const nodes = document.nodes.map((n) => (n.id === target.nodeId ? { ...n, params: { ...n.params, [target.param]: value } } : n));
  return { document: { ...document, nodes }, file: { ref, bytes }, nodeId: target.nodeId };
}

interface AssetTarget {
  nodeId: string;
  title: string;
  param: string;
  kind: 'asset' | 'assets';
  accept: readonly string[];
  files: AssetRef[];
}

function assetParams(document: WorkflowDocument, registry: NodeRegistry): AssetTarget[] {
  return document.nodes.flatMap((node) => {
    const definition = registry.get(node.type);
    return Object.entries(definition?.params ?? {}).flatMap(([param, spec]) => {
      if (spec.kind !== 'asset' && spec.kind !== 'assets') return [];
      const value = node.params[param];
      const files = spec.kind === 'asset' ? (value ? [value as AssetRef] : []) : ((value as AssetRef[] | undefined) ?? []);
      return [{ nodeId: node.id, title: node.title ?? definition!.title, param, kind: spec.kind, accept: spec.accept, files }];
    });
  });
}

function accepts(pattern: string, mime: string): boolean {
  return pattern.endsWith('/*') ? mime.startsWith(pattern.slice(0, -1)) : pattern === mime;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
