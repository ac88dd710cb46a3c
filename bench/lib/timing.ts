/** Small timing helpers: monotonic nanosecond clock, medians, and rounding for reports. */

/** Nanoseconds from a monotonic clock; differences are what matter. */
export function now(): bigint {
  return process.hrtime.bigint();
}

export function nsToUs(ns: bigint | number): number {
  return Number(ns) / 1e3;
}

export function nsToMs(ns: bigint | number): number {
  return Number(ns) / 1e6;
}

/** Median: robust against the odd GC pause or JIT recompilation in one repeat. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs `fn` `times` times (sequentially) and returns each result. */
export async function repeat<T>(times: number, fn: (index: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < times; i++) out.push(await fn(i));
  return out;
}

/** Rounds to `digits` decimals so reports stay readable and diffs stay small. */
export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
