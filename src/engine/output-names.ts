/**
 * What a saved file is called: a pattern of {workflow}, {photo}, {node}, {model} and {date}, each
 * filled in and made safe for a file name; a field that is empty for an output (no model: not a
 * generation) drops out with its separator. Save on a node, Run batch and `stillmotion run` name
 * their files so.
 */
export const NAME_FIELDS = ['workflow', 'photo', 'node', 'model', 'date'] as const;
export type NameFields = Record<(typeof NAME_FIELDS)[number], string>;

/** The first field the pattern names that is not one of NAME_FIELDS, said for the user. */
export function unknownNameField(pattern: string): string | undefined {
  const unknown = [...pattern.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]!).find((f) => !(NAME_FIELDS as readonly string[]).includes(f));
  return unknown === undefined ? undefined : `unknown field {${unknown}}; the fields are ${NAME_FIELDS.map((f) => `{${f}}`).join(', ')}`;
}

/** The file name for one output, before its extension; fields not given count as empty. */
export function outputName(pattern: string, fields: Partial<NameFields>): string {
  const filled = pattern.replace(/\{(\w+)\}/g, (_, field: keyof NameFields) => `\0${safe(fields[field] ?? '')}\0`);
  // A field left empty takes one separator next to it along: "{photo}-{node}-{model}" with no model is "photo-node".
  return filled
    .replace(/\0\0([-_. ]+)|([-_. ]+)\0\0/g, '')
    .replace(/\0/g, '')
    .replace(/^[-_. ]+|[-_. ]+$/g, '');
}

/** {date}: the local day, as 2026-12-05, so names sort by it. */
export function nameDate(at: Date): string {
  return `${at.getFullYear()}-${String(at.getMonth() + 1).padStart(2, '0')}-${String(at.getDate()).padStart(2, '0')}`;
}

function safe(value: string): string {
  return value.replace(/[^\w.-]+/g, '_').replace(/^\.+/, '').slice(0, 80);
}
