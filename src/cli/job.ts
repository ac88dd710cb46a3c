/**
 * The job file: what a CLI run has finished, kept in the output folder after every item so an
 * interrupted run picks up where it stopped. Paid work in flight is resumed by the browser
 * profile next to it (its journal), not by this file: this one only saves redoing free work.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';

const itemSchema = z.object({
  input: z.string(),
  status: z.enum(['pending', 'done', 'failed']),
  outputs: z.array(z.string()),
  error: z.string().optional(),
  /** Seconds the item took in this run or the one that finished it. */
  seconds: z.number().optional(),
});
export type JobItem = z.infer<typeof itemSchema>;

const jobSchema = z.object({
  format: z.literal('stillmotion.job'),
  version: z.literal(1),
  /** SHA-256 of the workflow file: a different workflow starts a new job. */
  workflowHash: z.string(),
  items: z.array(itemSchema),
});
export type Job = z.infer<typeof jobSchema>;

/** The job left by an earlier run of the same workflow, or undefined (none, another workflow, unreadable). */
export function readJob(path: string, workflowHash: string): Job | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const job = jobSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
    return job.workflowHash === workflowHash ? job : undefined;
  } catch {
    return undefined;
  }
}

/** Written whole or not at all, so a kill mid-write never leaves a broken job file. */
export function writeJob(path: string, job: Job): void {
  writeFileSync(`${path}.tmp`, `${JSON.stringify(job, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}
