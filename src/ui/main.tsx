import '@xyflow/react/dist/style.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { DocumentStore } from '../editor/document-store';
import { RunStore } from '../editor/run-store';
import { createRegistry } from '../nodes';
import { createEngineClient } from '../worker/engine-client';
import { defaultWorkflow } from '../workflows/default-workflow';
import { App } from './App';
import { ServicesProvider, type Services } from './services';

const services: Services = {
  registry: createRegistry(),
  documents: new DocumentStore(defaultWorkflow()),
  runs: new RunStore(),
  engine: createEngineClient(),
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
