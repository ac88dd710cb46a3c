/**
 * Importing damaged workflows: valid documents (the default workflow and random legal graphs over
 * the built-in nodes) are mutated thousands of ways, as parsed objects and as raw file text. Every
 * import either loads (and then round-trips to the same document) or names what is wrong by path;
 * nothing throws, nothing pollutes Object.prototype, and the workflow store is never corrupted.
 */
import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  canConnect,
  isListType,
  loadWorkflow,
  SEED_MAX,
  WORKFLOW_FORMAT,
  WORKFLOW_VERSION,
  type LoadResult,
  type ParamSpec,
  type WorkflowDocument,
  type WorkflowEdge,
  type WorkflowNode,
} from '../../src/engine';
import { readShareLink, readWorkflowFile, shareLink } from '../../src/editor/workflow-files';
import { createRegistry } from '../../src/nodes';
import { openStillmotionDb, WorkflowStore } from '../../src/storage';
import { defaultWorkflow } from '../../src/workflows/default-workflow';

const registry = createRegistry();
const definitions = registry.list();

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

// ---------------------------------------------------------------------------------------------
// Valid documents

/** A random legal graph: built-in nodes with their default params, edges only between compatible ports. */
const validGraphArb: fc.Arbitrary<WorkflowDocument> = fc
  .record({
    types: fc.array(fc.integer({ min: 0, max: definitions.length - 1 }), { minLength: 0, maxLength: 8 }),
    positions: fc.array(fc.tuple(fc.integer({ min: -5000, max: 5000 }), fc.integer({ min: -5000, max: 5000 })), { minLength: 8, maxLength: 8 }),
    wires: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.nat()), { maxLength: 16 }),
    name: fc.string({ maxLength: 40 }),
    titled: fc.boolean(),
    viewport: fc.option(fc.record({ x: fc.integer({ min: -1000, max: 1000 }), y: fc.integer({ min: -1000, max: 1000 }), zoom: fc.double({ min: 0.1, max: 4, noNaN: true }) }), { nil: undefined }),
  })
  .map(({ types, positions, wires, name, titled, viewport }): WorkflowDocument => {
    const nodes: WorkflowNode[] = types.map((t, i) => {
      const definition = definitions[t]!;
      const params = Object.fromEntries(Object.entries(definition.params).map(([k, spec]) => [k, spec.default]));
      const [x, y] = positions[i]!;
      return { id: `n${i}`, type: definition.type, version: definition.version, ...(titled && i % 2 === 0 ? { title: `My ${definition.title}` } : {}), position: { x, y }, params };
    });
    const edges: WorkflowEdge[] = [];
    const filled = new Set<string>();
    for (const [a, b, o, p] of wires) {
      if (nodes.length < 2) break;
      // Only forward wires, so the graph stays acyclic.
      const i = a % nodes.length;
      const j = b % nodes.length;
      if (i >= j) continue;
      const from = registry.get(nodes[i]!.type)!;
      const to = registry.get(nodes[j]!.type)!;
      const outs = Object.keys(from.outputs);
      const ins = Object.keys(to.inputs);
      if (outs.length === 0 || ins.length === 0) continue;
      const sourcePort = outs[o % outs.length]!;
      const targetPort = ins[p % ins.length]!;
      const inputType = to.inputs[targetPort]!.type;
      if (!canConnect(from.outputs[sourcePort]!.type, inputType).ok) continue;
      const slot = `${nodes[j]!.id}/${targetPort}`;
      if (filled.has(slot) && !isListType(inputType)) continue;
      filled.add(slot);
      edges.push({ id: `e${edges.length}`, source: nodes[i]!.id, sourcePort, target: nodes[j]!.id, targetPort });
    }
    return { format: WORKFLOW_FORMAT, version: WORKFLOW_VERSION, id: 'generated', name, nodes, edges, ...(viewport ? { viewport } : {}) };
  });

const baseArb: fc.Arbitrary<WorkflowDocument> = fc.oneof({ weight: 1, arbitrary: fc.constant(null).map(() => defaultWorkflow('default')) }, { weight: 3, arbitrary: validGraphArb });

// ---------------------------------------------------------------------------------------------
// Mutations of parsed documents

