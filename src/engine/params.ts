/**
 * Typed node parameters. A spec says what a parameter holds, its default and bounds; the editor
 * picks a widget from `kind`, the loader validates saved values against it, and the node's run
 * function receives values already checked and typed.
 */
import { z } from 'zod';

interface Base<T> {
  label: string;
  default: T;
  description?: string;
  /**
   * False for a param that does not change the work (the name a file is saved under): it is no
   * part of the cache key or of the workflow's identity, so editing it re-runs nothing.
   */
  keyed?: false;
}

export interface NumberParam extends Base<number> {
  kind: 'number';
  min: number;
  max: number;
  step?: number;
  integer?: boolean;
  unit?: string;
}

export interface SelectOptions<V extends string> extends Base<V> {
  options: readonly { value: V; label: string }[];
}

export interface SelectParam<V extends string = string> extends SelectOptions<V> {
  kind: 'select';
}

export interface TextParam extends Base<string> {
  kind: 'text';
  /** A prompt-sized area rather than a single line. */
  multiline?: boolean;
  maxLength?: number;
  placeholder?: string;
}

export interface SeedParam extends Base<number> {
  kind: 'seed';
}

export interface BooleanParam extends Base<boolean> {
  kind: 'boolean';
}

/** A file the user picked, held in the asset store and referenced by content hash. */
export interface AssetRef {
  hash: string;
  name: string;
  mime: string;
  size: number;
}

export interface AssetParam extends Base<AssetRef | null> {
  kind: 'asset';
  /** MIME patterns the picker offers, e.g. `image/*`. */
  accept: readonly string[];
}

/** Many files, in order: a batch of photos. */
export interface AssetsParam extends Base<readonly AssetRef[]> {
  kind: 'assets';
  accept: readonly string[];
}

/** Files one `assets` parameter may hold: a batch, not an archive. */
export const MAX_ASSETS = 1000;

/**
 * The spec of each parameter kind. A module that adds a kind (defineParamKind) adds its spec here
 * by declaration merging, and the editor a widget for it (src/ui/param-widgets); the engine is
 * not edited.
 */
export interface ParamKinds {
  number: NumberParam;
  select: SelectParam;
  text: TextParam;
  seed: SeedParam;
  boolean: BooleanParam;
  asset: AssetParam;
  assets: AssetsParam;
}

export type ParamSpec = ParamKinds[keyof ParamKinds];
export type ParamSpecs = Readonly<Record<string, ParamSpec>>;

export type ParamValue<S extends ParamSpec> = S['default'];
export type ParamValues<P extends ParamSpecs> = { -readonly [K in keyof P]: ParamValue<P[K]> };

export const SEED_MAX = 2 ** 32 - 1;

/** Spec builders: they keep literal types (a select's values) and fill the kind. */
export const param = {
  number: (spec: Omit<NumberParam, 'kind'>): NumberParam => ({ kind: 'number', ...spec }),
  select: <const V extends string>(spec: SelectOptions<V>): SelectParam<V> => ({ kind: 'select', ...spec }),
  text: (spec: Omit<TextParam, 'kind'>): TextParam => ({ kind: 'text', ...spec }),
  seed: (spec: Omit<SeedParam, 'kind'>): SeedParam => ({ kind: 'seed', ...spec }),
  boolean: (spec: Omit<BooleanParam, 'kind'>): BooleanParam => ({ kind: 'boolean', ...spec }),
  asset: (spec: Omit<AssetParam, 'kind' | 'default'>): AssetParam => ({ kind: 'asset', default: null, ...spec }),
  assets: (spec: Omit<AssetsParam, 'kind' | 'default'>): AssetsParam => ({ kind: 'assets', default: [], ...spec }),
};

const assetRefSchema = z.object({
  hash: z.string().regex(/^[0-9a-f]{64}$/, 'expected a SHA-256 hex digest'),
  name: z.string(),
  mime: z.string(),
  size: z.number().int().nonnegative(),
});

const schemas = new WeakMap<ParamSpec, z.ZodType>();
const schemaMakers = new Map<string, (spec: never) => z.ZodType>();

/** Registers how a kind's saved values are checked: the schema one of its specs makes. */
export function defineParamKind<K extends keyof ParamKinds>(kind: K, schema: (spec: ParamKinds[K]) => z.ZodType): void {
  if (schemaMakers.has(kind)) throw new Error(`param kind ${kind} is registered twice`);
  schemaMakers.set(kind, schema as (spec: never) => z.ZodType);
}

/** The schema one parameter's saved value must satisfy; messages name the bound that failed. */
export function paramSchema(spec: ParamSpec): z.ZodType {
  let schema = schemas.get(spec);
  if (!schema) {
    const make = schemaMakers.get(spec.kind) as ((spec: ParamSpec) => z.ZodType) | undefined;
    if (!make) throw new Error(`param kind ${spec.kind} is not registered`);
    schemas.set(spec, (schema = make(spec)));
  }
  return schema;
}

