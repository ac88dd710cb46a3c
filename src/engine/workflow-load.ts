/**
 * Loading a workflow from outside (a file, a link, storage): schema check, format migration,
 * then the graph's own rules against the node registry. Every problem is reported by path, e.g.
 * `nodes[3].params.duration: expected 1..20`; a document that fails is never half-loaded.
 *
 * A field that breaks only a limit of the document (a title too long, a node far off the canvas,
 * an id too long, params nested too deep to keep) is repaired with a warning rather than refusing
 * the whole workflow; a workflow the user already owns is repaired further (see LoadOptions).
 */
import { z } from 'zod';
import { canvasPosition, clampText, DOCUMENT_LIMITS, idMaker, isCanvasCoordinate, paramsProblem } from './document-rules';
import { canConnect, isListType } from './ports';
import { migrateParams } from './node-definition';
import { missingField, resolveParams } from './params';
import type { NodeRegistry } from './registry';
import {
  formatPath,
  MARK_COLOURS,
  WORKFLOW_FORMAT,
  WORKFLOW_VERSION,
  type WorkflowDocument,
  type WorkflowEdge,
  type WorkflowFrame,
  type WorkflowNode,
} from './workflow';

export interface LoadIssue {
  path: string;
  message: string;
}

export type LoadResult =
  | { ok: true; document: WorkflowDocument; warnings: LoadIssue[] }
  | { ok: false; errors: LoadIssue[] };

export interface LoadOptions {
  /**
   * The workflow is the user's own (it was stored by this app): what would refuse it is repaired
   * or dropped instead, one field at a time, each with a warning, so work once accepted always
   * opens again. A file or link from elsewhere is refused instead and changes nothing.
   */
  owned?: boolean;
}

const finite = z.number().refine(Number.isFinite, 'expected a finite number');
const id = z.string().min(1, 'expected a non-empty id').max(DOCUMENT_LIMITS.id, `expected an id of at most ${DOCUMENT_LIMITS.id} characters`);

const nodeSchema = z.object({
  id,
  type: z.string().min(1, 'expected a node type'),
  version: z.number().int().min(1),
  title: z.string().max(DOCUMENT_LIMITS.title).optional(),
  position: z.object({ x: finite, y: finite }),
  params: z.record(z.string(), z.unknown()),
  bypassed: z.boolean().optional(),
  colour: z.enum(MARK_COLOURS).optional(),
}) satisfies z.ZodType<WorkflowNode>;

const frameSchema = z.object({
  id,
  title: z.string().max(DOCUMENT_LIMITS.title),
  position: z.object({ x: finite.refine(isCanvasCoordinate, 'off the canvas'), y: finite.refine(isCanvasCoordinate, 'off the canvas') }),
  size: z.object({ width: finite.refine((w) => w > 0 && w <= DOCUMENT_LIMITS.coordinate, 'expected a width > 0'), height: finite.refine((h) => h > 0 && h <= DOCUMENT_LIMITS.coordinate, 'expected a height > 0') }),
  colour: z.enum(MARK_COLOURS).optional(),
}) satisfies z.ZodType<WorkflowFrame>;

const edgeSchema = z.object({
  id,
  source: id,
  sourcePort: z.string().min(1),
  target: id,
  targetPort: z.string().min(1),
}) satisfies z.ZodType<WorkflowEdge>;

const viewportSchema = z.object({ x: finite, y: finite, zoom: finite.refine((z) => z > 0, 'expected > 0') });

const documentSchema = z.object({
  format: z.literal(WORKFLOW_FORMAT, { error: `expected "${WORKFLOW_FORMAT}"` }),
  version: z.number().int().min(1),
  id,
  name: z.string().max(DOCUMENT_LIMITS.name),
  nodes: z.array(nodeSchema),
  edges: z.array(edgeSchema),
  frames: z.array(frameSchema).optional(),
  viewport: viewportSchema.optional(),
}) satisfies z.ZodType<WorkflowDocument>;

/** `WORKFLOW_MIGRATIONS[n]` turns a format-n document into format n + 1. */
const WORKFLOW_MIGRATIONS: Readonly<Record<number, (doc: Record<string, unknown>) => Record<string, unknown>>> = {};

export function loadWorkflow(input: unknown, registry: NodeRegistry, options: LoadOptions = {}): LoadResult {
  const header = readHeader(input);
  if ('error' in header) return { ok: false, errors: [header.error] };
  let raw = header.raw;
  for (let v = header.version; v < WORKFLOW_VERSION; v++) {
    const step = WORKFLOW_MIGRATIONS[v];
    if (step) raw = step(raw);
  }
  const repaired = repairFields({ ...raw, version: WORKFLOW_VERSION }, options.owned ?? false);

  const parsed = documentSchema.safeParse(repaired.raw, { error: missingField });
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => ({ path: formatPath(i.path.map(key)), message: i.message })),
    };
  }
  const checked = checkGraph(parsed.data, registry, options.owned ?? false);
  return checked.ok ? { ...checked, warnings: [...repaired.warnings, ...checked.warnings] } : checked;
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