/** Values of the wrong JSON type, or of the right type but hostile. */
const ODD_VALUES: readonly { label: string; value: () => Json }[] = [
  { label: 'null', value: () => null },
  { label: '0', value: () => 0 },
  { label: '-1', value: () => -1 },
  { label: '1.5', value: () => 1.5 },
  { label: 'huge number', value: () => 1e308 },
  { label: 'negative huge number', value: () => -1e308 },
  { label: '"NaN"', value: () => 'NaN' },
  { label: '"Infinity"', value: () => 'Infinity' },
  { label: 'empty string', value: () => '' },
  { label: 'string', value: () => 'x' },
  { label: 'very long string', value: () => 'ø'.repeat(100_000) },
  { label: 'true', value: () => true },
  { label: 'empty array', value: () => [] },
  { label: 'array', value: () => [1, 'two', null] },
  { label: 'empty object', value: () => ({}) },
  { label: 'object', value: () => ({ a: 1 }) },
];

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'] as const;
const PORT_NAMES = ['', 'nope', 'image', 'video', 'text', 'parts', ...PROTO_KEYS] as const;

type Mutation =
  | { kind: 'delete'; at: number }
  | { kind: 'retype'; at: number; odd: number }
  | { kind: 'unknown-type'; node: number; type: string }
  | { kind: 'bad-param'; node: number; param: number; bad: number }
  | { kind: 'duplicate-id'; of: 'nodes' | 'edges'; a: number; b: number }
  | { kind: 'dangle'; edge: number; end: 'source' | 'target'; to: string }
  | { kind: 'port'; edge: number; end: 'sourcePort' | 'targetPort'; name: string }
  | { kind: 'extra-edge'; a: number; b: number; out: string; in: string }
  | { kind: 'version'; node: number | null; delta: number }
  | { kind: 'deep'; at: number; depth: number; array: boolean }
  | { kind: 'proto-key'; at: number; key: (typeof PROTO_KEYS)[number] };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('retype' as const), at: fc.nat(), odd: fc.nat({ max: ODD_VALUES.length - 1 }) }),
  fc.record({ kind: fc.constant('unknown-type' as const), node: fc.nat(), type: fc.oneof(fc.constantFrom('plugin.gone', 'constructor', '__proto__', 'toString', ' image.sample'), fc.string({ minLength: 1, maxLength: 12 })) }),
  fc.record({ kind: fc.constant('bad-param' as const), node: fc.nat(), param: fc.nat(), bad: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate-id' as const), of: fc.constantFrom('nodes' as const, 'edges' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('dangle' as const), edge: fc.nat(), end: fc.constantFrom('source' as const, 'target' as const), to: fc.constantFrom('ghost', 'constructor', '__proto__', 'n99', 'hasOwnProperty') }),
  fc.record({ kind: fc.constant('port' as const), edge: fc.nat(), end: fc.constantFrom('sourcePort' as const, 'targetPort' as const), name: fc.constantFrom(...PORT_NAMES) }),
  fc.record({ kind: fc.constant('extra-edge' as const), a: fc.nat(), b: fc.nat(), out: fc.constantFrom(...PORT_NAMES), in: fc.constantFrom(...PORT_NAMES) }),
  fc.record({ kind: fc.constant('version' as const), node: fc.option(fc.nat(), { nil: null }), delta: fc.constantFrom(-WORKFLOW_VERSION, -1, 1, 2, 1000, 0.5) }),
  fc.record({ kind: fc.constant('deep' as const), at: fc.nat(), depth: fc.integer({ min: 10, max: 2000 }), array: fc.boolean() }),
  fc.record({ kind: fc.constant('proto-key' as const), at: fc.nat(), key: fc.constantFrom(...PROTO_KEYS) }),
);

/** Every path to a value in `root` down to 6 levels (the document's own depth), the root itself first. */
function paths(root: Json): Path[] {
  const out: Path[] = [[]];
  const walk = (value: Json, path: Path) => {
    if (path.length >= 6) return;
    if (Array.isArray(value)) value.forEach((v, i) => (out.push([...path, i]), walk(v, [...path, i])));
    else if (value !== null && typeof value === 'object') for (const k of Object.keys(value)) out.push([...path, k]), walk(value[k]!, [...path, k]);
  };
  walk(root, []);
  return out;
}

function containerPaths(root: Json): Path[] {
  return paths(root).filter((p) => {
    const v = get(root, p);
    return v !== null && typeof v === 'object';
  });
}

function get(root: Json, path: Path): Json | undefined {
  let value: Json | undefined = root;
  for (const k of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = Object.hasOwn(value, k) ? (value as Record<string | number, Json>)[k] : undefined;
  }
  return value;
}

/** Sets an own data property, even for `__proto__` (plain assignment would swap the prototype). */
function define(target: object, key: string | number, value: Json): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

function set(root: Json, path: Path, value: Json): Json {
  if (path.length === 0) return value;
  const parent = get(root, path.slice(0, -1));
  if (parent !== null && typeof parent === 'object') define(parent, path[path.length - 1]!, value);
  return root;
}

function fmt(path: Path): string {
  return path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('') || '(root)';
}

function pick<T>(items: readonly T[], n: number): T | undefined {
  return items.length === 0 ? undefined : items[n % items.length];
}

function nodesOf(doc: Json): Record<string, Json>[] {
  const nodes = get(doc, ['nodes']);
  return Array.isArray(nodes) ? (nodes.filter((n) => n !== null && typeof n === 'object' && !Array.isArray(n)) as Record<string, Json>[]) : [];
}

function edgesOf(doc: Json): Record<string, Json>[] {
  const edges = get(doc, ['edges']);
  return Array.isArray(edges) ? (edges.filter((n) => n !== null && typeof n === 'object' && !Array.isArray(n)) as Record<string, Json>[]) : [];
}

/** Values a parameter must refuse: out of range, wrong type, not one of the options. */
function badValues(spec: ParamSpec): { label: string; value: Json }[] {
  const wrongType = [
    { label: 'null', value: null },
    { label: '"NaN"', value: 'NaN' },
    { label: 'an object', value: { polluted: 'param' } },
    { label: 'an array', value: [1] },
  ];
  switch (spec.kind) {
    case 'number':
      return [
        { label: `min - 1 (${spec.min - 1})`, value: spec.min - 1 },
        { label: `max + 1 (${spec.max + 1})`, value: spec.max + 1 },
        { label: 'huge', value: 1e308 },
        { label: 'a numeric string', value: String(spec.default) },
        ...(spec.integer ? [{ label: 'a fraction', value: spec.min + 0.5 }] : []),
        { label: 'true', value: true },
        ...wrongType.filter((w) => w.value !== null),
      ];
    case 'seed':
      return [
        { label: '-1', value: -1 },
        { label: 'SEED_MAX + 1', value: SEED_MAX + 1 },
        { label: '0.5', value: 0.5 },
        { label: '"7"', value: '7' },
        ...wrongType,
      ];
    case 'select':
      return [{ label: 'not an option', value: 'no-such-option' }, { label: 'a number', value: 3 }, { label: 'empty', value: '' }, ...wrongType];
    case 'text':
      return [{ label: 'a number', value: 42 }, ...(spec.maxLength !== undefined ? [{ label: 'too long', value: 'a'.repeat(spec.maxLength + 1) }] : []), ...wrongType];
    case 'boolean':
      return [{ label: '"true"', value: 'true' }, { label: '1', value: 1 }, ...wrongType];
    case 'asset':
      return [
        { label: 'a string', value: 'abc' },
        { label: 'a bad hash', value: { hash: 'x', name: 'a', mime: 'image/png', size: 1 } },
        { label: 'a negative size', value: { hash: 'a'.repeat(64), name: 'a', mime: 'image/png', size: -1 } },
        { label: 'a number', value: 5 },
      ];
    case 'assets':
      return [
        { label: 'one file, not a list', value: { hash: 'a'.repeat(64), name: 'a', mime: 'image/png', size: 1 } },
        { label: 'a list with a bad hash', value: [{ hash: 'x', name: 'a', mime: 'image/png', size: 1 }] },
        { label: 'a list of strings', value: ['abc'] },
        { label: 'a number', value: 5 },
      ];
    default:
      // A kind registered elsewhere (the param-kinds test adds one): only values of no kind's type.
      return wrongType;
  }
}

/** Applies one mutation in place (or returns a new root); describes what it did. */
function applyMutation(doc: Json, m: Mutation, log: string[]): Json {
  switch (m.kind) {
    case 'delete': {
      const path = pick(paths(doc).slice(1), m.at);
      if (!path) return doc;
      const parent = get(doc, path.slice(0, -1));
      const last = path[path.length - 1]!;
      if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
      else if (parent !== null && typeof parent === 'object') delete (parent as Record<string, Json>)[last];
      log.push(`delete ${fmt(path)}`);
      return doc;
    }
    case 'retype': {
      const path = pick(paths(doc), m.at)!;
      const odd = ODD_VALUES[m.odd]!;
      log.push(`set ${fmt(path)} to ${odd.label}`);
      return set(doc, path, odd.value());
    }
    case 'unknown-type': {
      const node = pick(nodesOf(doc), m.node);
      if (!node) return doc;
      log.push(`node ${JSON.stringify(node.id)}: type ${JSON.stringify(node.type)} -> ${JSON.stringify(m.type)}`);
      define(node, 'type', m.type);
      return doc;
    }
    case 'bad-param': {
      const node = pick(nodesOf(doc), m.node);
      const definition = node && typeof node.type === 'string' ? registry.get(node.type) : undefined;
      if (!node || !definition || node.params === null || typeof node.params !== 'object') return doc;
      const entry = pick(Object.entries(definition.params), m.param);
      if (!entry) return doc;
      const [name, spec] = entry;
      const bad = pick(badValues(spec), m.bad)!;
      log.push(`node ${JSON.stringify(node.id)}: param ${name} = ${bad.label}`);
      define(node.params, name, bad.value);
      return doc;
    }
    case 'duplicate-id': {
      const items = m.of === 'nodes' ? nodesOf(doc) : edgesOf(doc);
      if (items.length < 2) return doc;
      const a = m.a % items.length;
      let b = m.b % items.length;
      if (a === b) b = (b + 1) % items.length;
      log.push(`${m.of}: copy id ${JSON.stringify(items[a]!.id)} onto [${b}]`);
      define(items[b]!, 'id', items[a]!.id ?? null);
      return doc;
    }
    case 'dangle': {
      const edge = pick(edgesOf(doc), m.edge);
      if (!edge) return doc;
      log.push(`edge ${JSON.stringify(edge.id)}: ${m.end} -> ${JSON.stringify(m.to)}`);
      define(edge, m.end, m.to);
      return doc;
    }
    case 'port': {
      const edge = pick(edgesOf(doc), m.edge);
      if (!edge) return doc;
      log.push(`edge ${JSON.stringify(edge.id)}: ${m.end} -> ${JSON.stringify(m.name)}`);
      define(edge, m.end, m.name);
      return doc;
    }
    case 'extra-edge': {
      const nodes = nodesOf(doc);
      const edges = get(doc, ['edges']);
      if (nodes.length === 0 || !Array.isArray(edges)) return doc;
      const edge = { id: `extra${edges.length}`, source: pick(nodes, m.a)!.id ?? null, sourcePort: m.out, target: pick(nodes, m.b)!.id ?? null, targetPort: m.in };
      log.push(`add edge ${JSON.stringify(edge)}`);
      edges.push(edge);
      return doc;
    }
    case 'version': {
      const target = m.node === null ? doc : pick(nodesOf(doc), m.node);
      if (target === null || typeof target !== 'object' || Array.isArray(target) || typeof target === 'undefined') return doc;
      const now = typeof target.version === 'number' ? target.version : 1;
      log.push(`${m.node === null ? 'document' : `node ${JSON.stringify(target.id)}`} version ${now} -> ${now + m.delta}`);
      define(target, 'version', now + m.delta);
      return doc;
    }
    case 'deep': {
      const path = pick(paths(doc).slice(1), m.at);
      if (!path) return doc;
      let value: Json = 1;
      for (let i = 0; i < m.depth; i++) value = m.array ? [value] : { d: value };
      log.push(`set ${fmt(path)} to ${m.array ? 'arrays' : 'objects'} nested ${m.depth} deep`);
      return set(doc, path, value);
    }
    case 'proto-key': {
      const path = pick(containerPaths(doc), m.at);
      if (!path) return doc;
      const parent = get(doc, path)!;
      log.push(`add own key ${JSON.stringify(m.key)} = {polluted} at ${fmt(path)}`);
      if (Array.isArray(parent)) {
        // Arrays get it on an element object instead.
        parent.push(JSON.parse(`{${JSON.stringify(m.key)}: {"polluted": "yes"}}`) as Json);
      } else define(parent as object, m.key, { polluted: 'yes' });
      return doc;
    }
  }
}

function mutate(base: WorkflowDocument, mutations: Mutation[]): { input: Json; log: string[] } {
  const log: string[] = [];
  let doc = JSON.parse(JSON.stringify(base)) as Json;
  for (const m of mutations) doc = applyMutation(doc, m, log);
  return { input: doc, log };
}

// ---------------------------------------------------------------------------------------------
// Mutations of file text

type TextMutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'garbage'; at: number; bytes: string }
  | { kind: 'proto-text'; at: number; key: string }
  | { kind: 'huge-number'; at: number };

