import '@xyflow/react/dist/style.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphCommands } from '../editor/commands';
import { DocumentStore } from '../editor/document-store';
import { RunStore } from '../editor/run-store';
import { Runner } from '../editor/runner';
import { createRegistry } from '../nodes';
import { createEngineClient } from '../worker/engine-client';
import { defaultWorkflow } from '../workflows/default-workflow';
import { App } from './App';
import { ServicesProvider, type Services } from './services';

const registry = createRegistry();
const documents = new DocumentStore(defaultWorkflow());
const runs = new RunStore();
const engine = createEngineClient();
const services: Services = {
  registry,
  documents,
  commands: new GraphCommands(documents, registry),
  runs,
  runner: new Runner(documents, registry, runs, engine),
  engine,
};

// Exposed for end-to-end tests and for curious users in the console; read-only use only.
(globalThis as { stillmotion?: Services }).stillmotion = services;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ServicesProvider value={services}>
      <App />
    </ServicesProvider>
  </StrictMode>,
);