type Raw = Record<string, unknown>;

const isObject = (value: unknown): value is Raw => typeof value === 'object' && value !== null && !Array.isArray(value);
const isId = (value: unknown): value is string => typeof value === 'string' && value !== '' && value.length <= DOCUMENT_LIMITS.id;
const isName = (value: unknown): value is string => typeof value === 'string' && value !== '';
/** Marks a node or edge an owned workflow loses: a value that is not one at all. */
const DROP = Symbol('drop');

/**
 * Repairs, before the schema sees them, the fields that break only a limit of the document, and,
 * in an owned workflow, every field that would otherwise refuse it, with a warning for each.
 * Nodes keep their place (warnings name them as saved) unless an owned workflow drops one.
 */
function repairFields(raw: Raw, owned: boolean): { raw: Raw; warnings: LoadIssue[] } {
  const warnings: LoadIssue[] = [];
  const warn = (path: string, message: string) => void warnings.push({ path, message });
  const out: Raw = { ...raw };

  if (typeof out.name === 'string' && out.name.length > DOCUMENT_LIMITS.name) {
    out.name = clampText(out.name, DOCUMENT_LIMITS.name);
    warn('name', `longer than ${DOCUMENT_LIMITS.name} characters; shortened`);
  } else if (owned && typeof out.name !== 'string') {
    out.name = 'Untitled';
    warn('name', 'missing; named "Untitled"');
  }
  if (out.viewport !== undefined && !viewportSchema.safeParse(out.viewport).success) {
    delete out.viewport;
    warn('viewport', 'not a view the canvas can show; it opens showing the whole graph');
  }

  if (out.frames !== undefined) out.frames = repairFrames(out.frames, warn);

  const renamed = new Map<string, string>();
  // Nodes first: the wires follow the ids repaired there.
  out.nodes = repairList(out.nodes, { name: 'nodes', item: 'node', whenMissing: 'the workflow opens empty' }, owned, warn, (node, at, fresh) => repairNode(node, at, owned, fresh, renamed, warn));
  out.edges = repairList(out.edges, { name: 'edges', item: 'wire', whenMissing: 'the workflow opens without wires' }, owned, warn, (edge, at, fresh) => repairEdge(edge, at, owned, fresh, renamed, warn));
  return { raw: out, warnings };
}

type Warn = (path: string, message: string) => void;

/** Frames are layout only: one that is not a frame is dropped with a warning, never refusing the workflow. */
function repairFrames(frames: unknown, warn: Warn): unknown[] {
  if (!Array.isArray(frames)) {
    warn('frames', 'not a list of frames; the workflow opens without frames');
    return [];
  }
  const seen = new Set<string>();
  return frames.flatMap((frame, i) => {
    const parsed = frameSchema.safeParse(isObject(frame) && typeof frame.title === 'string' ? { ...frame, title: clampText(frame.title, DOCUMENT_LIMITS.title) } : frame);
    if (!parsed.success || seen.has(parsed.data.id)) {
      warn(`frames[${i}]`, `${parsed.success ? `duplicate id "${parsed.data.id}"` : parsed.error.issues.map((e) => `${formatPath(e.path.map(key))}: ${e.message}`).join('; ')}; the frame was dropped`);
      return [];
    }
    seen.add(parsed.data.id);
    return [parsed.data];
  });
}

/**
 * Each item of a list (the nodes, the wires) repaired, or left for the schema to refuse; an
 * owned workflow drops what is not an item at all, and gets an empty list where there is none.
 */
function repairList(
  list: unknown,
  { name, item: what, whenMissing }: { name: string; item: string; whenMissing: string },
  owned: boolean,
  warn: Warn,
  repair: (item: Raw, at: string, fresh: (type: string) => string) => Raw | typeof DROP,
): unknown {
  if (!Array.isArray(list)) {
    if (!owned) return list;
    warn(name, `missing; ${whenMissing}`);
    return [];
  }
  const fresh = idMaker(list.flatMap((item) => (isObject(item) && typeof item.id === 'string' ? [item.id] : [])));
  return list.flatMap((item, i) => {
    const at = `${name}[${i}]`;
    if (!isObject(item)) {
      if (!owned) return [item];
      warn(at, `not a ${what}; dropped`);
      return [];
    }
    const repaired = repair(item, at, fresh);
    return repaired === DROP ? [] : [repaired];
  });
}

