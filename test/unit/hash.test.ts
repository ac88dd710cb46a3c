import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stableStringify } from '../../src/engine';

/** The recursive definition the iterative one must match, for data of ordinary depth. */
function reference(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) return JSON.stringify(String(value));
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${reference(record[k])}`).join(',')}}`;
}

describe('stable stringify (cache keys)', () => {
  it('writes what the recursive definition writes: keys sorted, undefined left out, non-finite numbers as text', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withObjectString: false }), (value) => {
        expect(stableStringify(value)).toBe(reference(value));
      }),
      { numRuns: 500 },
    );
    expect(stableStringify({ b: 1, a: [1, undefined, Infinity], c: undefined })).toBe('{"a":[1,null,"Infinity"],"b":1}');
  });

  it('hashes data nested 100,000 deep without overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = i % 2 ? { a: deep } : [deep];
    const text = stableStringify(deep);
    expect(text.length).toBeGreaterThan(300_000);
    expect(text.startsWith('{"a":[{"a":[')).toBe(true);
  });
});
