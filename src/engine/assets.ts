/**
 * Files the user added, by content hash. This one lives in memory for the session; the
 * persistent store (IndexedDB) implements the same interface.
 */
import { hashBytes } from './hash';
import { NodeError, type AssetResolver } from './node-definition';
import type { AssetRef } from './params';

export interface AssetStore extends AssetResolver {
  /** Stores `blob` once per distinct content and returns the reference a parameter keeps. */
  put(blob: Blob, name: string): Promise<AssetRef>;
}

export class MemoryAssets implements AssetStore {
  readonly #blobs = new Map<string, Blob>();

  async put(blob: Blob, name: string): Promise<AssetRef> {
    const hash = await hashBytes(blob);
    if (!this.#blobs.has(hash)) this.#blobs.set(hash, blob);
    return { hash, name, mime: blob.type, size: blob.size };
  }

  async get(hash: string): Promise<Blob | undefined> {
    return this.#blobs.get(hash);
  }
}

/**
 * The file `ref` names, as that file: the same bytes added twice are stored once, under the
 * first one's type, but each reference keeps its own name and type, so a node reads its own.
 * Throws a NodeError naming the file when the store no longer has it.
 */
export async function readAsset(assets: AssetResolver, ref: AssetRef): Promise<Blob> {
  const blob = await assets.get(ref.hash);
  if (!blob) throw new NodeError(`"${ref.name}" is no longer in this browser's file store; pick it again`);
  return blob.type === ref.mime ? blob : blob.slice(0, blob.size, ref.mime);
}
