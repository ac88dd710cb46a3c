import { ReactFlowProvider } from '@xyflow/react';
import { useCallback, useEffect, useSyncExternalStore, useState } from 'react';
import { DOCUMENT_LIMITS } from '../engine';
import { BatchPanel } from './BatchPanel';
import { GraphCanvas } from './GraphCanvas';
import { HelpPanel } from './HelpPanel';
import { Hints } from './Hints';
import { GenerationsPanel } from './GenerationsPanel';
import { InlineEdit } from './InlineEdit';
import { Inspector } from './Inspector';
import { ProvidersPanel } from './ProvidersPanel';
import type { PaidNode } from '../editor/run-cost';
import { ConfirmCancelDialog, ConfirmRunDialog, RunChecksBar, usePaidRunCheck } from './RunCost';
import { RunLog } from './RunLog';
import { EmptyCanvas } from './EmptyCanvas';
import { useDocument, useRunOverview, useServices, useSession } from './services';
import { TemplatePicker } from './TemplatePicker';
import { reportOpen, WorkflowsPanel } from './WorkflowsPanel';

/** The panels that open over the canvas from the toolbar, one at a time. */
export type PanelName = 'workflows' | 'providers' | 'generations' | 'batch' | 'templates';

/** Whether the side panel (inspector and run log) shows, remembered in this browser. */
const SIDEBAR_KEY = 'stillmotion.sidebar';

export function App() {
  const [selected, setSelected] = useState<string[]>([]);
  const [help, setHelp] = useState(false);
  const [panel, setPanel] = useState<PanelName>();
  const [question, answer] = usePaidRunCheck();
  const [focus, setFocus] = useState<{ nodeId: string }>();
  const [cancelling, askCancel, answerCancel] = useCancelCheck();
  const [sidebar, setSidebar] = useState(() => localStorage.getItem(SIDEBAR_KEY) !== 'hidden');
  const toggleSidebar = () => {
    localStorage.setItem(SIDEBAR_KEY, sidebar ? 'hidden' : 'shown');
    setSidebar(!sidebar);
  };
  const onHelp = useCallback(() => setHelp(true), []);
  const { session } = useServices();
  const { welcome } = useSession();
  const toggle = (name: PanelName) => setPanel((open) => (open === name ? undefined : name));
  const close = () => {
    session?.endWelcome();
    setPanel(undefined);
  };
  const templates = welcome || panel === 'templates';
  useEscapeCloses(help ? () => setHelp(false) : panel || templates ? close : undefined);
  return (
    <ReactFlowProvider>
      <div className="app">
        <Toolbar onHelp={onHelp} onPanel={toggle} onCancel={askCancel} onFocus={(nodeId) => setFocus({ nodeId })} />
        <main className="workspace">
          <section className="canvas" aria-label="Workflow canvas">
            <GraphCanvas onSelect={setSelected} onHelp={onHelp} dialogOpen={help || templates || panel !== undefined || question !== undefined || cancelling !== undefined} focus={focus} />
            <EmptyCanvas onTemplates={() => setPanel('templates')} />
            <Banners />
            {panel === 'workflows' ? <WorkflowsPanel onClose={close} onNew={() => setPanel('templates')} /> : null}
            {panel === 'providers' ? <ProvidersPanel onClose={close} /> : null}
            {panel === 'generations' ? <GenerationsPanel onClose={close} /> : null}
            {panel === 'batch' ? <BatchPanel onClose={close} /> : null}
            <Hints />
            <button type="button" className="sidebar-toggle" onClick={toggleSidebar} aria-expanded={sidebar} aria-controls="sidebar" title={sidebar ? 'Hide the side panel (inspector and run log)' : 'Show the side panel (inspector and run log)'}>
              {sidebar ? 'Hide panel ›' : '‹ Panel'}
            </button>
          </section>
          {sidebar ? (
            <aside className="sidebar" id="sidebar">
              <Inspector nodeId={selected.length === 1 ? selected[0] : undefined} count={selected.length} />
              <RunLog />
            </aside>
          ) : null}
        </main>
        {templates ? <TemplatePicker first={welcome === true} onClose={close} /> : null}
        {help ? <HelpPanel onClose={() => setHelp(false)} /> : null}
        {question ? <ConfirmRunDialog question={question} answer={answer} /> : null}
        {cancelling ? <ConfirmCancelDialog inFlight={cancelling} answer={answerCancel} /> : null}
      </div>
    </ReactFlowProvider>
  );
}

