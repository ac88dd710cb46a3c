/**
 * Files the user added, kept in IndexedDB by the SHA-256 of their bytes: the same file added
 * twice, under any name, is stored once. Implements the engine's `AssetStore` (and so its
 * `AssetResolver`), the interface the in-memory `MemoryAssets` has.
 */
import { hashBytes, type AssetRef, type AssetStore } from '../engine';
import type { AssetRecord, StillmotionDb } from './database';

export class IdbAssetStore implements AssetStore {
  readonly #db: StillmotionDb;
  readonly #clock: () => number;

  constructor(db: StillmotionDb, clock: () => number = Date.now) {
    this.#db = db;
    this.#clock = clock;
  }

  async put(blob: Blob, name: string): Promise<AssetRef> {
    // Hash before the transaction opens: it would auto-commit while we await WebCrypto.
    const hash = await hashBytes(blob);
    const tx = this.#db.transaction('assets', 'readwrite');
    if ((await tx.store.getKey(hash)) === undefined) {
      const record: AssetRecord = { hash, blob, name, mime: blob.type, size: blob.size, addedAt: this.#clock() };
      await tx.store.put(record);
    }
    await tx.done;
    return { hash, name, mime: blob.type, size: blob.size };
  }

  async get(hash: string): Promise<Blob | undefined> {
    return (await this.#db.get('assets', hash))?.blob;
  }

  async has(hash: string): Promise<boolean> {
    return (await this.#db.getKey('assets', hash)) !== undefined;
  }

  async delete(hash: string): Promise<void> {
    await this.#db.delete('assets', hash);
  }
}
