/**
 * A template as its card shows it: the workflow as the loader reads it, the providers whose keys
 * it needs and a rough cost of one run (each paid node's own estimate, as on its header).
 */
import { loadWorkflow, type LoadIssue, type NodeRegistry, type WorkflowDocument } from '../engine';
import type { Template } from '../workflows/templates';
import { keyedProviders } from './run-checks';
import { nodeCost } from './run-cost';

export interface TemplateCard {
  template: Template;
  document: WorkflowDocument;
  /** Names of the providers it needs a key for, as Settings > Providers lists them. */
  keys: string[];
  /** One run, before anything is cached; 0 for a template with no paid node. */
  usd: number;
  /** Some price is an assumption, or unknown for its settings. */
  uncertain: boolean;
}

export type TemplateRead = { ok: true; card: TemplateCard } | { ok: false; errors: LoadIssue[] };

export function readTemplate(template: Template, registry: NodeRegistry): TemplateRead {
  const loaded = loadWorkflow(template.document(), registry);
  if (!loaded.ok) return loaded;
  const { document } = loaded;
  const keys = new Set<string>();
  let usd = 0;
  let uncertain = false;
  for (const node of document.nodes) {
    for (const info of keyedProviders(node, registry)) keys.add(info.name);
    const definition = registry.get(node.type);
    if (!definition?.cost) continue;
    const estimate = nodeCost(node, definition);
    usd += estimate?.usd ?? 0;
    uncertain ||= !estimate || estimate.assumed === true;
  }
  return { ok: true, card: { template, document, keys: [...keys], usd, uncertain } };
}
