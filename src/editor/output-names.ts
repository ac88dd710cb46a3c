/**
 * The name Save gives a node's output, and Run batch each photo's: the node's own pattern
 * (`definition.save`) filled in from the graph around it (see engine/output-names.ts).
 */
import { nameDate, outputName, upstream, type NodeRegistry, type WorkflowDocument, type WorkflowNode } from '../engine';
import { nodeParams } from './run-cost';

interface Options {
  /** The photo a batch item ran (its file name); else the image file picked upstream, if any. */
  photo?: string;
  at?: Date;
}

/** The file name, before its extension; undefined for a node without a Save. */
export function savedName(document: WorkflowDocument, registry: NodeRegistry, nodeId: string, { photo, at = new Date() }: Options = {}): string | undefined {
  const node = document.nodes.find((n) => n.id === nodeId);
  const definition = node && registry.get(node.type);
  if (!node || !definition?.save) return undefined;
  const pattern = String(nodeParams(node, definition)[definition.save.name] ?? '');
  const above = upstream([nodeId], document.edges);
  const sources = document.nodes.filter((n) => n.id !== nodeId && above.has(n.id));
  const title = node.title ?? definition.title;
  const fields = { workflow: document.name, photo: withoutExtension(photo ?? pickedImage(sources) ?? ''), model: [...new Set(sources.flatMap(modelOf))].join('+'), node: title, date: nameDate(at) };
  return outputName(pattern, fields) || outputName('{node}', fields);
}

/** The model a generation upstream runs (a `model` param that is text). */
function modelOf(node: WorkflowNode): string[] {
  return typeof node.params.model === 'string' ? [node.params.model] : [];
}

/** The name of the first image file picked by a node upstream (an Image input's file). */
function pickedImage(sources: readonly WorkflowNode[]): string | undefined {
  for (const node of sources) {
    for (const value of Object.values(node.params)) {
      if (typeof value === 'object' && value !== null && 'name' in value && 'mime' in value && String(value.mime).startsWith('image/')) return String(value.name);
    }
  }
  return undefined;
}

function withoutExtension(name: string): string {
  return name.replace(/\.[^.]+$/, '');
}
