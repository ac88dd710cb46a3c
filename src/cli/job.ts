/**
 * The job file: what a CLI run has finished, kept in the output folder after every item so an
 * interrupted run picks up where it stopped. Paid work in flight is resumed by the browser
 * profile next to it (its journal), not by this file: this one only saves redoing free work.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';

/** A paid take, written to the output folder as soon as it existed. */
const takeSchema = z.object({
  node: z.string(),
  title: z.string(),
  model: z.string().optional(),
  route: z.string().optional(),
  /** The estimate it was paid at; absent where the price is unknown. */
  costUsd: z.number().optional(),
  file: z.string(),
  /** SHA-256 of the take's bytes, which is how Compare's ranking names it. */
  hash: z.string(),
  /** Made by an earlier run (found in the cache): not paid again by this one. */
  earlier: z.boolean(),
});
export type Take = z.infer<typeof takeSchema>;

/** What a Compare node made of one photo's takes: best first, and the one it passed on. */
const compareSchema = z.object({
  node: z.string(),
  title: z.string(),
  pickedBy: z.enum(['rank', 'user']),
  /** The take passed downstream: its file, or, for a take that is no paid generation, its place among the inputs. */
  pick: z.string(),
  /** Marks are each ranked score on its fixed scale (0 bad to 1 good); scores are the measured values. */
  ranking: z.array(z.object({ take: z.string(), rank: z.number(), total: z.number(), verdict: z.string(), marks: z.record(z.string(), z.number()), scores: z.record(z.string(), z.number()) })),
});
export type CompareSummary = z.infer<typeof compareSchema>;

const itemSchema = z.object({
  input: z.string(),
  status: z.enum(['pending', 'done', 'failed']),
  outputs: z.array(z.string()),
  takes: z.array(takeSchema).default([]),
  compare: z.array(compareSchema).default([]),
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

export function writeJob(path: string, job: Job): void {
  writeWhole(path, `${JSON.stringify(job, null, 2)}\n`);
}

/** Written whole or not at all: a kill mid-write never leaves half a file under the final name. */
export function writeWhole(path: string, data: string | Uint8Array): void {
  writeFileSync(`${path}.part`, data);
  renameSync(`${path}.part`, path);
}
