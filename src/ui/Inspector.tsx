/** The selected node, larger: what it is, how its last run went, and its outputs at full size. */
import { formatMs, whyText } from '../editor/run-store';
import { useEffect, useMemo, useState } from 'react';
import { isMedia } from '../engine';
import { comparisonOf, CompareView } from './CompareView';
import { FileFacts } from './FileFacts';
import { describeMedia, DownloadLink, OutputPreview } from './OutputPreview';
import { useDefinition, useDocument, useNodeRun, useServices, useStaleReason } from './services';

export function Inspector({ nodeId, count }: { nodeId: string | undefined; count: number }) {
  if (count > 1) return <section className="inspector empty">{count} nodes selected.</section>;
  if (!nodeId) return <section className="inspector empty">Select a node to see its outputs here.</section>;
  return <SelectedNode nodeId={nodeId} />;
}

function SelectedNode({ nodeId }: { nodeId: string }) {
  const { documents } = useServices();
  const node = useDocument(() => documents.node(nodeId));
  const definition = useDefinition(node?.type ?? '');
  const run = useNodeRun(nodeId);
  const comparison = useMemo(() => (run?.outputs ? comparisonOf(run.outputs) : undefined), [run?.outputs]);
  const stale = useStaleReason(nodeId);
  if (!node) return null;
  // Outputs on show that are not the node's current result: it is being made again (they stay on
  // show meanwhile), or a run would make it again since something changed, said in place of "done".
  const outOfDate = stale !== undefined && (run?.state === 'done' || run?.state === 'cached');
  const earlier = run?.state === 'queued' || run?.state === 'running' ? 'the node is running again' : outOfDate ? `out of date: ${stale}` : undefined;
  return (
    <section className="inspector">
      <h2>{node.title ?? definition?.title ?? node.type}</h2>
      {definition ? <p className="description">{definition.description}</p> : null}
      {run && !outOfDate ? (
        <p className={`run-line state-${run.state}`}>
          {run.state === 'running' ? `running, ${Math.round(run.fraction * 100)}%${run.message ? `: ${run.message}` : ''}` : run.state}
          {run.ms !== undefined && run.state === 'done' ? ` in ${formatMs(run.ms)}` : ''}
          {run.error ? `: ${run.error}` : ''}
        </p>
      ) : null}
      {run && !outOfDate && whyText(run) ? <p className="run-why">{whyText(run)}</p> : null}
      {run?.cacheKey ? <PinToggle cacheKey={run.cacheKey} /> : null}
      {earlier && run?.outputs ? <p className="earlier-result" role="note">Earlier result ({earlier}).</p> : null}
      {comparison ? <CompareView nodeId={nodeId} report={comparison.report} ranked={comparison.ranked} /> : null}
      {run?.outputs
        ? Object.entries(run.outputs).filter(([port]) => port !== comparison?.reportPort).map(([port, value]) => (
            <figure key={port} className={earlier ? 'inspector-output earlier' : 'inspector-output'}>
              <OutputPreview value={value} large />
              <figcaption>
                {definition?.outputs[port]?.label ?? port}
                {describeMedia(value) ? ` · ${describeMedia(value)}` : ''}
                {isMedia(value) ? <DownloadLink media={value} name={node.title ?? definition?.title ?? port} {...(earlier ? { earlier } : {})} /> : null}
                {isMedia(value) && value.kind === 'video' ? <FileFacts video={value} /> : null}
              </figcaption>
            </figure>
          ))
        : null}
    </section>
  );
}

/** Keeps this result through cache eviction, e.g. a paid generation worth more than disk space. */
function PinToggle({ cacheKey }: { cacheKey: string }) {
  const { engine, session } = useServices();
  const [pinned, setPinned] = useState<boolean>();
  useEffect(() => {
    let live = true;
    void engine.pinned(cacheKey).then((p) => live && setPinned(p));
    return () => {
      live = false;
    };
  }, [engine, cacheKey]);
  if (!session || pinned === undefined) return null;
  // Shown at once, put back if the cache had no such entry to pin.
  const toggle = async () => {
    const next = !pinned;
    setPinned(next);
    if (!(await engine.pin(cacheKey, next))) setPinned(!next);
  };
  return (
    <label className="pin-toggle" title="Pinned results are never removed to make room in the cache">
      <input type="checkbox" checked={pinned} onChange={() => void toggle()} /> Keep this result (never evicted)
    </label>
  );
}