/** Escape closes the panel or help that is open (the topmost first); dialogs that ask handle their own. */
function useEscapeCloses(close: (() => void) | undefined): void {
  useEffect(() => {
    if (!close) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      e.preventDefault();
      close();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [close]);
}

/**
 * Cancel: at once when no paid generation is running, else only once the user agrees, knowing
 * that what a provider already accepted may still be billed. Returns the open question, if any.
 */
function useCancelCheck(): [readonly PaidNode[] | undefined, () => void, (go: boolean) => void] {
  const { runner } = useServices();
  const [inFlight, setInFlight] = useState<readonly PaidNode[]>();
  const ask = useCallback(() => {
    const paid = runner.inFlight();
    if (paid.length === 0) runner.cancel();
    else setInFlight(paid);
  }, [runner]);
  const answer = useCallback(
    (go: boolean) => {
      setInFlight(undefined);
      if (go) runner.cancel();
    },
    [runner],
  );
  return [inFlight, ask, answer];
}

/** What the user must know about their saved work: another tab's edits or delete, a failed save, a big graph left closed. */
function Banners() {
  const { session, storageProblem } = useServices();
  const { conflict, saveError, skipped } = useSession();
  return (
    <>
      {conflict === 'changed' ? (
        <div className="banner" role="alert">
          <p>This workflow was changed in another tab. Saving here is paused so neither version is lost.</p>
          <button type="button" onClick={() => void session?.takeTheirs()}>
            Load the other tab’s version
          </button>
          <button type="button" onClick={() => void session?.keepMineAsCopy()}>
            Keep mine as a copy
          </button>
        </div>
      ) : null}
      {conflict === 'deleted' ? (
        <div className="banner" role="alert">
          <p>This workflow was deleted in another tab. Saving here is paused, so it is not stored again unless you say so.</p>
          <button type="button" onClick={() => void session?.keepDeleted()}>
            Keep it
          </button>
          <button type="button" onClick={() => void session?.letDeletedGo()}>
            Let it go
          </button>
        </div>
      ) : null}
      {skipped ? (
        <div className="banner" role="status">
          <p>
            “{skipped.name}” ({skipped.nodes.toLocaleString()} nodes) was open last. A graph that big takes a while to open, so it was not reopened by itself.
          </p>
          <button type="button" onClick={() => void session?.open(skipped.id).then((outcome) => reportOpen(outcome, skipped.name))}>
            Open it
          </button>
        </div>
      ) : null}
      {saveError || storageProblem ? (
        <div className="banner error" role="alert">
          <p>{saveError ?? storageProblem}</p>
        </div>
      ) : null}
    </>
  );
}

/** The workflow's name; click to rename. */
function WorkflowName() {
  const { commands } = useServices();
  const name = useDocument((d) => d.name);
  return (
    <InlineEdit
      value={name}
      label="Workflow name"
      hint={`${name}: click to rename this workflow`}
      as="button"
      className="workflow-name-button"
      inputClassName="workflow-name-input"
      maxLength={DOCUMENT_LIMITS.name}
      onCommit={(value) => commands.renameWorkflow(value)}
    />
  );
}

function Toolbar({ onHelp, onPanel, onCancel, onFocus }: { onHelp: () => void; onPanel: (name: PanelName) => void; onCancel: () => void; onFocus: (nodeId: string) => void }) {
  const { runner, documents, session, registry } = useServices();
  const hasBatch = useDocument((d) => d.nodes.some((n) => registry.get(n.type)?.batch !== undefined));
  const overview = useRunOverview();
  const history = useSyncExternalStore(
    useCallback((notify: () => void) => documents.subscribe(notify), [documents]),
    () => (documents.canUndo ? 1 : 0) + (documents.canRedo ? 2 : 0),
  );
  const fraction = overview.total > 0 ? overview.settled / overview.total : 0;
  return (
    <header className="toolbar">
      <span className="brand">Stillmotion</span>
      {session ? (
        <button type="button" onClick={() => onPanel('workflows')} title="Open, create, import and export workflows">
          Workflows
        </button>
      ) : null}
      <button type="button" onClick={() => onPanel('providers')} title="Settings > Providers: keys, endpoints, and when a paid run asks first">
        Providers
      </button>
      <button type="button" onClick={() => onPanel('generations')} title="Paid generations: their status and estimated spend">
        Generations
      </button>
      {hasBatch ? (
        <button type="button" onClick={() => onPanel('batch')} title="Run every photo of the Batch input through this workflow, and see the results">
          Batch
        </button>
      ) : null}
      <WorkflowName />
      <div className="history-controls">
        <button type="button" onClick={() => documents.undo()} disabled={!(history & 1)} title="Undo (Ctrl+Z)">
          Undo
        </button>
        <button type="button" onClick={() => documents.redo()} disabled={!(history & 2)} title="Redo (Ctrl+Shift+Z)">
          Redo
        </button>
        <button type="button" onClick={onHelp} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">
          ?
        </button>
      </div>
      <div className="run-controls">
        <RunChecksBar onProviders={() => onPanel('providers')} onSelect={onFocus} />
        <div className="run-progress" role="progressbar" aria-label="Run progress" aria-valuenow={Math.round(fraction * 100)} aria-valuemin={0} aria-valuemax={100}>
          <div style={{ width: `${fraction * 100}%` }} className={`run-progress-fill status-${overview.active ? 'active' : (overview.status ?? 'idle')}`} />
        </div>
        <span className="run-status" data-status={overview.active ? 'running' : (overview.status ?? 'idle')}>
          {overview.active ? `Running ${overview.settled}/${overview.total}` : overview.status ? `Last run: ${overview.status}` : 'Ready'}
        </span>
        <button type="button" className="primary" onClick={() => runner.run()} disabled={overview.active} title="Run the whole graph (Ctrl+Enter)">
          Run
        </button>
        <button type="button" onClick={onCancel} disabled={!overview.active} title="Cancel the run (asks first while paid generations are in flight)">
          Cancel
        </button>
      </div>
    </header>
  );
}
