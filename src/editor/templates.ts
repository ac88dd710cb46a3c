/**
 * A template as its card shows it: the workflow as the loader reads it, and the providers whose
 * keys it needs (those its nodes declare). What a run costs is the engine's plan's to say.
 */
import { loadWorkflow, type LoadIssue, type NodeRegistry, type WorkflowDocument } from '../engine';
import type { Template } from '../workflows/templates';
import { keyedProviders } from './run-checks';

export interface TemplateCard {
  template: Template;
  document: WorkflowDocument;
  /** Names of the providers it needs a key for, as Settings > Providers lists them. */
  keys: string[];
}

export type TemplateRead = { ok: true; card: TemplateCard } | { ok: false; errors: LoadIssue[] };

export function readTemplate(template: Template, registry: NodeRegistry): TemplateRead {
  const loaded = loadWorkflow(template.document(), registry);
  if (!loaded.ok) return loaded;
  const { document } = loaded;
  const keys = new Set(document.nodes.flatMap((node) => keyedProviders(node, registry).map((info) => info.name)));
  return { ok: true, card: { template, document, keys: [...keys] } };
}
