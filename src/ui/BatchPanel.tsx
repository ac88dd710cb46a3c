/**
 * Run batch, and its gallery: every photo of the Batch input through the graph, each item's
 * status and results (previews with downloads), what the whole batch is estimated to cost, and a
 * warning for each Compare picked by hand, since its pick would pass for every photo.
 */
import { useCallback, useSyncExternalStore } from 'react';
import { batchEstimate, handPicks } from '../batch/batch';
import { savedName } from '../editor/output-names';
import { formatUsd } from '../editor/run-cost';
import { DownloadLink, OutputPreview } from './OutputPreview';
import { useDocument, useServices } from './services';

export function BatchPanel({ onClose }: { onClose: () => void }) {
  const { batch, commands, registry } = useServices();
  // Read on each edit, so the estimate and the warnings follow the workflow as it changes.
  const document = useDocument((d) => d);
  const state = useSyncExternalStore(
    useCallback((notify: () => void) => batch.subscribe(notify), [batch]),
    () => batch.state,
  );
  const plan = batch.plan(document);
  const estimate = 'error' in plan ? undefined : batchEstimate(document, registry, plan.slot, plan.files.length);
  const picks = handPicks(document, registry);
  const counts = { done: state.items.filter((i) => i.status === 'done').length, failed: state.items.filter((i) => i.status === 'failed').length };
  return (
    <section className="side-panel batch-panel" role="dialog" aria-label="Batch">
      <header>
        <h2>Batch</h2>
        <button type="button" onClick={onClose} aria-label="Close batch">
          Close
        </button>
      </header>
      {'error' in plan ? <p className="panel-note">{plan.error}</p> : null}
      {estimate && !('error' in plan) ? (
        <p className="panel-note">
          {plan.files.length} photo{plan.files.length === 1 ? '' : 's'} through this workflow, each on its own: estimated {formatUsd(estimate.totalUsd)}
          {estimate.assumed ? ' (prices partly assumed)' : ''}; results already made cost nothing again.
        </p>
      ) : null}
      {picks.map((p) => (
        <p key={p.nodeId} className="panel-note hand-pick-warning" role="note">
          {p.title} {p.warning}{' '}
          <button type="button" onClick={() => commands.setParam(p.nodeId, 'pick', 0)}>
            Pass each photo's best take
          </button>
        </p>
      ))}
      <div className="provider-buttons">
        <button type="button" className="primary" disabled={state.running || 'error' in plan} onClick={() => void batch.start()}>
          Run batch
        </button>
        <button type="button" disabled={!state.running} onClick={() => batch.cancel()}>
          Cancel batch
        </button>
      </div>
      {state.items.length > 0 ? (
        <p className="generations-total" role="status">
          {state.running ? 'Running: ' : 'Finished: '}
          {counts.done} done, {counts.failed} failed of {state.items.length}
        </p>
      ) : null}
      <ul className="batch-gallery">
        {state.items.map((item, index) => (
          <li key={index} className={`batch-item status-${item.status}`} data-status={item.status}>
            <header>
              <span className="batch-label" title={item.label}>
                {item.label}
              </span>
              <span className="task-status">{item.status}</span>
            </header>
            {item.results.map((r) => (
              <div key={r.nodeId} className="batch-result">
                <OutputPreview value={r.media} />
                <DownloadLink media={r.media} name={savedName(document, registry, r.nodeId, { photo: item.label }) ?? `${item.label.replace(/\.[^.]+$/, '')}-${r.nodeId}`} />
              </div>
            ))}
            {item.error ? <p className="node-error">{item.error}</p> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
