/**
 * ComfyUI workflow templates: a workflow in ComfyUI's API format ("Export (API)": node ids to
 * `{class_type, inputs}`) with placeholders where the generation's values go. A placeholder that
 * is a whole string value (`"noise_seed": "{{seed}}"`) becomes the value with its own type, so
 * numbers stay numbers; one inside a longer string is written into it as text.
 */
import { z } from 'zod';
import { NodeError } from '../../engine';

export const PLACEHOLDERS = ['image', 'end_image', 'prompt', 'negative_prompt', 'seed', 'frames', 'width', 'height', 'fps', 'duration'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
/** The one a workflow must use: without the start image it would not animate the photo. */
const REQUIRED: readonly Placeholder[] = ['image'];

/** What fills each placeholder: the uploaded images' names, the texts, and the numbers. */
export interface TemplateValues {
  image: string;
  /** Absent when no end frame is given; a workflow using {{end_image}} then needs one. */
  end_image?: string;
  prompt: string;
  negative_prompt: string;
  seed: number;
  frames: number;
  width: number;
  height: number;
  fps: number;
  /** Seconds. */
  duration: number;
}

const nodeSchema = z.object({ class_type: z.string().min(1), inputs: z.record(z.string(), z.unknown()) }).loose();
const workflowSchema = z.record(z.string(), nodeSchema);
export type ApiWorkflow = z.infer<typeof workflowSchema>;

const PLACEHOLDER = /\{\{\s*([a-z_]+)\s*\}\}/g;

/** A pasted template, checked: JSON, API format, {{image}} present and every placeholder known. */
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
    throw new NodeError(
      'the ComfyUI workflow is in the editor format (it has "nodes" and "links"), which does not say how ComfyUI runs it: in ComfyUI choose Workflow > Export (API) (older versions: turn on "Enable Dev mode Options" in Settings, then "Save (API Format)") and paste that file',
    );
  }
  const parsed = workflowSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new NodeError(`the ComfyUI workflow is not in the API format (node ids to {class_type, inputs}): ${issue ? `${issue.path.join('.') || 'the workflow'}: ${issue.message}` : 'unknown shape'}`);
  }
  if (Object.keys(parsed.data).length === 0) throw new NodeError('the ComfyUI workflow has no nodes');
  const found = placeholdersIn(parsed.data);
  const unknown = [...found].filter((name) => !(PLACEHOLDERS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new NodeError(`the ComfyUI workflow has unknown placeholders ${unknown.map((n) => `{{${n}}}`).join(', ')}; the known ones are ${PLACEHOLDERS.map((n) => `{{${n}}}`).join(', ')}`);
  const missing = REQUIRED.filter((name) => !found.has(name));
  if (missing.length > 0) throw new NodeError(`the ComfyUI workflow lacks ${missing.map((n) => `{{${n}}}`).join(', ')}: put it where the start image goes (LoadImage's "image": "{{image}}"); the other placeholders are optional`);
  return parsed.data;
}

/** The placeholders `workflow` uses. */
export function placeholdersIn(workflow: ApiWorkflow): Set<Placeholder> {
  return new Set([...JSON.stringify(workflow).matchAll(PLACEHOLDER)].map((m) => m[1] as Placeholder));
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

/** How the models a workflow may run pack frames: LTX-Video in 8s plus one at 24 fps, Wan in 4s plus one at 16 fps. */
const FAMILIES = [
  { test: (classType: string) => classType.startsWith('LTXV'), fps: 24, step: 8 },
  { test: () => true, fps: 16, step: 4 },
];

/**
 * The frame rate and frame count for `seconds` of video from this workflow: the rate it fixes
 * itself (a number in Create Video's fps, VHS's or LTX's frame_rate) where it does, else its
 * model family's; the count in the family's steps.
 */
export function frameTiming(workflow: ApiWorkflow, seconds: number): { fps: number; frames: number } {
  const nodes = Object.values(workflow);
  const family = FAMILIES.find((f) => nodes.some((node) => f.test(node.class_type)))!;
  const fixed = nodes.map((node) => node.inputs.fps ?? node.inputs.frame_rate).find((v): v is number => typeof v === 'number' && v > 0);
  const fps = fixed ?? family.fps;
  return { fps, frames: family.step * Math.round((seconds * fps) / family.step) + 1 };
}
