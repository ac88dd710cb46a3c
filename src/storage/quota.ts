/**
 * How much the browser lets us keep, and asking it not to clear our data under storage pressure.
 * Both APIs are missing in some contexts (Node, old browsers, some embedded views).
 */

export interface StorageEstimate {
  /** Bytes this origin uses. */
  usage: number;
  /** Bytes this origin may use. */
  quota: number;
}

/** Undefined where the browser cannot tell. */
export async function storageEstimate(): Promise<StorageEstimate | undefined> {
  const storage = storageManager();
  if (!storage?.estimate) return undefined;
  const { usage = 0, quota = 0 } = await storage.estimate();
  return { usage, quota };
}

/** Whether the browser granted persistent storage; false where it cannot. */
export async function requestPersistence(): Promise<boolean> {
  const storage = storageManager();
  if (!storage?.persist) return false;
  return storage.persist();
}

function storageManager(): Partial<StorageManager> | undefined {
  return typeof navigator === 'undefined' ? undefined : navigator.storage;
}
