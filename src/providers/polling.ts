/**
 * Waiting for a task: polls spaced out with growing, jittered intervals; a provider's
 * Retry-After is honoured; passing trouble (429, 5xx, timeouts, a garbled answer) is waited
 * out, up to a limit, because a poll costs nothing and the task is already paid for.
 */
import { ProviderError } from './errors';
import type { TaskState } from './protocol';
import type { ProviderTiming } from './settings';

/** Consecutive failed polls tolerated before the error is the user's to see. */
const MAX_POLL_FAILURES = 6;

export interface PollOptions {
  timing: ProviderTiming;
  signal: AbortSignal;
  onState: (state: TaskState) => void;
  /** Told of each failed poll before it is waited out or thrown; throwing ends the polling. */
  onFailure?: (error: unknown) => Promise<void>;
  /** 0..1; tests pass a fixed one. */
  random?: () => number;
}

export type FinalState = Extract<TaskState, { state: 'succeeded' | 'failed' | 'cancelled' }>;

export async function pollUntilDone(poll: () => Promise<TaskState>, { timing, signal, onState, onFailure, random = Math.random }: PollOptions): Promise<FinalState> {
  const deadline = Date.now() + timing.deadlineMs;
  let interval = timing.pollMs;
  let failures = 0;
  for (;;) {
    let wait = jitter(interval, random);
    try {
      const state = await poll();
      failures = 0;
      onState(state);
      if (state.state === 'succeeded' || state.state === 'failed' || state.state === 'cancelled') return state;
    } catch (error) {
      if (signal.aborted) throw error;
      await onFailure?.(error);
      if (!(error instanceof ProviderError) || !error.transient || ++failures > MAX_POLL_FAILURES) throw error;
      wait = Math.max(wait, error.details.retryAfterMs ?? 0, jitter(timing.pollMs * 2 ** failures, random));
    }
    if (Date.now() + wait > deadline) {
      throw new ProviderError('timeout', `the task has not finished after ${Math.round(timing.deadlineMs / 60_000)} min`);
    }
    await sleep(wait, signal);
    interval = Math.min(timing.maxPollMs, interval * 1.5);
  }
}

/** +-20%, so many clients polling one provider do not fall into step. */
function jitter(ms: number, random: () => number): number {
  return ms * (0.8 + 0.4 * random());
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
