/**
 * Bypass: a node switched off in place, as in ComfyUI and Blender. Each output passes on the
 * value of the first input that can feed it (by the port kinds' own rules), and the node's run is
 * never called, so a bypassed node never pays. A node with no such input cannot be bypassed.
 * The engine and the plan both read it from here, so they agree on what a bypass passes on.
 */
import type { AnyNodeDefinition, InputSpecs } from './node-definition';
import { canConnect } from './ports';
import { coerce, type PortValue } from './values';

/** Per output, the input whose value it passes on; outputs no input can feed are left out. */
export function bypassRoutes(definition: AnyNodeDefinition): Record<string, string> {
  const routes: Record<string, string> = {};
  for (const [output, spec] of Object.entries(definition.outputs)) {
    const input = Object.entries(definition.inputs).find(([, i]) => canConnect(i.type, spec.type).ok)?.[0];
    if (input !== undefined) routes[output] = input;
  }
  return routes;
}

/** Why a node of this type cannot be bypassed; undefined when it can. */
export function bypassRefusal(definition: AnyNodeDefinition): string | undefined {
  if (Object.keys(bypassRoutes(definition)).length > 0) return undefined;
  const outputs = Object.values(definition.outputs).map((o) => o.type);
  if (Object.keys(definition.inputs).length === 0) return `${definition.title} has no input to pass on`;
  return `no input of ${definition.title} carries what it puts out (${[...new Set(outputs)].join(', ')})`;
}

/** The inputs a bypass reads, each optional: an unwired one is reported as a missing output instead. */
export function bypassInputs(definition: AnyNodeDefinition): InputSpecs {
  const used = new Set(Object.values(bypassRoutes(definition)));
  return Object.fromEntries(Object.entries(definition.inputs).flatMap(([port, spec]) => (used.has(port) ? [[port, { ...spec, optional: true }]] : [])));
}

/**
 * Why a bypassed node cannot do its job as wired: it cannot be bypassed at all, or an output that
 * something downstream reads (`wiredOutputs`) would get nothing, its input having no wire.
 */
export function bypassProblem(definition: AnyNodeDefinition, wiredInputs: ReadonlySet<string>, wiredOutputs: ReadonlySet<string>): string | undefined {
  const refused = bypassRefusal(definition);
  if (refused) return `bypassed, but it cannot be: ${refused}`;
  const routes = bypassRoutes(definition);
  for (const output of wiredOutputs) {
    const input = routes[output];
    const label = definition.outputs[output]?.label ?? output;
    if (input === undefined) return `bypassed, so nothing comes out of "${label}" (no input carries a ${definition.outputs[output]?.type ?? 'value'})`;
    if (!wiredInputs.has(input)) return `bypassed, but nothing is wired into "${definition.inputs[input]!.label}" to pass on to "${label}"`;
  }
  return undefined;
}

/** What a bypassed node puts out: each routed input's value, converted to its output's type. */
export function passThrough(definition: AnyNodeDefinition, inputs: Readonly<Record<string, PortValue | undefined>>): Record<string, PortValue> {
  const outputs: Record<string, PortValue> = {};
  for (const [output, input] of Object.entries(bypassRoutes(definition))) {
    const value = inputs[input];
    if (value !== undefined) outputs[output] = coerce(value, definition.outputs[output]!.type);
  }
  return outputs;
}
