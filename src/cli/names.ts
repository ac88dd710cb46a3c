/**
 * `--name`: the pattern `stillmotion run` names the files it writes by (see output-names.ts),
 * which must tell every output of a run apart, since they all go into --out.
 */
import { unknownNameField } from '../engine/output-names';

export const DEFAULT_NAME = '{photo}-{node}-{model}';

/** Why a pattern cannot name every output apart, or undefined when it can. */
export function namePatternProblem(pattern: string): string | undefined {
  const unknown = unknownNameField(pattern);
  if (unknown) return unknown;
  if (/[/\\]/.test(pattern)) return 'a name, not a path: the files go into --out';
  for (const needed of ['photo', 'node'] as const) if (!pattern.includes(`{${needed}}`)) return `it needs {${needed}}, or results of different ${needed}s would overwrite each other`;
  return undefined;
}
