/**
 * One shape for every suite's output, so results can be diffed across commits and read by tools:
 * an aligned table on stdout and bench/results/<suite>.json.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface BenchResult {
  name: string;
  value: number;
  /** Always spelled out, e.g. `us/node`, `ms`, `nodes`, so a number is never read in the wrong unit. */
  unit: string;
}

const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

/** Prints the table and writes the JSON; returns the path written. */
export function report(suite: string, results: BenchResult[], ratios: Record<string, number>): string {
  console.log(formatTable(suite, results, ratios));
  const clean = results.map(({ name, value, unit }) => ({ name, value, unit }));
  const json = `${JSON.stringify({ suite, results: clean, ratios }, null, 2)}\n`;
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = `${RESULTS_DIR}${suite}.json`;
  // Write then rename, so a crash mid-write never leaves a truncated result behind.
  writeFileSync(`${path}.tmp`, json);
  renameSync(`${path}.tmp`, path);
  console.log(`\nwrote ${path}`);
  return path;
}

export function formatTable(suite: string, results: BenchResult[], ratios: Record<string, number>): string {
  const rows = results.map((r) => [r.name, formatNumber(r.value), r.unit]);
  const ratioRows = Object.entries(ratios).map(([name, value]) => [name, formatNumber(value), '']);
  const all = [['name', 'value', 'unit'], ...rows, ...ratioRows];
  const widths = [0, 1, 2].map((c) => Math.max(...all.map((row) => row[c]!.length)));
  const line = (row: string[]) =>
    `${row[0]!.padEnd(widths[0]!)} | ${row[1]!.padStart(widths[1]!)} | ${row[2]!}`.trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('-+-');
  const out = [`suite: ${suite}`, line(all[0]!), rule, ...rows.map(line)];
  if (ratioRows.length > 0) out.push(rule, 'ratios', ...ratioRows.map(line));
  return out.join('\n');
}

function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(1) : value.toFixed(3);
}
