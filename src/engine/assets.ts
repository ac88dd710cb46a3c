/**
 * Files the user added, by content hash. This one lives in memory for the session; the
 * persistent store (IndexedDB) implements the same interface.
 */
import { hashBytes } from './hash';
import type { AssetResolver } from './node-definition';
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
