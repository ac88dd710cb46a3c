/** The app's long-lived objects, made once and handed to components through context. */
import { createContext, useCallback, useContext, useRef, useSyncExternalStore } from 'react';
import type { AnyNodeDefinition, AssetStore, NodeRegistry, WorkflowDocument } from '../engine';
import type { GraphCommands } from '../editor/commands';
import type { DocumentStore } from '../editor/document-store';
import type { NodeRunState, RunOverview, RunStore } from '../editor/run-store';
import type { BatchRunner } from '../editor/batch-runner';
import type { Runner } from '../editor/runner';
import type { SessionState, WorkflowSession } from '../editor/workflow-session';
import type { EngineClient } from '../worker/engine-client';
import type { PreviewClient } from '../worker/preview-client';

export interface Services {
  registry: NodeRegistry;
  documents: DocumentStore;
  commands: GraphCommands;
  runs: RunStore;
  runner: Runner;
  /** Run batch: every photo of a Batch input through the graph. */
  batch: BatchRunner;
  engine: EngineClient;
  /** Live previews of nodes that have one, drawn in their own worker. */
  preview: PreviewClient;
  /** Saved workflows; absent when the browser's storage cannot be opened. */
  session?: WorkflowSession;
  /** The user's files, as the page sees them (bundles read and write here); absent likewise. */
  assets?: AssetStore;
  /** Why work is not being kept, when it is not. */
  storageProblem?: string;
}

const ServicesContext = createContext<Services | null>(null);
export const ServicesProvider = ServicesContext.Provider;

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices outside <ServicesProvider>');
  return services;
}

/** A slice of the document; re-renders only when the selected value changes (by ===). */
export function useDocument<T>(select: (document: WorkflowDocument) => T): T {
  const { documents } = useServices();
  const selectRef = useRef(select);
  selectRef.current = select;
  const subscribe = useCallback((notify: () => void) => documents.subscribe(notify), [documents]);
  return useSyncExternalStore(subscribe, () => selectRef.current(documents.document));
}

export function useNodeRun(nodeId: string): NodeRunState | undefined {
  const { runs } = useServices();
  const subscribe = useCallback((notify: () => void) => runs.subscribeNode(nodeId, notify), [runs, nodeId]);
  return useSyncExternalStore(subscribe, () => runs.node(nodeId));
}

/** Why a run would make this node's result again (so the result shown is out of date), if it would. */
export function useStaleReason(nodeId: string): string | undefined {
  const { runner } = useServices();
  const subscribe = useCallback((notify: () => void) => runner.checks.subscribeNode(nodeId, notify), [runner, nodeId]);
  return useSyncExternalStore(subscribe, () => runner.checks.staleReason(nodeId));
}

export function useRunOverview(): RunOverview {
  const { runs } = useServices();
  return useSyncExternalStore(useCallback((notify: () => void) => runs.subscribe(notify), [runs]), () => runs.overview);
}

export function useRunLog() {
  const { runs } = useServices();
  return useSyncExternalStore(useCallback((notify: () => void) => runs.subscribe(notify), [runs]), () => runs.log);
}

export function useDefinition(type: string): AnyNodeDefinition | undefined {
  return useServices().registry.get(type);
}

const NO_SESSION: SessionState = { list: [] };

export function useSession(): SessionState {
  const { session } = useServices();
  const subscribe = useCallback((notify: () => void) => session?.subscribe(notify) ?? (() => {}), [session]);
  return useSyncExternalStore(subscribe, () => session?.state ?? NO_SESSION);
}
