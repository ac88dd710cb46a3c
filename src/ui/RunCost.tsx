/**
 * Money before it is spent: a node's estimate on its header, what Run would spend in the toolbar,
 * and a question before a run above the user's threshold (cancelling it sends nothing).
 */
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { AnyNodeDefinition, CostEstimate, WorkflowNode } from '../engine';
import { formatUsd, nodeCost, type RunEstimate } from '../editor/run-cost';
import { readProviderSettings } from '../providers/settings';
import { useProviderConfig, useProviderState } from './provider-hooks';
import { useServices } from './services';

/** `$0.40`, or `≈ $0.40*` where the price is an assumption; the basis goes in the tooltip. */
export function costText(estimate: CostEstimate | undefined): string {
  if (!estimate) return 'price unknown';
  return estimate.assumed ? `≈ ${formatUsd(estimate.usd)}*` : formatUsd(estimate.usd);
}

function costTitle(estimate: CostEstimate | undefined): string {
  if (!estimate) return 'No price is known for these settings';
  return `${estimate.basis}${estimate.assumed ? ' (* assumed, not a published price)' : ''}`;
}

export function CostBadge({ node, definition }: { node: WorkflowNode; definition: AnyNodeDefinition }) {
  if (!definition.cost) return null;
  const estimate = nodeCost(node, definition);
  return (
    <span className={`badge badge-cost${estimate?.assumed || !estimate ? ' assumed' : ''}`} title={`Estimated cost per run: ${costTitle(estimate)}`}>
      {costText(estimate)}
    </span>
  );
}

/** Keeps the run checks told which providers have a key, once the keys have been read. */
function useKeysForChecks(): void {
  const { runner } = useServices();
  const config = useProviderConfig();
  useEffect(() => {
    if (!config) return;
    let live = true;
    const tell = () => runner.checks.keys(() => config.state.configured);
    void config.load().then(() => live && tell(), () => undefined);
    const unsubscribe = config.subscribe(() => runner.checks.refresh());
    return () => {
      live = false;
      unsubscribe();
    };
  }, [runner, config]);
}

/**
 * What Run would spend now, and what would stop it: the engine's plan, read again once the graph
 * settles. Only the paid nodes that would run count (results in the cache cost nothing); each
 * problem names its node, which a click selects, and a missing key opens Providers.
 */
export function RunChecksBar({ onProviders, onSelect }: { onProviders: () => void; onSelect: (nodeId: string) => void }) {
  const { runner } = useServices();
  useKeysForChecks();
  const { estimate, problems } = useSyncExternalStore(
    (listener) => runner.checks.subscribe(listener),
    () => runner.checks.current,
  );
  const lines = estimate.nodes.map((n) => `${n.title}: ${costText(n.estimate)}${n.estimate ? ` (${n.estimate.basis})` : ''}`);
  return (
    <>
      {problems.length > 0 ? (
        <details className="run-problems">
          <summary>
            {problems.length} problem{problems.length === 1 ? '' : 's'} before Run
          </summary>
          <ul>
            {problems.map((p) => (
              <li key={`${p.nodeId}:${p.text}`}>
                <button type="button" className="link" onClick={() => onSelect(p.nodeId)}>
                  {p.title}
                </button>
                : {p.text}
                {p.fix === 'providers' ? (
                  <button type="button" onClick={onProviders}>
                    Open Providers
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      {estimate.nodes.length > 0 ? (
        <span
          className="run-estimate"
          title={`What Run would spend, estimated before anything is sent. Only the paid nodes that would run count; results already in the cache cost nothing:\n${lines.join('\n')}`}
          data-usd={estimate.usd.toFixed(4)}
        >
          Estimate {estimate.uncertain ? '≈ ' : ''}
          {formatUsd(estimate.usd)}
        </span>
      ) : null}
    </>
  );
}

/** A node's problem before Run, under its header; gone once fixed, or once a run says more. */
export function NodeProblem({ nodeId }: { nodeId: string }) {
  const { runner } = useServices();
  const problem = useSyncExternalStore(
    (listener) => runner.checks.subscribeNode(nodeId, listener),
    () => runner.checks.node(nodeId),
  );
  return problem ? (
    <p className="node-problem" role="status">
      {problem.text}
    </p>
  ) : null;
}

interface Question {
  estimate: RunEstimate;
  /** Why the user is asked whatever the threshold (a resubmit). */
  reason?: string;
  answer: (go: boolean) => void;
}

/**
 * Installs the runner's check: a run with paid nodes reads the threshold afresh (another tab may
 * have changed it), and one estimated above it, or with a paid node of unknown price, waits on
 * the user. Returns the open question, if any.
 */
export function usePaidRunCheck(): [Question | undefined, (go: boolean) => void] {
  const { runner } = useServices();
  const config = useProviderConfig();
  const [question, setQuestion] = useState<Question>();
  useEffect(() => {
    runner.checkPaidRun = (estimate, reason) => {
      if (estimate.nodes.length === 0 && reason === undefined) return true;
      // Unreadable settings leave the last known (or default) threshold: the check still happens.
      return (config?.load() ?? Promise.resolve()).catch(() => undefined).then(() => {
        const limit = (config?.state.settings ?? readProviderSettings(undefined)).confirmAboveUsd;
        if (reason === undefined && estimate.usd <= limit && estimate.nodes.every((n) => n.estimate)) return true;
        return new Promise<boolean>((resolve) => setQuestion({ estimate, ...(reason === undefined ? {} : { reason }), answer: resolve }));
      });
    };
    return () => {
      runner.checkPaidRun = undefined;
    };
  }, [runner, config]);
  const answer = useCallback(
    (go: boolean) => {
      question?.answer(go);
      setQuestion(undefined);
    },
    [question],
  );
  return [question, answer];
}

export function ConfirmRunDialog({ question, answer }: { question: Question; answer: (go: boolean) => void }) {
  const cancel = useRef<HTMLButtonElement>(null);
  const { settings } = useProviderState(useProviderConfig());
  // The safe choice has the focus: Enter on an unread dialog spends nothing.
  useEffect(() => cancel.current?.focus(), []);
  const { estimate, reason } = question;
  return (
    <div className="help-backdrop" onClick={() => answer(false)}>
      <section
        className="confirm-run"
        role="alertdialog"
        aria-modal="true"
        aria-label="Confirm a paid run"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            answer(false);
          }
        }}
      >
        <h2>This run will spend money</h2>
        {reason ? <p className="confirm-reason">{reason}</p> : null}
        <p>
          Estimated total <strong className="confirm-total">{formatUsd(estimate.usd)}</strong>
          {estimate.uncertain ? ' (some prices are assumed or unknown)' : ''}
          {reason ? '.' : estimate.usd > settings.confirmAboveUsd ? `, above your ${formatUsd(settings.confirmAboveUsd)} limit for asking first.` : ', and a node below has no known price.'} It is an estimate: the provider bills what it bills.
        </p>
        <ul className="confirm-nodes">
          {estimate.nodes.map((n) => (
            <li key={n.nodeId}>
              <span className="confirm-node">{n.title}</span>
              <span className="confirm-cost" title={costTitle(n.estimate)}>
                {costText(n.estimate)}
              </span>
              {n.estimate ? <span className="panel-note">{n.estimate.basis}</span> : null}
            </li>
          ))}
        </ul>
        <div className="confirm-buttons">
          <button type="button" ref={cancel} onClick={() => answer(false)}>
            Cancel
          </button>
          <button type="button" className="primary" onClick={() => answer(true)}>
            Run and pay ≈ {formatUsd(estimate.usd)}
          </button>
        </div>
      </section>
    </div>
  );
}
