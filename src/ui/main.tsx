import '@xyflow/react/dist/style.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphCommands } from '../editor/commands';
import { DocumentStore } from '../editor/document-store';
import { RunStore } from '../editor/run-store';
import { BatchRunner } from '../editor/batch-runner';
import { Runner } from '../editor/runner';
import { readShareLink } from '../editor/workflow-files';
import { WorkflowSession } from '../editor/workflow-session';
import { createRegistry } from '../nodes';
import { IdbAssetStore, openLastingDb, requestPersistence, WorkflowStore } from '../storage';
import { createEngineClient } from '../worker/engine-client';
import { createPreviewClient } from '../worker/preview-client';
import { emptyWorkflow } from '../engine';
import { defaultWorkflow } from '../workflows/default-workflow';
import { App } from './App';
import { showHint, showWarnings } from './hints';
import { ServicesProvider, type Services } from './services';
import { exportStored, reportOpen } from './WorkflowsPanel';

/** Settings key naming the workflow whose batch was running when the page went away. */
const BATCH_RUNNING = 'batch-running';

/** The app's services, with the browser's storage opened (or why it could not be); no workflow is open yet. */
async function services(): Promise<Services> {
  const registry = createRegistry();
  // Shown until the session opens the last workflow, which happens after the first render.
  const documents = new DocumentStore(emptyWorkflow('opening', 'Opening…'));
  const runs = new RunStore();
  const engine = createEngineClient();
  const runner = new Runner(documents, registry, runs, engine);
  const services: Services = { registry, documents, commands: new GraphCommands(documents, registry), runs, runner, batch: new BatchRunner(documents, registry, engine, runner), engine, preview: createPreviewClient(runs) };
  try {
    const db = await openLastingDb();
    services.batch = new BatchRunner(documents, registry, engine, runner, {
      get: async () => (await db.get('settings', BATCH_RUNNING)) as string | undefined,
      set: async (id) => void (id === undefined ? await db.delete('settings', BATCH_RUNNING) : await db.put('settings', id, BATCH_RUNNING)),
    });
    services.session = new WorkflowSession(documents, new WorkflowStore(db, registry), db, registry);
    services.assets = new IdbAssetStore(db);
  } catch (error) {
    services.storageProblem = `Work is not being saved: the browser's storage (IndexedDB) could not be opened (${error instanceof Error ? error.message : String(error)}). Export your workflow to keep it.`;
  }
  return services;
}

/** After the first render: the last workflow (or the default), then any shared link. */
async function open(services: Services): Promise<void> {
  const { session } = services;
  try {
    if (session) {
      const last = await session.start();
      if (last && !last.outcome.ok) {
        showHint(`The last workflow could not be reopened (${last.outcome.reason}); it is kept in the list, and a new one is open.`, 'error', { label: 'Export it', run: () => void exportStored(session, last.id) });
      } else if (last?.outcome.ok) reportOpen(last.outcome, services.documents.document.name);
      void requestPersistence();
      void services.batch.resume();
    } else services.documents.replace(defaultWorkflow());
  } catch (error) {
    showHint(`The last workflow could not be reopened: ${error instanceof Error ? error.message : String(error)}`, 'error');
    if (services.documents.document.id === 'opening') services.documents.replace(defaultWorkflow());
  }
  await openSharedLink(services);
}

/** A share link opens a copy of the workflow it carries; the link is then cleared from the address. */
async function openSharedLink(services: Services): Promise<void> {
  try {
    const shared = await readShareLink(location.hash, services.registry);
    if (!shared) return;
    history.replaceState(null, '', location.pathname + location.search);
    if (!shared.ok) return showHint(`The shared workflow could not be opened: ${shared.errors.map((e) => `${e.path || 'link'}: ${e.message}`).join('; ')}`, 'error');
    if (services.session) await services.session.create(shared.document);
    else services.documents.replace(shared.document);
    showWarnings('The shared workflow opened', shared.warnings);
  } catch (error) {
    showHint(`The shared workflow could not be opened: ${error instanceof Error ? error.message : String(error)}`, 'error');
  }
}

const ready = await services();
// Exposed for end-to-end tests, the CLI and curious users in the console; read-only use only.
(globalThis as { stillmotion?: Services }).stillmotion = ready;

// The app draws first: nothing a stored workflow or a link holds can keep the page blank.
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ServicesProvider value={ready}>
      <App />
    </ServicesProvider>
  </StrictMode>,
);
await open(ready);
