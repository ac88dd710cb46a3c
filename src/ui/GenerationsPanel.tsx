/**
 * The journal of paid generations: when, which node, provider, model, how it stands, whether it
 * was likely billed, what it was estimated to cost, and why it failed. A task whose state became
 * unknown (its provider stopped answering about it, or lost it) waits here for the user: abandon
 * it, or resubmit it, which asks about the cost first like any paid run. Nothing is re-sent
 * otherwise. The worker writes the journal; this re-reads it while open.
 */
import { useEffect, useState } from 'react';
import type { JournalEntry } from '../engine';
import { formatUsd } from '../editor/run-cost';
import { billingOf, spendOf, type BillingVerdict } from '../providers/billing';
import { findModel } from '../providers/catalog/catalog';
import { providerInfo } from '../providers/providers';
import { IdbTaskJournal } from '../storage';
import { showHint } from './hints';
import { useServices } from './services';

const REFRESH_MS = 2000;

const VERDICT_LABELS: Record<BillingVerdict, string> = { billed: 'likely', 'not billed': 'no', maybe: 'maybe' };

export function GenerationsPanel({ onClose }: { onClose: () => void }) {
  const { session, documents, registry, runner } = useServices();
  const [entries, setEntries] = useState<JournalEntry[]>();
  const [problem, setProblem] = useState('');
  const [journal] = useState(() => (session ? new IdbTaskJournal(session.db) : undefined));
  const [reads, setReads] = useState(0);
  useEffect(() => {
    if (!journal) return;
    let live = true;
    const read = () =>
      journal.list().then(
        (list) => live && setEntries(list),
        (error: unknown) => live && setProblem(`The journal could not be read: ${messageOf(error)}`),
      );
    void read();
    const timer = setInterval(() => void read(), REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [journal, reads]);

  // Names as the open workflow has them; an entry from another workflow keeps its node id.
  const nodeName = (id: string) => {
    const node = documents.node(id);
    return node ? (node.title ?? registry.get(node.type)?.title ?? id) : id;
  };
  const settle = (entry: JournalEntry, note: string) => journal!.put({ ...entry, status: 'abandoned', updatedAt: Date.now(), error: `${entry.error ?? 'unknown'}; ${note}` });
  const abandon = (entry: JournalEntry) =>
    settle(entry, 'abandoned by you').then(
      () => setReads((n) => n + 1),
      (error: unknown) => showHint(`The task could not be marked abandoned: ${messageOf(error)}`, 'error'),
    );
  const resubmit = (entry: JournalEntry) => {
    if (runner.active) return showHint('A run is going: resubmit once it ends.', 'error');
    const provider = providerInfo(entry.provider)?.name ?? entry.provider;
    runner.run([entry.nodeId], {
      reason: `Resubmitting "${nodeName(entry.nodeId)}" sends a new request to ${provider}, as the node is now. The earlier one, sent ${new Date(entry.submittedAt).toLocaleString()}, may have been billed as well: check your ${provider} dashboard.`,
      agreed: () =>
        settle(entry, 'resubmitted by you').then(
          () => setReads((n) => n + 1),
          (error: unknown) => {
            showHint(`Nothing was sent: the earlier task could not be marked as resubmitted (${messageOf(error)})`, 'error');
            throw error;
          },
        ),
    });
  };

  const spend = spendOf(entries ?? []);
  return (
    <section className="side-panel generations-panel" role="dialog" aria-label="Generations">
      <header>
        <h2>Generations</h2>
        <button type="button" onClick={onClose} aria-label="Close generations">
          Close
        </button>
      </header>
      {!session ? <p className="panel-note">No journal: this browser’s storage (IndexedDB) could not be opened.</p> : null}
      {problem ? <p className="field-error">{problem}</p> : null}
      {entries && entries.length === 0 ? <p className="panel-note">No paid generations yet.</p> : null}
      {entries && entries.length > 0 ? (
        <>
          <p className="generations-total">
            Likely spent: <strong>{formatUsd(spend.billed)}</strong>
            {spend.maybe > 0 ? (
              <>
                {' '}
                and maybe <strong>{formatUsd(spend.maybe)}</strong> more
              </>
            ) : null}{' '}
            <span className="panel-note">(estimates at submit time; tasks the provider refused are not counted)</span>
          </p>
          <div className="generations-scroll">
            <table className="generations">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Node</th>
                  <th>Provider</th>
                  <th>Model</th>
                  <th>Status</th>
                  <th>Billed</th>
                  <th>Estimate</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((e) => {
                  const billing = billingOf(e);
                  return (
                    <tr key={e.id} data-status={e.status}>
                      <td>
                        <time dateTime={new Date(e.submittedAt).toISOString()}>{new Date(e.submittedAt).toLocaleString()}</time>
                      </td>
                      <td>{nodeName(e.nodeId)}</td>
                      <td>{providerInfo(e.provider)?.name ?? e.provider}</td>
                      <td title={e.model}>{findModel(e.model)?.name ?? e.model}</td>
                      <td className={`task-status status-${e.status}`}>
                        {e.status === 'unknown' ? 'unknown: check with the provider' : e.status}
                        {e.error ? <span className="task-error">{e.error}</span> : null}
                        {e.status === 'unknown' && journal ? (
                          <span className="task-actions">
                            <button type="button" onClick={() => void abandon(e)} title="Stop tracking it: running the node again then sends a new request">
                              Abandon
                            </button>
                            <button
                              type="button"
                              onClick={() => resubmit(e)}
                              disabled={!documents.node(e.nodeId)}
                              title={documents.node(e.nodeId) ? 'Send the node again, after the cost question' : 'Open the workflow this task came from to resubmit it'}
                            >
                              Resubmit…
                            </button>
                          </span>
                        ) : null}
                      </td>
                      <td className={`task-billed billed-${billing.verdict.replace(' ', '-')}`} title={billing.why}>
                        {VERDICT_LABELS[billing.verdict]}
                      </td>
                      <td>{e.costUsd === undefined ? '—' : formatUsd(e.costUsd)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </section>
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