function repairNode(node: Raw, at: string, owned: boolean, fresh: (type: string) => string, renamed: Map<string, string>, warn: Warn): Raw | typeof DROP {
  const out: Raw = { ...node };
  if (owned && !isName(out.type)) {
    warn(`${at}.type`, 'missing; the node was dropped');
    return DROP;
  }
  if ((typeof out.id === 'string' && out.id.length > DOCUMENT_LIMITS.id) || (owned && !isId(out.id))) {
    const id = fresh(typeof out.type === 'string' ? out.type : 'node');
    warn(`${at}.id`, `${typeof out.id === 'string' && out.id !== '' ? `longer than ${DOCUMENT_LIMITS.id} characters` : 'missing'}; the node is now "${id}"`);
    if (typeof out.id === 'string' && !renamed.has(out.id)) renamed.set(out.id, id);
    out.id = id;
  }
  if (owned && !(Number.isInteger(out.version) && (out.version as number) >= 1)) {
    warn(`${at}.version`, 'not a node version; read as version 1');
    out.version = 1;
  }
  if (typeof out.title === 'string' && out.title.length > DOCUMENT_LIMITS.title) {
    out.title = clampText(out.title, DOCUMENT_LIMITS.title);
    warn(`${at}.title`, `longer than ${DOCUMENT_LIMITS.title} characters; shortened`);
  } else if (owned && out.title !== undefined && typeof out.title !== 'string') {
    delete out.title;
    warn(`${at}.title`, 'not text; the node shows its type’s name');
  }
  out.position = repairPosition(out.position, `${at}.position`, owned, warn);
  if (out.colour !== undefined && !(MARK_COLOURS as readonly unknown[]).includes(out.colour)) {
    warn(`${at}.colour`, `not one of ${MARK_COLOURS.join(', ')}; the node has no colour`);
    delete out.colour;
  }
  if (owned && out.bypassed !== undefined && typeof out.bypassed !== 'boolean') {
    warn(`${at}.bypassed`, 'not true or false; the node is not bypassed');
    delete out.bypassed;
  }
  if (isObject(out.params)) out.params = boundedParams(out.params, `${at}.params`, warn);
  else if (owned) {
    warn(`${at}.params`, 'missing; the node takes its defaults');
    out.params = {};
  }
  return out;
}

function repairPosition(position: unknown, at: string, owned: boolean, warn: Warn): unknown {
  if (!isObject(position)) {
    if (!owned) return position;
    warn(at, 'missing; the node was placed at the origin');
    return { x: 0, y: 0 };
  }
  const { x, y } = position;
  const numbers = typeof x === 'number' && typeof y === 'number';
  if (numbers && isCanvasCoordinate(x) && isCanvasCoordinate(y)) return position;
  if (numbers) {
    const moved = canvasPosition({ x, y });
    warn(at, `(${x}, ${y}) is off the canvas; moved to (${moved.x}, ${moved.y})`);
    return { ...position, ...moved };
  }
  if (!owned) return position;
  warn(at, 'not a place on the canvas; the node was placed at the origin');
  return { x: 0, y: 0 };
}

/** The params without any that are nested too deep or too large to keep, each named in a warning. */
function boundedParams(params: Raw, at: string, warn: Warn): Raw {
  let kept = params;
  for (let over = paramsProblem(kept, at); over; over = paramsProblem(kept, at)) {
    warn(over.problem.path, `${over.problem.message}; the parameter "${over.param}" was not kept`);
    kept = Object.fromEntries(Object.entries(kept).filter(([name]) => name !== over!.param));
  }
  return kept;
}

function repairEdge(edge: Raw, at: string, owned: boolean, fresh: (type: string) => string, renamed: ReadonlyMap<string, string>, warn: Warn): Raw | typeof DROP {
  const out: Raw = { ...edge };
  for (const end of ['source', 'target'] as const) {
    const now = typeof out[end] === 'string' ? renamed.get(out[end]) : undefined;
    if (now !== undefined) out[end] = now;
  }
  if (owned && !(isId(out.source) && isId(out.target) && isName(out.sourcePort) && isName(out.targetPort))) {
    warn(at, 'not a complete wire; dropped');
    return DROP;
  }
  if ((typeof out.id === 'string' && out.id.length > DOCUMENT_LIMITS.id) || (owned && !isId(out.id))) {
    const id = fresh('wire');
    warn(`${at}.id`, `${typeof out.id === 'string' && out.id !== '' ? `longer than ${DOCUMENT_LIMITS.id} characters` : 'missing'}; the wire is now "${id}"`);
    out.id = id;
  }
  return out;
}