// The kinds that ship.
defineParamKind('number', (spec) => {
  const range = `expected ${spec.min}..${spec.max}`;
  const n = z.number({ error: `expected a number ${spec.min}..${spec.max}` }).min(spec.min, range).max(spec.max, range);
  return spec.integer ? n.int(`expected a whole number ${spec.min}..${spec.max}`) : n;
});
defineParamKind('select', (spec) => {
  const values = spec.options.map((o) => o.value);
  const expected = `expected one of ${values.join(', ')}`;
  return z.string({ error: expected }).refine((v) => values.includes(v), { error: expected });
});
defineParamKind('text', (spec) =>
  spec.maxLength === undefined ? z.string({ error: 'expected text' }) : z.string({ error: 'expected text' }).max(spec.maxLength, `expected at most ${spec.maxLength} characters`),
);
defineParamKind('seed', () => z.number().int(`expected a whole number 0..${SEED_MAX}`).min(0).max(SEED_MAX, `expected 0..${SEED_MAX}`));
defineParamKind('boolean', () => z.boolean({ error: 'expected true or false' }));
defineParamKind('asset', () => assetRefSchema.nullable());
defineParamKind('assets', () => z.array(assetRefSchema).max(MAX_ASSETS, `expected at most ${MAX_ASSETS} files`));

export interface ParamIssue {
  /** Parameter name, then any path inside its value. */
  path: (string | number)[];
  message: string;
}

/**
 * Checks saved parameter values against their specs and fills defaults for absent ones.
 * Parameters the spec does not know are dropped and named in `unknown`, so the caller can say so.
 */
export function resolveParams(
  specs: ParamSpecs,
  saved: Readonly<Record<string, unknown>>,
): { values: Record<string, unknown>; issues: ParamIssue[]; unknown: string[] } {
  const values: Record<string, unknown> = {};
  const issues: ParamIssue[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    if (!Object.hasOwn(saved, name) || saved[name] === undefined) {
      values[name] = spec.default;
      continue;
    }
    const result = paramSchema(spec).safeParse(saved[name], { error: missingField });
    if (result.success) values[name] = result.data;
    else for (const issue of result.error.issues) issues.push({ path: [name, ...issue.path.map(pathKey)], message: issue.message });
  }
  // Own keys only: a saved "constructor" or "toString" is unknown, not Object.prototype's.
  const unknown = Object.keys(saved).filter((name) => !Object.hasOwn(specs, name));
  return { values, issues, unknown };
}

/** A field that is absent reads "required, but missing" rather than zod's "received undefined". */
export function missingField(issue: { code?: string; input?: unknown }): string | undefined {
  return issue.code === 'invalid_type' && issue.input === undefined ? 'required, but missing' : undefined;
}

function pathKey(key: PropertyKey): string | number {
  return typeof key === 'symbol' ? String(key) : key;
}

/**
 * What the other parameters' current values allow for one parameter: a generate node's model
 * decides which durations and resolutions exist. `options` narrows a select; `hidden` says the
 * parameter does not apply (its value is kept, and ignored).
 */
export interface ParamConstraint {
  options?: readonly string[];
  /** Why `options` is narrower than usual, said after "is not offered": "at 1080p on Hailuo 2.3". */
  why?: string;
  /** Labels that depend on the other values (a route's price at the chosen resolution). */
  labels?: Readonly<Record<string, string>>;
  /** A sentence shown under the field: what the other values require of it ("Required by Runway Gen-4.5"). */
  note?: string;
  hidden?: boolean;
}

export type ParamConstraints = Readonly<Record<string, ParamConstraint | undefined>>;

/** Selects whose value the constraints do not offer, said in the user's terms. */
export function constraintIssues(specs: ParamSpecs, constraints: ParamConstraints, values: Readonly<Record<string, unknown>>): ParamIssue[] {
  const issues: ParamIssue[] = [];
  for (const [name, constraint] of Object.entries(constraints)) {
    const spec = specs[name];
    if (!spec || spec.kind !== 'select' || !constraint?.options || constraint.hidden) continue;
    if (constraint.options.includes(values[name] as string)) continue;
    const labels = constraint.options.map((v) => spec.options.find((o) => o.value === v)?.label ?? v);
    issues.push({ path: [name], message: `${spec.label} "${String(values[name])}" is not offered ${constraint.why ?? 'here'}; choose ${labels.join(', ')}` });
  }
  return issues;
}

/**
 * Brings selects back within what the constraints offer, after the parameter they depend on
 * changed: the spec's default where it is offered, else the first option. Others are untouched.
 */
export function conformParams(specs: ParamSpecs, constraints: ParamConstraints, values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const next = { ...values };
  for (const issue of constraintIssues(specs, constraints, values)) {
    const name = issue.path[0] as string;
    const offered = constraints[name]!.options!;
    next[name] = offered.includes(specs[name]!.default as string) ? specs[name]!.default : offered[0];
  }
  return next;
}

/** Values without the parameters the constraints hide: what the work actually depends on. */
export function withoutHidden(values: Readonly<Record<string, unknown>>, constraints: ParamConstraints): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([name]) => !constraints[name]?.hidden));
}

/** The params the work depends on: all but those marked `keyed: false` (and any a constraint hides, dropped before). */
export function workParams(specs: ParamSpecs, values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  // A registered kind need not have the flag: only one that says `keyed: false` is left out.
  return Object.fromEntries(Object.entries(values).filter(([name]) => (specs[name] as { keyed?: false } | undefined)?.keyed !== false));
}
