/**
 * One node's work before it is done: its params as the engine resolves them, its cache key, and
 * the recipe the key was made from. The engine runs by it and the plan predicts by it, so the two
 * can never disagree about what is the same work; comparing recipes says why work runs again.
 */
import { hashString, stableStringify } from './hash';
import { migrateParams, unconnectedInput, type AnyNodeDefinition, type InputSpecs } from './node-definition';
import { constraintIssues, resolveParams, withoutHidden, workParams } from './params';
import { isListType } from './ports';
import { coerce, valueHash, type PortValue, type ScalarValue } from './values';
import { formatPath, type WorkflowEdge, type WorkflowNode } from './workflow';

/** What a cache key is made from: everything the work depends on, and nothing else. */
export interface Recipe {
  version: number;
  /** The params that apply (hidden ones left out). */
  params: Record<string, unknown>;
  /** Each input port's content hash; `-` for an unconnected optional one. */
  inputs: Record<string, string>;
  /** The workflow's identity, for a node whose result embeds the workflow (Export). */
  graph?: string;
}

export interface Work {
  /** Every param, defaults filled in: what the node's run receives. */
  params: Record<string, unknown>;
  recipe: Recipe;
  cacheKey: string;
}

/** The last result a node had in this engine: what it was made from, when and by which run. */
export interface MadeRecord {
  cacheKey: string;
  recipe: Recipe;
  at: number;
  runId?: string;
}

/**
 * Resolves a node's params (migrated, checked, constrained) and keys its work by its inputs;
 * an error names the params that are wrong. `graph` is called only for nodes that read the workflow.
 */
export function prepareWork(definition: AnyNodeDefinition, node: WorkflowNode, inputs: Record<string, PortValue | undefined>, graph: () => string): Work | { error: string } {
  const params = paramsOf(definition, node);
  if ('error' in params) return params;
  const recipe: Recipe = { version: definition.version, params: params.keyed, inputs: inputHashes(inputs) };
  if (definition.readsWorkflow?.(params.values)) recipe.graph = graph();
  return { params: params.values, recipe, cacheKey: keyOf(definition.type, recipe) };
}

/** A node's params resolved as the engine runs them, and those its work depends on (`keyed`). */
export function paramsOf(definition: AnyNodeDefinition, node: WorkflowNode): { values: Record<string, unknown>; keyed: Record<string, unknown> } | { error: string } {
  const { values, issues: invalid } = resolveParams(definition.params, migrateParams(definition, node.params, node.version));
  const constraints = invalid.length === 0 ? definition.constrain?.(values) : undefined;
  const issues = constraints ? constraintIssues(definition.params, constraints, values) : invalid;
  if (issues.length > 0) return { error: issues.map((i) => `${formatPath(['params', ...i.path])}: ${i.message}`).join('; ') };
  // A parameter that does not apply (hidden) is not part of the work: editing it re-runs nothing.
  return { values, keyed: workParams(definition.params, constraints ? withoutHidden(values, constraints) : values) };
}

/**
 * A node's inputs as its run receives them, from what its wires carry: an unwired optional input
 * is undefined (or [] for a list), each wire's value is converted to the input's type, and a list
 * input collects every wire. `outputOf` answers undefined for work not done yet (what the plan
 * meets): such an input is left out of `values` and named in `pending` with a wire that waits.
 */
export function gatherInputs(
  specs: InputSpecs,
  incoming: readonly WorkflowEdge[],
  outputOf: (edge: WorkflowEdge) => PortValue | undefined,
): { values: Record<string, PortValue | undefined>; pending: Map<string, WorkflowEdge> } | { error: string } {
  const values: Record<string, PortValue | undefined> = {};
  const pending = new Map<string, WorkflowEdge>();
  for (const [port, spec] of Object.entries(specs)) {
    const feeding = incoming.filter((e) => e.targetPort === port);
    if (feeding.length === 0 && !spec.optional) return { error: unconnectedInput(port, spec) };
    const fed = feeding.map((edge) => ({ edge, value: outputOf(edge) }));
    const waiting = fed.find((f) => f.value === undefined);
    if (waiting) {
      pending.set(port, waiting.edge);
      continue;
    }
    const converted = fed.map((f) => coerce(f.value!, spec.type));
    values[port] = isListType(spec.type) ? converted.flatMap((v) => v as readonly ScalarValue[]) : converted[0];
  }
  return { values, pending };
}

