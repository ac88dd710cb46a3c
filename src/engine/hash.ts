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

/**
 * JSON with object keys sorted, so equal data always hashes equal. Written with a stack of its
 * own, not recursion: data nested thousands deep hashes instead of overflowing the call stack.
 */
export function stableStringify(value: unknown): string {
  const out: string[] = [];
  /** Values still to write (boxed) and punctuation between them, last first. */
  const todo: ({ value: unknown } | string)[] = [{ value }];
  while (todo.length > 0) {
    const next = todo.pop()!;
    if (typeof next === 'string') {
      out.push(next);
      continue;
    }
    const item = next.value;
    if (item === null || typeof item !== 'object') {
      out.push(scalar(item));
    } else if (Array.isArray(item)) {
      out.push('[');
      todo.push(']');
      for (let i = item.length - 1; i >= 0; i--) {
        todo.push({ value: item[i] });
        if (i > 0) todo.push(',');
      }
    } else {
      const record = item as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort();
      out.push('{');
      todo.push('}');
      for (let i = keys.length - 1; i >= 0; i--) {
        todo.push({ value: record[keys[i]!] });
        todo.push(`${i > 0 ? ',' : ''}${JSON.stringify(keys[i])}:`);
      }
    }
  }
  return out.join('');
}

function scalar(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return JSON.stringify(String(value));
  return JSON.stringify(value) ?? 'null';
}
