/**
 * ComfyUI workflow templates: a workflow in ComfyUI's API format ("Export (API)": node ids to
 * `{class_type, inputs}`) with placeholders where the generation's values go. A placeholder that
 * is a whole string value (`"noise_seed": "{{seed}}"`) becomes the value with its own type, so
 * numbers stay numbers; one inside a longer string is written into it as text.
 */
import { z } from 'zod';
import { NodeError } from '../../engine';

export const PLACEHOLDERS = ['image', 'prompt', 'negative_prompt', 'seed', 'frames', 'width', 'height', 'fps'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** What fills each placeholder: the uploaded image's name, the texts, and the numbers. */
export interface TemplateValues {
  image: string;
  prompt: string;
  negative_prompt: string;
  seed: number;
  frames: number;
  width: number;
  height: number;
  fps: number;
}

const nodeSchema = z.object({ class_type: z.string().min(1), inputs: z.record(z.string(), z.unknown()) }).loose();
const workflowSchema = z.record(z.string(), nodeSchema);
export type ApiWorkflow = z.infer<typeof workflowSchema>;

const PLACEHOLDER = /\{\{\s*([a-z_]+)\s*\}\}/g;

/** A pasted template, checked: JSON, API format, and every placeholder present and known. */
export function parseTemplate(text: string): ApiWorkflow {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new NodeError(`the ComfyUI workflow is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  return checkTemplate(value);
}

export function checkTemplate(value: unknown): ApiWorkflow {
  if (typeof value === 'object' && value !== null && 'nodes' in value && 'links' in value) {
    throw new NodeError('the ComfyUI workflow is in the editor format: export it with "Export (API)" in ComfyUI instead');
  }
  const parsed = workflowSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new NodeError(`the ComfyUI workflow is not in the API format (node ids to {class_type, inputs}): ${issue ? `${issue.path.join('.') || 'the workflow'}: ${issue.message}` : 'unknown shape'}`);
  }
  if (Object.keys(parsed.data).length === 0) throw new NodeError('the ComfyUI workflow has no nodes');
  const found = new Set([...JSON.stringify(parsed.data).matchAll(PLACEHOLDER)].map((m) => m[1]!));
  const unknown = [...found].filter((name) => !(PLACEHOLDERS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new NodeError(`the ComfyUI workflow has unknown placeholders ${unknown.map((n) => `{{${n}}}`).join(', ')}; the known ones are ${PLACEHOLDERS.map((n) => `{{${n}}}`).join(', ')}`);
  const missing = PLACEHOLDERS.filter((name) => !found.has(name));
  if (missing.length > 0) throw new NodeError(`the ComfyUI workflow lacks the placeholders ${missing.map((n) => `{{${n}}}`).join(', ')}: put each where its value goes (e.g. "seed": "{{seed}}")`);
  return parsed.data;
}

/** The workflow with every placeholder replaced; the template itself is left as it was. */
export function fillTemplate(workflow: ApiWorkflow, values: TemplateValues): ApiWorkflow {
  const fill = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const whole = /^\{\{\s*([a-z_]+)\s*\}\}$/.exec(value);
      if (whole) return values[whole[1] as Placeholder];
      return value.replace(PLACEHOLDER, (_m, name: string) => String(values[name as Placeholder]));
    }
    if (Array.isArray(value)) return value.map(fill);
    if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v)]));
    return value;
  };
  return fill(workflow) as ApiWorkflow;
}
