/**
 * A node's live preview, for any node whose definition has one: its params as they are now, drawn
 * by the preview worker onto a canvas handed over to it, from the node's inputs as last computed
 * (the upstream results in the run store). With no input yet it says so and draws nothing.
 * Never a result: nothing here enters the cache or a run.
 */
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { gatherInputs, inputHashes, stableStringify, type AnyNodeDefinition, type PortValue, type WorkflowNode } from '../engine';
import { nodeParams } from '../editor/run-cost';
import type { PreviewReport } from '../worker/preview-client';
import { useDocument, useServices } from './services';

/** The box frames are fitted into, in canvas pixels: crisp at the node's width on a HiDPI screen. */
const BOX = { width: 640, height: 360 } as const;

export function LivePreview({ node, definition }: { node: WorkflowNode; definition: AnyNodeDefinition }) {
  const [open, setOpen] = useState(true);
  const inputs = useInputs(node.id, definition);
  return (
    <details className="live-preview nodrag" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Live preview</summary>
      {!open ? null : 'missing' in inputs ? (
        <p className="preview-text" data-preview="no-input">
          {inputs.missing}
        </p>
      ) : (
        <PreviewCanvas node={node} definition={definition} inputs={inputs.values} />
      )}
    </details>
  );
}

/** The node's inputs from its upstream results, or what is missing, in the user's words. */
function useInputs(nodeId: string, definition: AnyNodeDefinition): { values: Record<string, PortValue | undefined> } | { missing: string } {
  const { runs, documents, registry } = useServices();
  const edges = useDocument((d) => d.edges);
  const incoming = useMemo(() => edges.filter((e) => e.target === nodeId), [edges, nodeId]);
  // Re-read when any upstream node's run state changes: a string of their states is a stable snapshot.
  const subscribe = useCallback(
    (notify: () => void) => {
      const off = incoming.map((e) => runs.subscribeNode(e.source, notify));
      return () => off.forEach((o) => o());
    },
    [runs, incoming],
  );
  useSyncExternalStore(
    subscribe,
    () => incoming.map((e) => `${e.source}:${runs.node(e.source)?.state ?? '-'}:${runs.node(e.source)?.cacheKey ?? ''}`).join('|'),
  );
  const gathered = gatherInputs(definition.inputs, incoming, (edge) => runs.node(edge.source)?.outputs?.[edge.sourcePort]);
  if ('error' in gathered) return { missing: `No input yet: ${gathered.error}.` };
  const waiting = [...gathered.pending.values()][0];
  if (!waiting) return { values: gathered.values };
  const upstream = documents.node(waiting.source);
  const name = upstream?.title ?? (upstream && registry.get(upstream.type)?.title) ?? waiting.source;
  return { missing: `No input yet: run "${name}" to see a preview here.` };
}

type Shown = { state: 'drawn'; seq: number; ms: number; label: string; playing: boolean } | { state: 'error'; seq: number; error: string };

/** The canvas the worker draws on, and what it last said of it. */
function PreviewCanvas({ node, definition, inputs }: { node: WorkflowNode; definition: AnyNodeDefinition; inputs: Record<string, PortValue | undefined> }) {
  const { preview } = useServices();
  const holder = useRef<HTMLDivElement>(null);
  const seq = useRef(0);
  const [requested, setRequested] = useState(0);
  const [shown, setShown] = useState<Shown>();
  const [attached, setAttached] = useState(false);

  // A fresh canvas per mount: a canvas's control can be handed over only once.
  useEffect(() => {
    const canvas = document.createElement('canvas');
    canvas.className = 'preview-media';
    canvas.setAttribute('aria-label', `Live preview of ${node.title ?? definition.title}`);
    holder.current!.append(canvas);
    const report = (r: PreviewReport) => {
      // Only what answers the latest request counts: older ones were superseded.
      if (r.seq !== seq.current) return;
      setShown(r.drawn ? { state: 'drawn', seq: r.seq, ms: r.ms, label: r.label, playing: r.playing } : { state: 'error', seq: r.seq, error: r.error });
    };
    preview.attach(node.id, canvas.transferControlToOffscreen(), report);
    setAttached(true);
    return () => {
      preview.detach(node.id);
      canvas.remove();
      setAttached(false);
    };
  }, [preview, node.id]);

  const params = nodeParams(node, definition);
  const paramsKey = stableStringify(params);
  const inputsKey = stableStringify(inputHashes(inputs));
  useEffect(() => {
    if (!attached) return;
    seq.current += 1;
    setRequested(seq.current);
    preview.show(node.id, { type: node.type, inputs, params, box: BOX, seq: seq.current });
    // inputs and params are read through their keys: a new object with the same content asks nothing.
  }, [attached, preview, node.id, node.type, paramsKey, inputsKey]);

  // The last answer stays shown while a newer request is drawn; the attribute says which it is.
  const state = shown?.seq === requested ? shown.state : 'pending';
  return (
    <div className="preview-canvas" data-preview={state} data-preview-seq={shown?.seq} data-preview-ms={shown?.state === 'drawn' ? Math.round(shown.ms) : undefined}>
      <div ref={holder} />
      <p className={shown?.state === 'error' ? 'node-error' : 'preview-caption'}>{caption(shown)}</p>
    </div>
  );
}

function caption(shown: Shown | undefined): string {
  if (!shown) return 'drawing…';
  if (shown.state === 'error') return `Preview failed: ${shown.error}`;
  return `${shown.label} · ${Math.round(shown.ms)} ms${shown.playing ? ' · playing' : ''} · preview, not the result`;
}
