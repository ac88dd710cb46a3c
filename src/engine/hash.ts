/**
 * Hashing. Media content is hashed with SHA-256 through WebCrypto (fast on large buffers, async);
 * cache keys are small strings hashed with SHA-256 synchronously (no await per node on the hot path).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/** SHA-256 of media bytes, as lowercase hex. */
export async function hashBytes(data: BufferSource | Blob): Promise<string> {
  const buffer = data instanceof Blob ? await data.arrayBuffer() : data;
  return bytesToHex(new Uint8Array(await crypto.subtle.digest('SHA-256', buffer)));
}

/** SHA-256 of a string, as lowercase hex. */
export function hashString(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

/** JSON with object keys sorted, so equal data always hashes equal. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) return JSON.stringify(String(value));
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}