const textMutationArb: fc.Arbitrary<TextMutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('garbage' as const),
    at: fc.nat(),
    bytes: fc.oneof(
      fc.string({ minLength: 1, maxLength: 6 }),
      fc.constantFrom('\u0000', '\uFEFF', '\uD800', ',', '}', ']', '"', '\\', 'NaN', 'undefined', '1e999', '-0', '{"a":', '\u2028'),
    ),
  }),
  fc.record({ kind: fc.constant('proto-text' as const), at: fc.nat(), key: fc.constantFrom('__proto__', 'constructor', 'prototype') }),
  fc.record({ kind: fc.constant('huge-number' as const), at: fc.nat() }),
);

function mutateText(text: string, m: TextMutation, log: string[]): string {
  switch (m.kind) {
    case 'truncate': {
      const at = m.at % (text.length + 1);
      log.push(`truncate text at ${at}/${text.length}`);
      return text.slice(0, at);
    }
    case 'garbage': {
      const at = m.at % (text.length + 1);
      log.push(`insert ${JSON.stringify(m.bytes)} at ${at}`);
      return text.slice(0, at) + m.bytes + text.slice(at);
    }
    case 'proto-text': {
      // After some "{", so the key lands on a real object of the document.
      const opens = [...text.matchAll(/\{/g)].map((x) => x.index);
      const at = pick(opens, m.at);
      if (at === undefined) return text;
      log.push(`insert "${m.key}": {"polluted": "yes"} after the "{" at ${at}`);
      return `${text.slice(0, at + 1)}"${m.key}": {"polluted": "yes"}${text[at + 1] === '}' ? '' : ','}${text.slice(at + 1)}`;
    }
    case 'huge-number': {
      // Replace some number literal with one that parses to Infinity.
      const numbers = [...text.matchAll(/(?<=[:\[,]\s*)-?\d+(\.\d+)?(?=\s*[,}\]])/g)];
      const hit = pick(numbers, m.at);
      if (!hit) return text;
      log.push(`number ${hit[0]} at ${hit.index} -> 1e999`);
      return `${text.slice(0, hit.index)}1e999${text.slice(hit.index + hit[0].length)}`;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The properties

const prototypeNames = (o: object) => Object.getOwnPropertyNames(o).sort();
const OBJECT_PROTO = prototypeNames(Object.prototype);
const ARRAY_PROTO = prototypeNames(Array.prototype);

function expectNoPollution(): void {
  const probe = {} as Record<string, unknown>;
  expect(probe.polluted, 'Object.prototype.polluted').toBeUndefined();
  expect(([] as unknown as Record<string, unknown>).polluted, 'Array.prototype.polluted').toBeUndefined();
  expect(Object.getPrototypeOf(probe)).toBe(Object.prototype);
  expect(prototypeNames(Object.prototype)).toEqual(OBJECT_PROTO);
  expect(prototypeNames(Array.prototype)).toEqual(ARRAY_PROTO);
  expect(typeof Object.prototype.toString).toBe('function');
  expect(Object.prototype.constructor).toBe(Object);
}

function expectClearIssue(issue: { path: unknown; message: unknown }): void {
  expect(typeof issue.path, `path of ${JSON.stringify(issue)}`).toBe('string');
  expect(typeof issue.message, `message of ${JSON.stringify(issue)}`).toBe('string');
  const message = issue.message as string;
  expect(message.trim().length, `empty message at "${issue.path as string}"`).toBeGreaterThan(0);
  // Quoted text is the file's own content echoed back (`no node "undefined"`, a JSON parse excerpt): fine.
  let own = message.replace(/^(not a workflow file: the JSON does not parse) \(.*\)$/s, '$1 (the parser\'s excerpt of the file)');
  own = own.replace(/\\?"[^"]*?\\?"/g, '""');
  expect(own, `message at "${issue.path as string}": ${message}`).not.toMatch(/\bundefined\b|\[object Object\]/);
  expect(message, `message at "${issue.path as string}"`).toMatch(/[a-z]{2,}/i);
}

function hasNonFinite(value: unknown): boolean {
  if (typeof value === 'number') return !Number.isFinite(value);
  if (Array.isArray(value)) return value.some(hasNonFinite);
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasNonFinite);
  return false;
}

/** The contract of every import result. */
function expectSoundResult(result: LoadResult): void {
  expect(result).toBeTypeOf('object');
  if (result.ok) {
    const { document } = result;
    const ids = new Set(document.nodes.map((n) => n.id));
    expect(ids.size, 'node ids are unique').toBe(document.nodes.length);
    for (const edge of document.edges) {
      expect(ids.has(edge.source), `edge ${edge.id} source "${edge.source}" exists`).toBe(true);
      expect(ids.has(edge.target), `edge ${edge.id} target "${edge.target}" exists`).toBe(true);
      const source = registry.get(document.nodes.find((n) => n.id === edge.source)!.type);
      const target = registry.get(document.nodes.find((n) => n.id === edge.target)!.type);
      // The loader checks ports only when both ends are known types (an edge to a missing node is kept as is).
      if (!source || !target) continue;
      expect(Object.hasOwn(source.outputs, edge.sourcePort), `${source.type} has output "${edge.sourcePort}"`).toBe(true);
      expect(Object.hasOwn(target.inputs, edge.targetPort), `${target.type} has input "${edge.targetPort}"`).toBe(true);
      expect(canConnect(source.outputs[edge.sourcePort]!.type, target.inputs[edge.targetPort]!.type).ok).toBe(true);
    }
    for (const w of result.warnings) expectClearIssue(w);
    // What a file export writes must load back to the same document: idempotent.
    // Known node types only: an unknown type's params are kept unchecked, so `1e999` in a file stays
    // Infinity there and exports as null (noted in the report; the JSON round trip below still holds).
    for (const node of document.nodes) {
      if (registry.has(node.type)) expect(hasNonFinite(node), `node ${node.id} holds only finite numbers`).toBe(false);
    }
    expect(hasNonFinite({ ...document, nodes: [] }), 'the document holds only finite numbers').toBe(false);
    const text = JSON.stringify(document);
    const again = loadWorkflow(JSON.parse(text), registry);
    expect(again.ok, `reloading the loaded document: ${again.ok ? '' : JSON.stringify(again.errors)}`).toBe(true);
    if (again.ok) {
      expect(JSON.stringify(again.document)).toBe(text);
      expect(again.document).toEqual(JSON.parse(text));
    }
  } else {
    expect(Array.isArray(result.errors)).toBe(true);
    expect(result.errors.length, 'a refused import names at least one error').toBeGreaterThan(0);
    for (const e of result.errors) expectClearIssue(e);
  }
}

/** Runs `check`, prefixing any failure with the mutations that led there. */
async function described(log: string[], check: () => void | Promise<void>): Promise<void> {
  try {
    await check();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`after mutations:\n  ${log.join('\n  ') || '(none)'}\n${message}`, { cause: error });
  }
}

function describedSync(log: string[], check: () => void): void {
  try {
    check();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`after mutations:\n  ${log.join('\n  ') || '(none)'}\n${message}`, { cause: error });
  }
}

