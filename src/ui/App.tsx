import { ReactFlowProvider } from '@xyflow/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { RunHandle } from '../worker/engine-client';
import { GraphCanvas } from './GraphCanvas';
import { Inspector } from './Inspector';
import { RunLog } from './RunLog';
import { startRun, useDocument, useRunOverview, useServices } from './services';

export function App() {
  const [selected, setSelected] = useState<string>();
  return (
    <ReactFlowProvider>
      <div className="app">
        <Toolbar />
        <main className="workspace">
          <section className="canvas" aria-label="Workflow canvas">
            <GraphCanvas onSelect={setSelected} />
          </section>
          <aside className="sidebar">
            <Inspector nodeId={selected} />
            <RunLog />
          </aside>
        </main>
      </div>
    </ReactFlowProvider>
  );
}

function Toolbar() {
  const services = useServices();
  const name = useDocument((d) => d.name);
  const overview = useRunOverview();
  const handle = useRef<RunHandle>(undefined);

  const run = useCallback(() => {
    if (handle.current && overview.active) return;
    handle.current = startRun(services);
  }, [services, overview.active]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
        e.preventDefault();
        run();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [run]);

  const fraction = overview.total > 0 ? overview.settled / overview.total : 0;
  return (
    <header className="toolbar">
      <span className="brand">Stillmotion</span>
      <span className="workflow-name">{name}</span>
      <div className="run-controls">
        <div className="run-progress" role="progressbar" aria-label="Run progress" aria-valuenow={Math.round(fraction * 100)} aria-valuemin={0} aria-valuemax={100}>
          <div style={{ width: `${fraction * 100}%` }} className={`run-progress-fill status-${overview.status ?? 'active'}`} />
        </div>
        <span className="run-status" data-status={overview.active ? 'running' : (overview.status ?? 'idle')}>
          {overview.active ? `Running ${overview.settled}/${overview.total}` : overview.status ? `Last run: ${overview.status}` : 'Ready'}
        </span>
        <button type="button" className="primary" onClick={run} disabled={overview.active} title="Run the whole graph (Ctrl+Enter)">
          Run
        </button>
        <button type="button" onClick={() => handle.current?.cancel()} disabled={!overview.active} title="Cancel the run">
          Cancel
        </button>
      </div>
    </header>
  );
}
