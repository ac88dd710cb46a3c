/**
 * What the files a run writes are called: `--name` is a pattern of {workflow}, {photo}, {node}
 * and {model}, each filled in and made safe for a file name; a field that is empty for an output
 * (no model: not a generation) drops out with its separator.
 */
export const DEFAULT_NAME = '{photo}-{node}-{model}';
const FIELDS = ['workflow', 'photo', 'node', 'model'] as const;
export type NameFields = Record<(typeof FIELDS)[number], string>;

/** Why a pattern cannot name every output apart, or undefined when it can. */
export function namePatternProblem(pattern: string): string | undefined {
  const unknown = [...pattern.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]!).filter((f) => !(FIELDS as readonly string[]).includes(f));
  if (unknown.length > 0) return `unknown field {${unknown[0]}}; the fields are ${FIELDS.map((f) => `{${f}}`).join(', ')}`;
  if (/[/\\]/.test(pattern)) return 'a name, not a path: the files go into --out';
  for (const needed of ['photo', 'node'] as const) if (!pattern.includes(`{${needed}}`)) return `it needs {${needed}}, or results of different ${needed}s would overwrite each other`;
  return undefined;
}

/** The file name for one output, before its extension. */
export function outputName(pattern: string, fields: NameFields): string {
  const filled = pattern.replace(/\{(\w+)\}/g, (_, field: keyof NameFields) => `\0${safe(fields[field])}\0`);
  // A field left empty takes one separator next to it along: "{photo}-{node}-{model}" with no model is "photo-node".
  return filled
    .replace(/\0\0([-_. ]+)|([-_. ]+)\0\0/g, '')
    .replace(/\0/g, '')
    .replace(/^[-_. ]+|[-_. ]+$/g, '');
}

function safe(value: string): string {
  return value.replace(/[^\w.-]+/g, '_').replace(/^\.+/, '').slice(0, 80);
}