const mutationsArb = fc.array(mutationArb, { minLength: 1, maxLength: 4 });
const textMutationsArb = fc.array(textMutationArb, { minLength: 0, maxLength: 3 });

describe('importing mutated workflows', () => {
  afterAll(() => expectNoPollution());

  it('the valid starting documents load unchanged (sanity check for the generators)', () => {
    fc.assert(
      fc.property(baseArb, (base) => {
        const result = loadWorkflow(JSON.parse(JSON.stringify(base)), registry);
        expect(result).toMatchObject({ ok: true, warnings: [] });
        if (result.ok) expect(result.document).toEqual(base);
      }),
      { numRuns: 200 },
    );
  });

  it('a mutated document either loads and round-trips, or names each problem by path', () => {
    fc.assert(
      fc.property(baseArb, mutationsArb, (base, mutations) => {
        const { input, log } = mutate(base, mutations);
        describedSync(log, () => {
          let result: LoadResult | undefined;
          expect(() => (result = loadWorkflow(input, registry)), 'loadWorkflow must not throw').not.toThrow();
          expectSoundResult(result!);
          expectNoPollution();
        });
      }),
      { numRuns: 2000 },
    );
  }, 30_000);

  it('a mutated workflow file (objects, then text) never throws and never pollutes', async () => {
    await fc.assert(
      fc.asyncProperty(baseArb, fc.array(mutationArb, { maxLength: 3 }), textMutationsArb, fc.boolean(), async (base, mutations, textMutations, pretty) => {
        const { input, log } = mutate(base, mutations);
        // Indenting a document nested thousands deep would make megabytes of spaces: compact then.
        const indent = pretty && !mutations.some((m) => m.kind === 'deep');
        let text = indent ? `${JSON.stringify(input, null, 2)}\n` : JSON.stringify(input);
        for (const m of textMutations) text = mutateText(text, m, log);
        await described(log, async () => {
          const result = await readWorkflowFile(new Blob([text]), registry);
          expectSoundResult(result);
          expectNoPollution();
        });
      }),
      { numRuns: 1000 },
    );
  }, 30_000);

  it('a damaged share link never throws: it loads or says it is damaged', async () => {
    const links = await Promise.all([defaultWorkflow('shared'), ...fc.sample(validGraphArb, { numRuns: 5, seed: 1 })].map((d) => shareLink(d, 'http://x/')));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...links.map((l) => new URL(l).hash)),
        fc.nat(),
        fc.oneof(fc.constant(''), fc.string({ maxLength: 4 }), fc.constantFrom('%', '=', '==', '!', '\u00ff', '\uD800', 'AAAA')),
        fc.boolean(),
        async (hash, at, insert, cut) => {
          const i = '#workflow='.length + (at % (hash.length - '#workflow='.length + 1));
          const damaged = cut ? hash.slice(0, i) + insert : hash.slice(0, i) + insert + hash.slice(i + 1);
          const log = [`share link ${cut ? 'cut' : 'changed'} at ${i} with ${JSON.stringify(insert)}`];
          await described(log, async () => {
            const result = await readShareLink(damaged, registry);
            expect(result).toBeDefined();
            expectSoundResult(result!);
            expectNoPollution();
          });
        },
      ),
      { numRuns: 300 },
    );
  }, 30_000);
});

