import { ReactFlowProvider } from '@xyflow/react';
import { useCallback, useSyncExternalStore, useState } from 'react';
import { GraphCanvas } from './GraphCanvas';
import { HelpPanel } from './HelpPanel';
import { Hints } from './Hints';
import { Inspector } from './Inspector';
import { RunLog } from './RunLog';
import { useDocument, useRunOverview, useServices } from './services';

export function App() {
  const [selected, setSelected] = useState<string[]>([]);
  const [help, setHelp] = useState(false);
  const onHelp = useCallback(() => setHelp(true), []);
  return (
    <ReactFlowProvider>
      <div className="app">
        <Toolbar onHelp={onHelp} />
        <main className="workspace">
          <section className="canvas" aria-label="Workflow canvas">
            <GraphCanvas onSelect={setSelected} onHelp={onHelp} dialogOpen={help} />
            <Hints />
          </section>
          <aside className="sidebar">
            <Inspector nodeId={selected.length === 1 ? selected[0] : undefined} count={selected.length} />
            <RunLog />
          </aside>
        </main>
        {help ? <HelpPanel onClose={() => setHelp(false)} /> : null}
      </div>
    </ReactFlowProvider>
  );
}

function Toolbar({ onHelp }: { onHelp: () => void }) {
  const { runner, documents } = useServices();
  const name = useDocument((d) => d.name);
  const overview = useRunOverview();
  const history = useSyncExternalStore(
    useCallback((notify: () => void) => documents.subscribe(notify), [documents]),
    () => (documents.canUndo ? 1 : 0) + (documents.canRedo ? 2 : 0),
  );
  const fraction = overview.total > 0 ? overview.settled / overview.total : 0;
  return (
    <header className="toolbar">
      <span className="brand">Stillmotion</span>
      <span className="workflow-name">{name}</span>
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
        <div className="run-progress" role="progressbar" aria-label="Run progress" aria-valuenow={Math.round(fraction * 100)} aria-valuemin={0} aria-valuemax={100}>
          <div style={{ width: `${fraction * 100}%` }} className={`run-progress-fill status-${overview.active ? 'active' : (overview.status ?? 'idle')}`} />
        </div>
        <span className="run-status" data-status={overview.active ? 'running' : (overview.status ?? 'idle')}>
          {overview.active ? `Running ${overview.settled}/${overview.total}` : overview.status ? `Last run: ${overview.status}` : 'Ready'}
        </span>
        <button type="button" className="primary" onClick={() => runner.run()} disabled={overview.active} title="Run the whole graph (Ctrl+Enter)">
          Run
        </button>
        <button type="button" onClick={() => runner.cancel()} disabled={!overview.active} title="Cancel the run (Escape)">
          Cancel
        </button>
      </div>
    </header>
  );
}
