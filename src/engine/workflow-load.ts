/**
 * Loading a workflow from outside (a file, a link, storage): schema check, format migration,
 * then the graph's own rules against the node registry. Every problem is reported by path, e.g.
 * `nodes[3].params.duration: expected 1..20`; a document that fails is never half-loaded.
 */
import { z } from 'zod';
import { canConnect, isListType } from './ports';
import { migrateParams } from './node-definition';
import { missingField, resolveParams } from './params';
import type { NodeRegistry } from './registry';
import {
  formatPath,
  WORKFLOW_FORMAT,
  WORKFLOW_VERSION,
  type WorkflowDocument,
  type WorkflowEdge,
  type WorkflowNode,
} from './workflow';

export interface LoadIssue {
  path: string;
  message: string;
}

export type LoadResult =
  | { ok: true; document: WorkflowDocument; warnings: LoadIssue[] }
  | { ok: false; errors: LoadIssue[] };

const finite = z.number().refine(Number.isFinite, 'expected a finite number');
const id = z.string().min(1, 'expected a non-empty id').max(200, 'expected an id of at most 200 characters');

const nodeSchema = z.object({
  id,
  type: z.string().min(1, 'expected a node type'),
  version: z.number().int().min(1),
  title: z.string().max(200).optional(),
  position: z.object({ x: finite, y: finite }),
  params: z.record(z.string(), z.unknown()),
}) satisfies z.ZodType<WorkflowNode>;

const edgeSchema = z.object({
  id,
  source: id,
  sourcePort: z.string().min(1),
  target: id,
  targetPort: z.string().min(1),
}) satisfies z.ZodType<WorkflowEdge>;

const documentSchema = z.object({
  format: z.literal(WORKFLOW_FORMAT, { error: `expected "${WORKFLOW_FORMAT}"` }),
  version: z.number().int().min(1),
  id,
  name: z.string().max(500),
  nodes: z.array(nodeSchema),
  edges: z.array(edgeSchema),
  viewport: z.object({ x: finite, y: finite, zoom: finite.refine((z) => z > 0, 'expected > 0') }).optional(),
}) satisfies z.ZodType<WorkflowDocument>;

/** `WORKFLOW_MIGRATIONS[n]` turns a format-n document into format n + 1. */
const WORKFLOW_MIGRATIONS: Readonly<Record<number, (doc: Record<string, unknown>) => Record<string, unknown>>> = {};

export function loadWorkflow(input: unknown, registry: NodeRegistry): LoadResult {
  const header = readHeader(input);
  if ('error' in header) return { ok: false, errors: [header.error] };
  let raw = header.raw;
  for (let v = header.version; v < WORKFLOW_VERSION; v++) {
    const step = WORKFLOW_MIGRATIONS[v];
    if (step) raw = step(raw);
  }
  raw = { ...raw, version: WORKFLOW_VERSION };

  const parsed = documentSchema.safeParse(raw, { error: missingField });
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => ({ path: formatPath(i.path.map(key)), message: i.message })),
    };
  }
  return checkGraph(parsed.data, registry);
}

function readHeader(input: unknown): { raw: Record<string, unknown>; version: number } | { error: LoadIssue } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { error: { path: '', message: 'expected a workflow object' } };
  }
  const raw = input as Record<string, unknown>;
  if (raw.format !== WORKFLOW_FORMAT) {
    return { error: { path: 'format', message: `expected "${WORKFLOW_FORMAT}"; this is not a Stillmotion workflow` } };
  }
  const version = raw.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return { error: { path: 'version', message: 'expected a whole format version >= 1' } };
  }
  if (version > WORKFLOW_VERSION) {
    return {
      error: {
        path: 'version',
        message: `this workflow was saved by a newer Stillmotion (format ${version}; this one reads up to ${WORKFLOW_VERSION}); update Stillmotion to open it`,
      },
    };
  }
  return { raw, version };
}

