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
import { IdbAssetStore, openStillmotionDb, requestPersistence, WorkflowStore } from '../storage';
import { createEngineClient } from '../worker/engine-client';
import { defaultWorkflow } from '../workflows/default-workflow';
import { App } from './App';
import { showHint } from './hints';
import { ServicesProvider, type Services } from './services';

/** Settings key naming the workflow whose batch was running when the page went away. */
const BATCH_RUNNING = 'batch-running';

async function start(): Promise<Services> {
  const registry = createRegistry();
  const documents = new DocumentStore(defaultWorkflow());
  const runs = new RunStore();
  const engine = createEngineClient();
  const runner = new Runner(documents, registry, runs, engine);
  const services: Services = { registry, documents, commands: new GraphCommands(documents, registry), runs, runner, batch: new BatchRunner(documents, registry, engine, runner), engine };
  try {
    const db = await openStillmotionDb();
    services.batch = new BatchRunner(documents, registry, engine, runner, {
      get: async () => (await db.get('settings', BATCH_RUNNING)) as string | undefined,
      set: async (id) => void (id === undefined ? await db.delete('settings', BATCH_RUNNING) : await db.put('settings', id, BATCH_RUNNING)),
    });
    services.session = new WorkflowSession(documents, new WorkflowStore(db, registry), db, registry);
    services.assets = new IdbAssetStore(db);
    const problem = await services.session.start();
    if (problem) showHint(`The last workflow could not be reopened (${problem}); it is kept in the list. A new one is open.`, 'error');
    void requestPersistence();
    void services.batch.resume();
  } catch (error) {
    services.storageProblem = `Work is not being saved: the browser's storage (IndexedDB) could not be opened (${error instanceof Error ? error.message : String(error)}). Export your workflow to keep it.`;
  }
  await openSharedLink(services);
  return services;
}

/** A share link opens a copy of the workflow it carries; the link is then cleared from the address. */
async function openSharedLink(services: Services): Promise<void> {
  const shared = await readShareLink(location.hash, services.registry);
  if (!shared) return;
  history.replaceState(null, '', location.pathname + location.search);
  if (!shared.ok) return showHint(`The shared workflow could not be opened: ${shared.errors.map((e) => `${e.path || 'link'}: ${e.message}`).join('; ')}`, 'error');
  if (services.session) await services.session.create(shared.document);
  else services.documents.replace(shared.document);
}

const services = await start();
// Exposed for end-to-end tests and for curious users in the console; read-only use only.
(globalThis as { stillmotion?: Services }).stillmotion = services;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ServicesProvider value={services}>
      <App />
    </ServicesProvider>
  </StrictMode>,
);
