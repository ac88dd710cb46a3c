/**
 * The journal of paid generations, read-only: when, which node, provider, model, how it stands,
 * what it was estimated to cost, and why it failed. The worker writes it; this re-reads it while open.
 */
import { useEffect, useState } from 'react';
import type { JournalEntry, JournalStatus } from '../engine';
import { formatUsd } from '../editor/run-cost';
import { findModel } from '../providers/catalog/catalog';
import { providerInfo } from '../providers/providers';
import { IdbTaskJournal } from '../storage';
import { useServices } from './services';

const REFRESH_MS = 2000;

/** Work the provider may bill: everything but what it refused or that failed. */
const BILLED: ReadonlySet<JournalStatus> = new Set(['submitting', 'submitted', 'running', 'succeeded', 'cancelled', 'unconfirmed']);

export function GenerationsPanel({ onClose }: { onClose: () => void }) {
  const { session, documents, registry } = useServices();
  const [entries, setEntries] = useState<JournalEntry[]>();
  const [problem, setProblem] = useState('');
  useEffect(() => {
    if (!session) return;
    const journal = new IdbTaskJournal(session.db);
    let live = true;
    const read = () =>
      journal.list().then(
        (list) => live && setEntries(list),
        (error: unknown) => live && setProblem(`The journal could not be read: ${error instanceof Error ? error.message : String(error)}`),
      );
    void read();
    const timer = setInterval(() => void read(), REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [session]);

  // Names as the open workflow has them; an entry from another workflow keeps its node id.
  const nodeName = (id: string) => {
    const node = documents.node(id);
    return node ? (node.title ?? registry.get(node.type)?.title ?? id) : id;
  };
  const spend = (entries ?? []).filter((e) => BILLED.has(e.status)).reduce((sum, e) => sum + (e.costUsd ?? 0), 0);
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
            Estimated spend: <strong>{formatUsd(spend)}</strong> <span className="panel-note">(estimates at submit time; failed tasks not counted)</span>
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
                  <th>Estimate</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((e) => (
                  <tr key={e.id} data-status={e.status}>
                    <td>
                      <time dateTime={new Date(e.submittedAt).toISOString()}>{new Date(e.submittedAt).toLocaleString()}</time>
                    </td>
                    <td>{nodeName(e.nodeId)}</td>
                    <td>{providerInfo(e.provider)?.name ?? e.provider}</td>
                    <td title={e.model}>{findModel(e.model)?.name ?? e.model}</td>
                    <td className={`task-status status-${e.status}`}>
                      {e.status}
                      {e.error ? <span className="task-error">{e.error}</span> : null}
                    </td>
                    <td>{e.costUsd === undefined ? '—' : formatUsd(e.costUsd)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </section>
  );
}