/**
 * The rules no schema can state: unique ids, real endpoints, typed connections, valid params.
 * In an owned workflow a broken rule costs the one thing that broke it (a param back to its
 * default, a wire removed, a node renamed), with a warning, instead of the whole workflow.
 */
function checkGraph(document: WorkflowDocument, registry: NodeRegistry, owned: boolean): LoadResult {
  const errors: LoadIssue[] = [];
  const warnings: LoadIssue[] = [];
  /** A broken rule: refused, or in an owned workflow repaired as `repair` says. */
  const broken = (path: string, message: string, repair: string) => (owned ? warnings.push({ path, message: `${message}; ${repair}` }) : errors.push({ path, message }));
  const nodeIndex = new Map<string, number>();
  const fresh = idMaker(document.nodes.map((n) => n.id));

  const nodes = document.nodes.map((saved, i) => {
    let node = saved;
    const seen = nodeIndex.get(node.id);
    if (seen !== undefined) {
      const id = fresh(node.type);
      broken(`nodes[${i}].id`, `duplicate id "${node.id}" (also nodes[${seen}])`, `this one is now "${id}", and wires go to the first`);
      if (owned) node = { ...node, id };
    }
    if (!nodeIndex.has(node.id)) nodeIndex.set(node.id, i);

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
    for (const issue of issues) {
      const name = String(issue.path[0]);
      const fallback = definition.params[name]!.default;
      broken(formatPath(['nodes', i, 'params', ...issue.path]), issue.message, `set back to ${JSON.stringify(fallback) ?? 'none'}`);
      values[name] = fallback;
    }
    for (const name of unknown) {
      warnings.push({ path: formatPath(['nodes', i, 'params', name]), message: `${definition.title} has no parameter "${name}"; dropped` });
    }
    return { ...node, version: definition.version, params: values };
  });

  const edgeIds = new Map<string, number>();
  const filledInputs = new Map<string, number>();
  const edges = document.edges.filter((edge, i) => {
    const at = `edges[${i}]`;
    const problems: LoadIssue[] = [];
    const seen = edgeIds.get(edge.id);
    if (seen !== undefined) problems.push({ path: `${at}.id`, message: `duplicate id "${edge.id}" (also edges[${seen}])` });

    const source = endpoint(edge.source, nodeIndex, nodes, registry);
    const target = endpoint(edge.target, nodeIndex, nodes, registry);
    if (!source) problems.push({ path: `${at}.source`, message: `no node "${edge.source}"` });
    if (!target) problems.push({ path: `${at}.target`, message: `no node "${edge.target}"` });
    // Unknown types: nothing to check the ports against.
    if (source?.definition && target?.definition) {
      // Own ports only: a port named "constructor" or "toString" must not find Object.prototype's.
      const output = Object.hasOwn(source.definition.outputs, edge.sourcePort) ? source.definition.outputs[edge.sourcePort] : undefined;
      const input = Object.hasOwn(target.definition.inputs, edge.targetPort) ? target.definition.inputs[edge.targetPort] : undefined;
      if (!output) problems.push({ path: `${at}.sourcePort`, message: `${source.definition.title} has no output "${edge.sourcePort}"` });
      if (!input) problems.push({ path: `${at}.targetPort`, message: `${target.definition.title} has no input "${edge.targetPort}"` });
      if (output && input) {
        const legal = canConnect(output.type, input.type);
        if (!legal.ok) problems.push({ path: at, message: `${source.definition.title}.${edge.sourcePort} -> ${target.definition.title}.${edge.targetPort}: ${legal.reason}` });
        const slot = `${edge.target}\u0000${edge.targetPort}`;
        const first = filledInputs.get(slot);
        if (first !== undefined && !isListType(input.type)) problems.push({ path: at, message: `input "${edge.targetPort}" of node "${edge.target}" is already fed by edges[${first}]` });
        else if (first === undefined && (!owned || problems.length === 0)) filledInputs.set(slot, i);
      }
    }
    for (const problem of problems) broken(problem.path, problem.message, 'the wire was removed');
    if (problems.length > 0 && owned) return false;
    if (seen === undefined) edgeIds.set(edge.id, i);
    return true;
  });

  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, document: { ...document, nodes, edges }, warnings };
}

function endpoint(nodeId: string, nodeIndex: Map<string, number>, nodes: readonly WorkflowNode[], registry: NodeRegistry) {
  const index = nodeIndex.get(nodeId);
  if (index === undefined) return undefined;
  return { definition: registry.get(nodes[index]!.type) };
}

function key(k: PropertyKey): string | number {
  return typeof k === 'symbol' ? String(k) : k;
}