/** Each input's content hash, by port in order; `-` for an unconnected optional one. */
export function inputHashes(inputs: Record<string, PortValue | undefined>): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const port of Object.keys(inputs).sort()) hashes[port] = inputs[port] === undefined ? '-' : valueHash(inputs[port]);
  return hashes;
}

/** hash(type + version + params + content hashes of inputs [+ the graph]): equal work, equal key. */
function keyOf(type: string, recipe: Recipe): string {
  let text = `${JSON.stringify(type)}@${recipe.version}${stableStringify(recipe.params)}${recipe.graph === undefined ? '' : `#${recipe.graph}`}`;
  for (const [port, hash] of Object.entries(recipe.inputs)) text += `|${JSON.stringify(port)}=${hash}`;
  return hashString(text);
}

/** Where a node type's memo (RunContext.memo) keeps the value made under `key`. */
export function memoKey(definition: Pick<AnyNodeDefinition, 'type' | 'version'>, key: string): string {
  return hashString(`memo|${JSON.stringify(definition.type)}@${definition.version}|${key}`);
}

/** The cache key of `definition` run with these params and inputs. */
export function cacheKeyOf(definition: AnyNodeDefinition, params: Record<string, unknown>, inputs: Record<string, PortValue | undefined>, graph?: string): string {
  return keyOf(definition.type, { version: definition.version, params, inputs: inputHashes(inputs), ...(graph === undefined ? {} : { graph }) });
}

/** Why a node runs: said on the node (`reason`) and, for what it feeds, as the root `cause`. */
export interface RunReason {
  /** In the node's own terms: "Prompt changed", `input "Image" changed because Upscale's Scale changed`. */
  reason: string;
  /** The change at the root, for the nodes downstream: "Upscale's Scale changed". */
  cause: string;
}

/**
 * Compares the work about to run with the node's last result. `inputs` holds each port's hash,
 * undefined where the work feeding it has yet to run; `causeOf` says why that upstream runs.
 */
export function explainRun(
  definition: AnyNodeDefinition,
  title: string,
  recipe: Omit<Recipe, 'inputs'> & { inputs: Record<string, string | undefined> },
  previous: MadeRecord | undefined,
  causeOf: (port: string) => string | undefined,
): RunReason {
  if (!previous) return { reason: 'no result for these settings yet', cause: `${title} had no result yet` };
  const changed = Object.keys({ ...recipe.params, ...previous.recipe.params })
    .filter((name) => stableStringify(recipe.params[name]) !== stableStringify(previous.recipe.params[name]))
    .map((name) => definition.params[name]?.label ?? name);
  if (changed.length > 0) {
    const what = changed.length > 3 ? `${changed.length} settings` : listed(changed);
    return { reason: `${what} changed`, cause: `${title}'s ${what} changed` };
  }
  for (const [port, hash] of Object.entries(recipe.inputs)) {
    if (hash !== undefined && hash === previous.recipe.inputs[port]) continue;
    const label = definition.inputs[port]?.label ?? port;
    const upstream = causeOf(port);
    const verb = hash === undefined ? 'changes' : 'changed';
    return { reason: `input "${label}" ${verb}${upstream ? ` because ${upstream}` : ''}`, cause: upstream ?? `${title}'s input "${label}" changed` };
  }
  if (recipe.version !== previous.recipe.version) return { reason: `${definition.title} was updated`, cause: `${title} was updated` };
  if (recipe.graph !== previous.recipe.graph) return { reason: 'the workflow it embeds changed', cause: 'the workflow changed' };
  return { reason: 'its earlier result is no longer in the cache', cause: `${title}'s earlier result was no longer in the cache` };
}

function listed(names: readonly string[]): string {
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
