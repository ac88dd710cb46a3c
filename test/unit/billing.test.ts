/** Whether each journalled generation was likely billed, as Generations says it, and the spend it sums. */
import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../src/engine';
import { billingOf, spendOf } from '../../src/providers/billing';

const entry = (changes: Partial<JournalEntry>): JournalEntry => ({
  id: 'e1',
  nodeKey: 'k',
  nodeId: 'gen',
  provider: 'fal',
  model: 'veo-3.1-fast',
  providerTaskId: 'r1',
  status: 'succeeded',
  submittedAt: 0,
  updatedAt: 0,
  request: {},
  costUsd: 1,
  ...changes,
});

describe('whether a generation was likely billed', () => {
  it.each([
    [{ status: 'succeeded' }, 'billed', /the video was made/],
    [{ status: 'running' }, 'billed', /billed when it finishes/],
    [{ status: 'failed', providerTaskId: null }, 'not billed', /refused the request, so nothing was made/],
    [{ status: 'failed', billed: false }, 'not billed', /does not bill a request that fails this way/],
    [{ status: 'failed', billed: true }, 'billed', /made it and bills it, though the result is lost/],
    [{ status: 'failed' }, 'maybe', /accepted it, then it failed; providers differ/],
    [{ status: 'failed', moderated: true }, 'maybe', /its content rules refused it/],
    [{ status: 'unknown' }, 'maybe', /gave no word on how it ended: its dashboard knows/],
    [{ status: 'abandoned' }, 'maybe', /its dashboard knows/],
    [{ status: 'unconfirmed', providerTaskId: null }, 'maybe', /may have accepted it/],
    [{ status: 'cancelled' }, 'maybe', /some providers bill what was made/],
    [{ provider: 'comfyui', status: 'succeeded' }, 'not billed', /your own ComfyUI server/],
    [{ provider: 'ltx', providerTaskId: null, status: 'failed' }, 'maybe', /accepted it, then it failed/],
  ] as const)('%o is %s', (changes, verdict, why) => {
    const billing = billingOf(entry(changes));
    expect(billing.verdict).toBe(verdict);
    expect(billing.why).toMatch(why);
  });

  it('sums what was likely spent, and apart from it what may have been', () => {
    const entries = [entry({ costUsd: 0.4 }), entry({ status: 'unknown', costUsd: 1.2 }), entry({ status: 'failed', providerTaskId: null, costUsd: 5 }), entry({ status: 'failed', billed: false, costUsd: 3 })];
    expect(spendOf(entries)).toEqual({ billed: 0.4, maybe: 1.2 });
  });
});
