/**
 * Port types: what flows along an edge, and which connections are legal.
 *
 * A port type is a kind (`image`, `video`, ...) or a list of one (`list<image>`). Kinds are
 * registered (definePortKind), so a new one (a depth map, a mask) is added where it is made,
 * without editing the engine: its run-time check, its colour, and the kinds it may also feed.
 * The connection rules live here and nowhere else, so the editor, the loader and the engine agree.
 */
import type { ScalarValues } from './values';

/** A registered kind; a module that adds one augments `ScalarValues` with its value type. */
export type ScalarKind = keyof ScalarValues & string;

export type PortType = ScalarKind | `list<${ScalarKind}>`;

export interface PortKind<K extends ScalarKind = ScalarKind> {
  name: K;
  /** Handle and wire colour in the editor. */
  colour: string;
  /** Whether a value has this kind's run-time shape (checked on every node output). */
  matches(value: unknown): value is ScalarValues[K];
  /** Other kinds a value of this one may feed, and how it is converted: a number feeds text as its decimal string. */
  feeds?: { readonly [To in ScalarKind]?: (value: ScalarValues[K]) => ScalarValues[To] };
}

const kinds = new Map<string, PortKind>();

/** Registers a kind; a second kind of the same name is a programming error. */
export function definePortKind<K extends ScalarKind>(kind: PortKind<K>): void {
  if (kinds.has(kind.name)) throw new Error(`port kind ${kind.name} is registered twice`);
  kinds.set(kind.name, kind as unknown as PortKind);
}

/** The registered kind called `name`. */
export function portKind(name: ScalarKind): PortKind {
  const kind = kinds.get(name);
  if (!kind) throw new Error(`port kind ${name} is not registered`);
  return kind;
}

/** Every registered kind, in the order registered. */
export function portKinds(): PortKind[] {
  return [...kinds.values()];
}

/** Every port type: each kind, and a list of each. */
export function portTypes(): PortType[] {
  const names = portKinds().map((k) => k.name);
  return [...names, ...names.map((k) => `list<${k}>` as const)];
}

export function isListType(type: PortType): type is `list<${ScalarKind}>` {
  return type.startsWith('list<');
}

/** The kind of one element: `list<image>` -> `image`, `image` -> `image`. */
export function elementKind(type: PortType): ScalarKind {
  return (isListType(type) ? type.slice(5, -1) : type) as ScalarKind;
}

/** The editor's colour for a port of this type (its element kind's). */
export function portColour(type: PortType): string {
  return kinds.get(elementKind(type))?.colour ?? '#888';
}

export type Connectability = { ok: true } | { ok: false; reason: string };

/**
 * Whether an output of type `from` may feed an input of type `to`.
 * Legal: the same type; a single value into a list input (the input collects every wire);
 * a kind into another its registration says it feeds (a number into text).
 */
export function canConnect(from: PortType, to: PortType): Connectability {
  if (from === to) return { ok: true };
  if (isListType(to) && !isListType(from) && elementKind(to) === from) return { ok: true };
  if (!isListType(from) && !isListType(to) && kinds.get(from)?.feeds?.[to]) return { ok: true };
  if (isListType(from) && !isListType(to)) {
    return {
      ok: false,
      reason: `a list of ${elementKind(from)}s cannot feed a single ${to} input; pick one item first`,
    };
  }
  return { ok: false, reason: `${describe(from)} cannot feed ${describe(to)} input` };
}

function describe(type: PortType): string {
  return isListType(type) ? `a list of ${elementKind(type)}s` : `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}
