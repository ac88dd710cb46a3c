/**
 * Whether a journalled generation was likely billed, said for each task in Generations and
 * summed there: from how it ended and what its provider documents (fal bills no request that
 * failed with a 5xx; Replicate bills a prediction whose output it has since removed). Where the
 * provider's rule is unknown it says "maybe" and why, rather than guess either way.
 */
import type { JournalEntry } from '../engine';
import { providerInfo } from './providers';

export type BillingVerdict = 'billed' | 'not billed' | 'maybe';

export interface Billing {
  verdict: BillingVerdict;
  /** Why, in a sentence, for the row's tooltip. */
  why: string;
}

export function billingOf(entry: JournalEntry): Billing {
  const provider = providerInfo(entry.provider);
  const name = provider?.name ?? entry.provider;
  if (provider?.keyless) return { verdict: 'not billed', why: `it ran on your own ${name} server` };
  if (entry.billed === true) return { verdict: 'billed', why: `${name} made it and bills it, though the result is lost` };
  if (entry.billed === false) return { verdict: 'not billed', why: `${name} does not bill a request that fails this way (its documentation)` };
  const accepted = entry.providerTaskId !== null || provider?.synchronous === true;
  switch (entry.status) {
    case 'succeeded':
      return { verdict: 'billed', why: 'the video was made' };
    case 'submitted':
    case 'running':
      return { verdict: 'billed', why: `${name} accepted it; it is billed when it finishes` };
    case 'submitting':
      return { verdict: 'maybe', why: 'it is being sent' };
    case 'unconfirmed':
      return { verdict: 'maybe', why: `the request got no answer, so ${name} may have accepted it` };
    case 'unknown':
    case 'abandoned':
      return { verdict: 'maybe', why: `${name} accepted it, then gave no word on how it ended: its dashboard knows` };
    case 'cancelled':
      return { verdict: 'maybe', why: `it was cancelled after ${name} accepted it; some providers bill what was made` };
    case 'failed':
      if (!accepted) return { verdict: 'not billed', why: `${name} refused the request, so nothing was made` };
      return { verdict: 'maybe', why: `${name} accepted it, then ${entry.moderated ? 'its content rules refused it' : 'it failed'}; providers differ on billing that` };
  }
}

/** What the journal says was spent: likely, and what may have been on top of it. */
export function spendOf(entries: readonly JournalEntry[]): { billed: number; maybe: number } {
  const total = { billed: 0, maybe: 0 };
  for (const entry of entries) {
    const { verdict } = billingOf(entry);
    if (verdict !== 'not billed') total[verdict === 'billed' ? 'billed' : 'maybe'] += entry.costUsd ?? 0;
  }
  return total;
}