/** The rules no schema can state: unique ids, real endpoints, typed connections, valid params. */
function checkGraph(document: WorkflowDocument, registry: NodeRegistry): LoadResult {
  const errors: LoadIssue[] = [];
  const warnings: LoadIssue[] = [];
  const nodeIndex = new Map<string, number>();

  const nodes = document.nodes.map((node, i) => {
    const seen = nodeIndex.get(node.id);
    if (seen !== undefined) errors.push({ path: `nodes[${i}].id`, message: `duplicate id "${node.id}" (also nodes[${seen}])` });
    else nodeIndex.set(node.id, i);

    const definition = registry.get(node.type);
    if (!definition) {
      warnings.push({ path: `nodes[${i}].type`, message: `unknown node type "${node.type}"; kept as a missing node` });
      return node;
    }
    if (node.version > definition.version) {
      errors.push({
        path: `nodes[${i}].version`,
        message: `${definition.title} v${node.version} was saved by a newer Stillmotion (this one has v${definition.version})`,
      });
      return node;
    }
    const { values, issues, unknown } = resolveParams(definition.params, migrateParams(definition, node.params, node.version));
    for (const issue of issues) errors.push({ path: formatPath(['nodes', i, 'params', ...issue.path]), message: issue.message });
    for (const name of unknown) {
      warnings.push({ path: formatPath(['nodes', i, 'params', name]), message: `${definition.title} has no parameter "${name}"; dropped` });
    }
    return { ...node, version: definition.version, params: values };
  });

  const edgeIds = new Map<string, number>();
  const filledInputs = new Map<string, number>();
  document.edges.forEach((edge, i) => {
    const at = `edges[${i}]`;
    const seen = edgeIds.get(edge.id);
    if (seen !== undefined) errors.push({ path: `${at}.id`, message: `duplicate id "${edge.id}" (also edges[${seen}])` });
    else edgeIds.set(edge.id, i);

    const source = endpoint(edge.source, nodeIndex, document, registry);
    const target = endpoint(edge.target, nodeIndex, document, registry);
    if (!source) errors.push({ path: `${at}.source`, message: `no node "${edge.source}"` });
    if (!target) errors.push({ path: `${at}.target`, message: `no node "${edge.target}"` });
    if (!source?.definition || !target?.definition) return; // unknown types: nothing to check against

    // Own ports only: a port named "constructor" or "toString" must not find Object.prototype's.
    const output = Object.hasOwn(source.definition.outputs, edge.sourcePort) ? source.definition.outputs[edge.sourcePort] : undefined;
    const input = Object.hasOwn(target.definition.inputs, edge.targetPort) ? target.definition.inputs[edge.targetPort] : undefined;
    if (!output) errors.push({ path: `${at}.sourcePort`, message: `${source.definition.title} has no output "${edge.sourcePort}"` });
    if (!input) errors.push({ path: `${at}.targetPort`, message: `${target.definition.title} has no input "${edge.targetPort}"` });
    if (!output || !input) return;

    const legal = canConnect(output.type, input.type);
    if (!legal.ok) errors.push({ path: at, message: `${source.definition.title}.${edge.sourcePort} -> ${target.definition.title}.${edge.targetPort}: ${legal.reason}` });

    const slot = `${edge.target}\u0000${edge.targetPort}`;
    const first = filledInputs.get(slot);
    if (first !== undefined && !isListType(input.type)) {
      errors.push({ path: at, message: `input "${edge.targetPort}" of node "${edge.target}" is already fed by edges[${first}]` });
    } else if (first === undefined) filledInputs.set(slot, i);
  });

  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, document: { ...document, nodes }, warnings };
}

function endpoint(nodeId: string, nodeIndex: Map<string, number>, document: WorkflowDocument, registry: NodeRegistry) {
  const index = nodeIndex.get(nodeId);
  if (index === undefined) return undefined;
  return { definition: registry.get(document.nodes[index]!.type) };
}

function key(k: PropertyKey): string | number {
  return typeof k === 'symbol' ? String(k) : k;
}
