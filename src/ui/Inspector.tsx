/** The selected node, larger: what it is, how its last run went, and its outputs at full size. */
import { formatMs } from '../editor/run-store';
import { isMedia } from '../engine';
import { describeMedia, DownloadLink, OutputPreview } from './OutputPreview';
import { useDefinition, useDocument, useNodeRun, useServices } from './services';

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
  if (!node) return null;
  return (
    <section className="inspector">
      <h2>{node.title ?? definition?.title ?? node.type}</h2>
      {definition ? <p className="description">{definition.description}</p> : null}
      {run ? (
        <p className={`run-line state-${run.state}`}>
          {run.state}
          {run.ms !== undefined && run.state === 'done' ? ` in ${formatMs(run.ms)}` : ''}
          {run.error ? `: ${run.error}` : ''}
        </p>
      ) : null}
      {run?.outputs
        ? Object.entries(run.outputs).map(([port, value]) => (
            <figure key={port} className="inspector-output">
              <OutputPreview value={value} large />
              <figcaption>
                {definition?.outputs[port]?.label ?? port}
                {describeMedia(value) ? ` · ${describeMedia(value)}` : ''}
                {isMedia(value) ? <DownloadLink media={value} name={node.title ?? definition?.title ?? port} /> : null}
              </figcaption>
            </figure>
          ))
        : null}
    </section>
  );
}