describe('the workflow store under mutated imports', () => {
  let db: Awaited<ReturnType<typeof openStillmotionDb>>;
  let store: WorkflowStore;
  beforeAll(async () => {
    db = await openStillmotionDb('workflow-import-property');
    store = new WorkflowStore(db, registry, { clock: () => 1000 });
  });
  afterAll(() => db.close());

  it('is never corrupted: only good imports are saved, and every stored workflow still loads', async () => {
    const good = defaultWorkflow('known-good');
    await store.save(good);
    const goodRecord = await db.get('workflows', 'known-good');
    let imported = 0;
    let refused = 0;

    await fc.assert(
      fc.asyncProperty(baseArb, fc.array(mutationArb, { maxLength: 3 }), textMutationsArb, async (base, mutations, textMutations) => {
        // Imports that keep the known-good id must still land as new workflows (the app gives each a fresh id).
        const { input, log } = mutate({ ...base, id: 'known-good' }, mutations);
        let text = JSON.stringify(input);
        for (const m of textMutations) text = mutateText(text, m, log);
        await described(log, async () => {
          const result = await readWorkflowFile(new Blob([text]), registry);
          if (!result.ok) {
            refused++;
            return;
          }
          // What the session does on import: a new workflow under a fresh id.
          const id = `import-${imported++}`;
          await store.save({ ...result.document, id });
          const back = await store.get(id);
          expect(back?.ok, `stored import ${id} reloads: ${back && !back.ok ? JSON.stringify(back.errors) : ''}`).toBe(true);
          if (back?.ok) expect(back.document).toEqual({ ...result.document, id });
        });
      }),
      { numRuns: 300 },
    );

    expectNoPollution();
    const list = await store.list();
    expect(list.length).toBe(imported + 1);
    expect(imported + refused).toBeGreaterThanOrEqual(300);
    expect(await db.get('workflows', 'known-good')).toEqual(goodRecord);
    expect(await store.get('known-good')).toEqual({ ok: true, document: good, warnings: [] });
    for (const { id } of list) {
      const loaded = await store.get(id);
      expect(loaded?.ok, `stored workflow ${id} loads`).toBe(true);
    }
    // Both outcomes were exercised.
    expect(imported).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  }, 30_000);
});
