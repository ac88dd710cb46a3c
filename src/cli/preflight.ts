/**
 * What would fail, found before anything is sent: a key missing from the environment for a
 * provider the workflow pays, a file the workflow uses that is not at hand, a required input
 * with no wire, params a node refuses (its own constrain and refusal rules, as the engine
 * applies them), and a photo that cannot be opened. A dry run prints it; a real run refuses to
 * start while it finds anything, so no money goes on a run that cannot finish.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { handPicks, type BatchSlot } from '../batch/batch';
import { migrateParams, paramsOf, resolveParams, unconnectedInputs, type AnyNodeDefinition, type AssetRef, type NodeRegistry, type WorkflowDocument } from '../engine';
import { imageFileProblem } from '../media/image-pixels';
import { providerInfo } from '../providers/providers';
import { KEY_VARIABLES } from './args';
import type { CliFile } from './workflow-input';

export interface Preflight {
  /** What every photo would meet. */
  problems: string[];
  /** What only some photos would meet, by photo path. */
  photoProblems: Map<string, string[]>;
  /** What runs, but perhaps not as meant. */
  warnings: string[];
}

export interface PreflightInput {
  document: WorkflowDocument;
  registry: NodeRegistry;
  slot: BatchSlot;
  files: ReadonlyMap<string, CliFile>;
  env: NodeJS.ProcessEnv;
  photos: readonly string[];
  /** The workflow file as given, for messages. */
  workflowPath: string;
}

export async function preflight(input: PreflightInput): Promise<Preflight> {
  const problems = [...missingKeys(input), ...input.document.nodes.flatMap((node) => nodeProblems(input, node))];
  const photoProblems = new Map<string, string[]>();
  for (const photo of input.photos) {
    const problem = await imageFileProblem(new Blob([new Uint8Array(readFileSync(photo))]), basename(photo));
    if (problem) photoProblems.set(photo, [problem]);
  }
  return { problems, photoProblems, warnings: warnings(input.document, input.registry) };
}

/** Providers the workflow pays, each with the variables it lacks, said once per provider. */
function missingKeys({ document, registry, env }: PreflightInput): string[] {
  const users = new Map<string, string[]>();
  for (const node of document.nodes) {
    const definition = registry.get(node.type);
    // The keys a node declares for its params: the same the engine will let it read.
    for (const provider of (definition && definition.services?.keys?.(nodeParams(definition, node).params)) ?? []) {
      users.set(provider, [...(users.get(provider) ?? []), label(registry, node)]);
    }
  }
  return [...users].flatMap(([provider, nodes]) => {
    const names = KEY_VARIABLES[provider];
    const missing = names ? [names.apiKey, ...(names.secretKey ? [names.secretKey] : [])].filter((name) => !env[name]) : [];
    if (missing.length === 0) return [];
    return [`${providerInfo(provider)?.name ?? provider} has no key: set ${missing.join(' and ')} in the environment (used by ${nodes.join(', ')})`];
  });
}

function nodeProblems({ document, registry, slot, files, workflowPath }: PreflightInput, node: WorkflowDocument['nodes'][number]): string[] {
  const definition = registry.get(node.type);
  const name = label(registry, node);
  if (!definition) return [`${name}: "${node.type}" is not a node type this version of Stillmotion has`];
  const incoming = document.edges.filter((e) => e.target === node.id);
  const { params, problem } = nodeParams(definition, node);
  const refused = problem ? undefined : definition.refusal?.(params, new Set(incoming.map((e) => e.targetPort)));
  const found = [...unconnectedInputs(definition, incoming), ...(problem ? [problem] : []), ...(refused ? [refused] : [])].map((p) => `${name}: ${p}`);
  if (node.id === slot.nodeId) return found; // the photos go here
  for (const [param, spec] of Object.entries(definition.params)) {
    if (spec.kind !== 'asset' && spec.kind !== 'assets') continue;
    const refs = ([] as (AssetRef | null | undefined)[]).concat(params[param] as AssetRef | AssetRef[] | null);
    if (spec.kind === 'asset' && !refs[0]) found.push(`${name} has no file: give one with --asset ${node.id}=PATH`);
    for (const ref of refs) {
      if (ref && !files.has(ref.hash)) found.push(`${name} uses "${ref.name}", which ${workflowPath} does not carry: run the bundle the editor exports (.stillmotion.zip), or give the file with --asset ${node.id}=PATH`);
    }
  }
  return found;
}

/**
 * A node's params as the engine resolves them, and why they would fail it (the engine's own
 * check); where they would, the params that are valid, over the defaults.
 */
export function nodeParams(definition: AnyNodeDefinition, node: WorkflowDocument['nodes'][number]): { params: Record<string, unknown>; problem?: string } {
  const resolved = paramsOf(definition, node);
  return 'error' in resolved ? { params: resolveParams(definition.params, migrateParams(definition, node.params, node.version)).values, problem: resolved.error } : { params: resolved.values };
}

/** A Compare whose pick is fixed passes that take for every photo, whatever the scores say. */
function warnings(document: WorkflowDocument, registry: NodeRegistry): string[] {
  return handPicks(document, registry).map((p) => `${p.title} (${p.nodeId}) ${p.warning}`);
}

function label(registry: NodeRegistry, node: WorkflowDocument['nodes'][number]): string {
  return `${node.title ?? registry.get(node.type)?.title ?? node.type} (${node.id})`;
}
