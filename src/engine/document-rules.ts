/**
 * What a workflow document may hold, in one place. The loader checks (and repairs) by these
 * rules, and every edit the editor makes is held to them when it is made, so nothing the editor
 * accepts can make a workflow that no longer opens.
 */
import type { Position } from './workflow';
import { formatPath } from './workflow';

export const DOCUMENT_LIMITS = {
  /** Node, edge and workflow ids. */
  id: 200,
  /** A node's own name. */
  title: 200,
  /** The workflow's name. */
  name: 500,
  /** How far from the origin a node may sit, either way: far beyond any canvas, well inside a double. */
  coordinate: 1e7,
  /** Nesting depth of one parameter's value (a node type this build lacks keeps its params unchecked). */
  paramDepth: 64,
  /** Size of one node's params, counted as JSON text. */
  paramChars: 1 << 20,
} as const;

/** `text` cut to `max` UTF-16 units without splitting a character in two. */
export function clampText(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/** A node title as typed: trimmed and within the limit; empty means "the type's own title". */
export function nodeTitle(typed: string): string | undefined {
  const title = clampText(typed.trim(), DOCUMENT_LIMITS.title).trim();
  return title === '' ? undefined : title;
}

/** A workflow name as typed: trimmed and within the limit; empty becomes "Untitled". */
export function workflowName(typed: string): string {
  return clampText(typed.trim(), DOCUMENT_LIMITS.name).trim() || 'Untitled';
}

/** A coordinate on the canvas: NaN becomes 0, anything beyond the limit (Infinity too) the limit. */
export function coordinate(value: number): number {
  if (Number.isNaN(value)) return 0;
  return Math.min(DOCUMENT_LIMITS.coordinate, Math.max(-DOCUMENT_LIMITS.coordinate, value));
}

export function canvasPosition({ x, y }: Position): Position {
  return { x: coordinate(x), y: coordinate(y) };
}

export const isCanvasCoordinate = (value: unknown): value is number => typeof value === 'number' && Math.abs(value) <= DOCUMENT_LIMITS.coordinate;

/** Longest readable base of a generated id: `sample-image` in `sample-image-3`. */
const ID_BASE_MAX = 60;

/**
 * Makes readable ids (`sample-image-3`) that are not in `taken`, within the id limit however long
 * a type name is; each id made is taken from then on. Counts on per base, so a paste of
 * thousands of nodes does not rescan the document per node.
 */
export function idMaker(taken: Iterable<string>): (type: string) => string {
  const used = new Set(taken);
  const next = new Map<string, number>();
  return (type) => {
    const base = clampText(type.split('.').pop()!.replace(/[^a-z0-9]+/gi, '-').toLowerCase(), ID_BASE_MAX).replace(/^-+|-+$/g, '') || 'node';
    for (let i = next.get(base) ?? 1; ; i++) {
      const id = `${base}-${i}`;
      if (used.has(id)) continue;
      used.add(id);
      next.set(base, i + 1);
      return id;
    }
  };
}

export interface ValueProblem {
  /** Where inside the value, e.g. `nodes[0].params.deep.a.a…` (long paths are cut). */
  path: string;
  message: string;
}

/** Path segments shown before a deep path is cut short. */
const SHOWN_SEGMENTS = 10;

/**
 * Whether `params` stays within the depth and size limits; walked with a stack of its own, so
 * data nested thousands deep is measured without recursion (which is what overflowed before).
 * Returns the first parameter found over a limit, with a path under `at` to show.
 */
export function paramsProblem(params: Readonly<Record<string, unknown>>, at: string): { param: string; problem: ValueProblem } | undefined {
  let chars = 2;
  for (const [name, value] of Object.entries(params)) {
    const stack: { value: unknown; depth: number; path: (string | number)[] }[] = [{ value, depth: 1, path: [name] }];
    chars += name.length + 4;
    while (stack.length > 0) {
      const { value: item, depth, path } = stack.pop()!;
      if (typeof item === 'string') chars += item.length + 2;
      else if (item === null || typeof item !== 'object') chars += 8;
      else {
        if (depth > DOCUMENT_LIMITS.paramDepth) {
          return { param: name, problem: { path: `${at}.${formatPath(path)}…`, message: `nested deeper than ${DOCUMENT_LIMITS.paramDepth} levels` } };
        }
        chars += 2;
        for (const [key, child] of Array.isArray(item) ? item.entries() : Object.entries(item)) {
          chars += typeof key === 'string' ? key.length + 4 : 1;
          // The path is kept only as far as it is shown, so a deep walk stays linear.
          stack.push({ value: child, depth: depth + 1, path: path.length < SHOWN_SEGMENTS ? [...path, key] : path });
        }
      }
      if (chars > DOCUMENT_LIMITS.paramChars) {
        return { param: name, problem: { path: `${at}.${formatPath([name])}`, message: `over ${DOCUMENT_LIMITS.paramChars / (1 << 20)} MiB of parameters` } };
      }
    }
  }
  return undefined;
}
