/**
 * Port types: what flows along an edge, and which connections are legal.
 *
 * A port type is a scalar kind (`image`, `video`, ...) or a list of one (`list<image>`).
 * The rules live here and nowhere else, so the editor, the loader and the engine agree.
 */

export const SCALAR_KINDS = ['image', 'video', 'audio', 'text', 'number'] as const;
export type ScalarKind = (typeof SCALAR_KINDS)[number];

export type PortType = ScalarKind | `list<${ScalarKind}>`;

export const PORT_TYPES: readonly PortType[] = [
  ...SCALAR_KINDS,
  ...SCALAR_KINDS.map((k) => `list<${k}>` as const),
];

export function isListType(type: PortType): type is `list<${ScalarKind}>` {
  return type.startsWith('list<');
}

/** The kind of one element: `list<image>` -> `image`, `image` -> `image`. */
export function elementKind(type: PortType): ScalarKind {
  return (isListType(type) ? type.slice(5, -1) : type) as ScalarKind;
}

export type Connectability = { ok: true } | { ok: false; reason: string };

/**
 * Whether an output of type `from` may feed an input of type `to`.
 * Legal: the same type; a single value into a list input (the input collects every wire);
 * a number into a text input (rendered as its decimal string).
 */
export function canConnect(from: PortType, to: PortType): Connectability {
  if (from === to) return { ok: true };
  if (isListType(to) && !isListType(from) && elementKind(to) === from) return { ok: true };
  if (from === 'number' && to === 'text') return { ok: true };
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

/** Colours shared by ports and wires in the editor; kept beside the types so they never drift. */
export const PORT_COLOURS: Record<ScalarKind, string> = {
  image: '#5fb3f9',
  video: '#f98f5f',
  audio: '#b18cff',
  text: '#9bd77a',
  number: '#e8d36a',
};
