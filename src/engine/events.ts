/** What a run reports while it goes: one stream of events, per node and for the run. */
import type { PortValue } from './values';

export type NodeState = 'queued' | 'running' | 'cached' | 'done' | 'bypassed' | 'failed' | 'cancelled';
export type RunStatus = 'done' | 'failed' | 'cancelled';

/** Why a node failed: its own work, a missing input, a failed upstream node, or the graph itself. */
export type FailureCause = 'own' | 'input' | 'upstream' | 'missing-type';

export type NodeUpdate =
  | { state: 'queued' }
  /** `reason` comes with the first report: why the node runs ("Prompt changed"). */
  | { state: 'running'; fraction: number; message?: string; reason?: string }
  /** `reason`: why a done node ran; `madeAt`: when a cached result was made. */
  | { state: 'cached' | 'done'; outputs: Readonly<Record<string, PortValue>>; cacheKey: string; ms: number; reason?: string; madeAt?: number }
  /** Switched off in place: its inputs passed on, its run never called. */
  | { state: 'bypassed' }
  | { state: 'failed'; error: string; cause: FailureCause }
  | { state: 'cancelled' };

export type NodeEvent = { type: 'node'; runId: string; nodeId: string } & NodeUpdate;

export interface RunCounts {
  total: number;
  executed: number;
  cached: number;
  failed: number;
  cancelled: number;
}

export type RunEvent =
  | { type: 'run-started'; runId: string; nodeIds: string[] }
  | NodeEvent
  | { type: 'warning'; runId: string; nodeId?: string; message: string }
  | { type: 'run-finished'; runId: string; status: RunStatus; counts: RunCounts; error?: string };
