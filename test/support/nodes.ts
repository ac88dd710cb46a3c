/**
 * Node types for engine tests: cheap, deterministic, and observable. `test.mix` hashes its
 * params and inputs into its output, so any change upstream changes every value downstream.
 */
import fc from 'fast-check';
import { createMedia, defineNode, hashString, NodeError, param, NodeRegistry, WORKFLOW_FORMAT, WORKFLOW_VERSION, type WorkflowDocument } from '../../src/engine';

export interface Probe {
  /** Called inside every run; may wait, throw, or watch the signal. */
  onRun?: (nodeId: string, signal: AbortSignal) => Promise<void> | void;
  running: number;
  peak: number;
}

export function testNodes(probe: Probe = { running: 0, peak: 0 }) {
  const mix = defineNode({
    type: 'test.mix',
    version: 1,
    title: 'Mix',
    category: 'Utility',
    description: 'Hashes its parameter and inputs into text.',
    inputs: { in: { type: 'list<text>', label: 'In', optional: true } },
    outputs: { out: { type: 'text', label: 'Out' } },
    params: {
      k: param.number({ label: 'K', default: 0, min: -1e9, max: 1e9 }),
      fail: param.boolean({ label: 'Fail', default: false }),
      resource: param.text({ label: 'Resource', default: '' }),
    },
    resource: (p) => p.resource || undefined,
    async run({ nodeId, inputs, params, signal }) {
      probe.running++;
      probe.peak = Math.max(probe.peak, probe.running);
      try {
        await probe.onRun?.(nodeId, signal);
        if (params.fail) throw new NodeError(`asked to fail (${nodeId})`);
        return { out: hashString(`${params.k}|${inputs.in.join(',')}`) };
      } finally {
        probe.running--;
      }
    },
  });

  const needs = defineNode({
    type: 'test.needs',
    version: 2,
    title: 'Needs',
    category: 'Utility',
    description: 'Has a required input and a bounded parameter.',
    inputs: { image: { type: 'image', label: 'Image' }, note: { type: 'text', label: 'Note', optional: true } },
    outputs: { out: { type: 'text', label: 'Out' } },
    params: { duration: param.number({ label: 'Duration', default: 5, min: 1, max: 20, integer: true }) },
    migrations: { 1: ({ seconds, ...rest }) => ({ ...rest, duration: seconds }) },
    async run({ inputs, params }) {
      return { out: `${inputs.image.hash}:${params.duration}` };
    },
  });

  const number = defineNode({
    type: 'test.number',
    version: 1,
    title: 'Number',
    category: 'Utility',
    description: 'A constant.',
    inputs: {},
    outputs: { value: { type: 'number', label: 'Value' } },
    params: { value: param.number({ label: 'Value', default: 1, min: -100, max: 100 }) },
    async run({ params }) {
      return { value: params.value };
    },
  });

  const image = defineNode({
    type: 'test.image',
    version: 1,
    title: 'Image',
    category: 'Input',
    description: 'A tiny PNG-typed blob.',
    inputs: {},
    outputs: { image: { type: 'image', label: 'Image' } },
    params: {},
    async run() {
      const blob = new Blob([new Uint8Array([137, 80, 78, 71])], { type: 'image/png' });
      return { image: await createMedia('image', blob, { mime: 'image/png', width: 1, height: 1 }) };
    },
  });

  const paid = defineNode({
    type: 'test.paid',
    version: 1,
    title: 'Paid',
    category: 'Generate',
    description: 'Work priced per second, like a generation.',
    inputs: { in: { type: 'list<text>', label: 'In', optional: true } },
    outputs: { out: { type: 'text', label: 'Out' } },
    params: { seconds: param.number({ label: 'Seconds', default: 5, min: 1, max: 10, integer: true }), tag: param.text({ label: 'Tag', default: '' }) },
    cost: (p) => ({ usd: p.seconds * 0.1, basis: `${p.seconds} s x $0.10/s` }),
    services: { journal: true },
    async run({ inputs, params }) {
      return { out: hashString(`paid|${params.seconds}|${params.tag}|${inputs.in.join(',')}`) };
    },
  });

  /** Paid like a generation, and bypassable: its text input can pass to its text output. */
  const relay = defineNode({
    type: 'test.relay',
    version: 1,
    title: 'Relay',
    category: 'Generate',
    description: 'Paid work on one text, with a number output no input can feed.',
    inputs: { in: { type: 'text', label: 'In', optional: true } },
    outputs: { out: { type: 'text', label: 'Out' }, length: { type: 'number', label: 'Length' } },
    params: {
      k: param.number({ label: 'K', default: 0, min: -1e9, max: 1e9 }),
      fileName: param.text({ label: 'File name', default: '{workflow}-{photo}-{model}-{date}', keyed: false }),
    },
    save: { output: 'out', name: 'fileName' },
    cost: () => ({ usd: 0.5, basis: '$0.50 per run' }),
    async run({ nodeId, inputs, params }) {
      probe.running++;
      try {
        await probe.onRun?.(nodeId, new AbortController().signal);
        const out = hashString(`relay|${params.k}|${inputs.in ?? ''}`);
        return { out, length: out.length };
      } finally {
        probe.running--;
      }
    },
  });

  return new NodeRegistry([mix, needs, number, image, paid, relay]);
}

/** Random links for nodes n0..n(size-1): each fed by up to three earlier nodes, so never a cycle. */
export function dagLinks(size: number): fc.Arbitrary<[string, string][]> {
  return fc
    .tuple(...Array.from({ length: size }, (_, i) => fc.subarray(Array.from({ length: i }, (_, j) => j), { maxLength: Math.min(3, i) })))
    .map((parents) => parents.flatMap((ps, i) => ps.map((p): [string, string] => [`n${p}`, `n${i}`])));
}

export interface Spec {
  id: string;
  k?: number;
  fail?: boolean;
  resource?: string;
}

/** A workflow of `test.mix` nodes wired source -> target into their list input. */
export function mixGraph(specs: readonly Spec[], links: readonly [string, string][]): WorkflowDocument {
  return {
    format: WORKFLOW_FORMAT,
    version: WORKFLOW_VERSION,
    id: 'wf',
    name: 'test',
    nodes: specs.map((s, i) => ({
      id: s.id,
      type: 'test.mix',
      version: 1,
      position: { x: i * 10, y: 0 },
      params: { k: s.k ?? 0, fail: s.fail ?? false, resource: s.resource ?? '' },
    })),
    edges: links.map(([source, target], i) => ({ id: `e${i}`, source, sourcePort: 'out', target, targetPort: 'in' })),
  };
}
