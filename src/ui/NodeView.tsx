/**
 * The one component that draws every node type, from its definition: typed ports, parameter
 * widgets, run state and output previews. It subscribes to its own node and run state only.
 */
import { Handle, Position, useStore, type NodeProps, type ReactFlowState } from '@xyflow/react';
import { memo, useContext, useSyncExternalStore } from 'react';
import { DOCUMENT_LIMITS, fileExtension, isMedia, portColour, type AnyNodeDefinition, type PortType, type WorkflowNode } from '../engine';
import { savedName } from '../editor/output-names';
import { nodeParams } from '../editor/run-cost';
import { whyText, type NodeRunState } from '../editor/run-store';
import { DraggedWire } from './dragged-wire';
import { InlineEdit } from './InlineEdit';
import { LivePreview } from './LivePreview';
import { MARK_HEX } from './mark-colours';
import { OutputPreview } from './OutputPreview';
import { useInspection } from './inspection';
import { ParamField } from './ParamField';
import { PhotoPreview } from './PhotoPreview';
import { CostBadge, NodeProblem } from './RunCost';
import { useDefinition, useDocument, useNodeRun, useServices, useStaleReason } from './services';

/** Below this zoom, widgets are too small to use: nodes draw as a compact card. */
const DETAIL_ZOOM = 0.45;
/**
 * Below this zoom, even titles and ports are a pixel or two: nodes draw as plain cards (laid out
 * as before, so wires still attach). Painting a thousand tiny titles and port dots halved the
 * frame rate of a pan in the editor bench.
 */
const OUTLINE_ZOOM = 0.2;

/** Screen pixels around the pane within which a node counts as in view. */
const VIEW_MARGIN = 200;

type Detail = 'full' | 'compact' | 'outline';

/**
 * How much of node `id` to draw. React Flow draws only the nodes in view, except that it draws
 * every node once, on opening, to measure where its ports are: a node out of view draws as an
 * outline then (its ports laid out as ever), which made opening 5,000 nodes take seconds, not tens.
 */
function detailOf(state: ReactFlowState, id: string): Detail {
  const [x, y, zoom] = state.transform;
  const node = state.nodeLookup.get(id);
  if (node && state.width > 0) {
    const left = node.internals.positionAbsolute.x * zoom + x;
    const top = node.internals.positionAbsolute.y * zoom + y;
    const width = (node.measured.width ?? 0) * zoom;
    const height = (node.measured.height ?? 0) * zoom;
    const away = left + width < -VIEW_MARGIN || top + height < -VIEW_MARGIN || left > state.width + VIEW_MARGIN || top > state.height + VIEW_MARGIN;
    if (away) return 'outline';
  }
  return zoom >= DETAIL_ZOOM ? 'full' : zoom >= OUTLINE_ZOOM ? 'compact' : 'outline';
}

export const NodeView = memo(function NodeView({ id, selected }: NodeProps) {
  const { documents } = useServices();
  const node = useDocument(() => documents.node(id));
  const definition = useDefinition(node?.type ?? '');
  const run = useNodeRun(id);
  const detail = useStore((s) => detailOf(s, id));
  if (!node) return null;
  if (!definition) return <MissingNode node={node} />;
  const state = run?.state ?? 'idle';
  const marks = `${selected ? ' selected' : ''}${node.bypassed ? ' bypassed' : ''}`;
  const colour = node.colour ? ({ '--mark': MARK_HEX[node.colour] } as React.CSSProperties) : undefined;
  if (detail !== 'full') return <CompactNode id={id} title={node.title ?? definition.title} definition={definition} state={state} marks={marks} colour={colour} outline={detail === 'outline'} />;
  return (
    <div className={`node state-${state}${marks}${node.colour ? ' marked' : ''}`} style={colour} data-node-id={id} data-state={state} data-bypassed={node.bypassed ? true : undefined}>
      <header className={`node-header category-${definition.category.toLowerCase()}`}>
        <Title nodeId={id} title={node.title ?? definition.title} />
        {node.bypassed ? null : <CostBadge node={node} definition={definition} />}
        {node.bypassed ? (
          <span className="badge badge-bypassed" title="Bypassed: its input passes straight to its output and it does not run. Ctrl+B or right-click to take the bypass off.">
            bypassed
          </span>
        ) : (
          <StateBadge nodeId={id} run={run} />
        )}
        <RunHereButton nodeId={id} />
      </header>
      <ProgressBar run={run} />
      {run?.state === 'running' && run.message ? <p className="node-status" role="status">{run.message}</p> : null}
      <Ports nodeId={id} definition={definition} checked />
      <Params node={node} definition={definition} />
      <PhotoPreview node={node} definition={definition} />
      {run?.state === 'failed' ? <p className="node-error" role="alert">{run.error}</p> : <NodeProblem nodeId={id} />}
      {definition.preview ? <LivePreview node={node} definition={definition} /> : null}
      {run?.outputs ? (
        <div className="node-preview">
          {Object.entries(run.outputs)
            .filter(([port]) => definition.outputs[port]?.preview !== false)
            .map(([port, value]) => (
              <OutputPreview key={port} value={value} />
            ))}
        </div>
      ) : null}
      {definition.save && !node.bypassed ? <SaveButton nodeId={id} output={definition.save.output} run={run} /> : null}
    </div>
  );
});

/**
 * Save: downloads the node's result under its file-name pattern. Only a current result: while the
 * node runs, or when a run would make it again, the old one is not offered as if it were current.
 */
function SaveButton({ nodeId, output, run }: { nodeId: string; output: string; run: NodeRunState | undefined }) {
  const { documents, registry, runner } = useServices();
  const stale = useSyncExternalStore(
    (listener) => runner.checks.subscribeNode(nodeId, listener),
    () => runner.checks.staleReason(nodeId),
  );
  const value = run?.outputs?.[output];
  const current = (run?.state === 'done' || run?.state === 'cached') && !stale && isMedia(value);
  const why = !value ? 'Run to make the file first' : !current ? 'Out of date: run to bring it up to date first' : undefined;
  const save = () => {
    if (!current) return;
    const name = savedName(documents.document, registry, nodeId) ?? 'output';
    const link = document.createElement('a');
    link.href = URL.createObjectURL(value.blob);
    link.download = `${name}.${fileExtension(value.mime) ?? 'bin'}`;
    link.click();
    // The download has its own copy once it starts; the URL only has to outlive the click.
    setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
  };
  return (
    <div className="node-save">
      <button type="button" className="nodrag" disabled={!current} onClick={save} title={why ?? 'Save the file, named by the File name pattern'}>
        Save
      </button>
      {why ? <span className="node-save-why">{why}</span> : null}
    </div>
  );
}

/**
 * Inputs down the left edge, outputs down the right, as the definition lists them. `checked`
 * ports dim while a wire they cannot take is dragged; an outline (out of view, or far zoomed out)
 * skips that, so a drag does not redraw thousands of ports no one can see.
 */
function Ports({ nodeId, definition, checked }: { nodeId: string; definition: AnyNodeDefinition; checked: boolean }) {
  const Each = checked ? CheckedPort : Port;
  return (
    <div className="node-ports">
      <div className="node-inputs">
        {Object.entries(definition.inputs).map(([port, spec]) => (
          <Each key={port} nodeId={nodeId} kind="target" port={port} type={spec.type} label={spec.label} optional={spec.optional ?? false} />
        ))}
      </div>
      <div className="node-outputs">
        {Object.entries(definition.outputs).map(([port, spec]) => (
          <Each key={port} nodeId={nodeId} kind="source" port={port} type={spec.type} label={spec.label} optional={false} />
        ))}
      </div>
    </div>
  );
}

interface PortProps {
  nodeId: string;
  kind: 'source' | 'target';
  port: string;
  type: PortType;
  label: string;
  optional: boolean;
}

/**
 * While a wire is being dragged, why this port cannot take it (the same check a drop makes: types
 * by the port kinds' rules, no loop); undefined when it can, or when no wire is being dragged.
 */
function useRefusedWire(nodeId: string, port: string, kind: 'source' | 'target'): string | undefined {
  const { commands } = useServices();
  const from = useContext(DraggedWire);
  if (!from) return undefined;
  const side = kind === 'target' ? 'input' : 'output';
  if (from.nodeId === nodeId && from.port === port && from.side === side) return undefined;
  if (from.side === side) return 'a wire joins an output to an input';
  const wire = side === 'input' ? { source: from.nodeId, sourcePort: from.port, target: nodeId, targetPort: port } : { source: nodeId, sourcePort: port, target: from.nodeId, targetPort: from.port };
  const verdict = commands.check(wire);
  return verdict.ok ? undefined : verdict.reason;
}

function CheckedPort(props: PortProps) {
  return <Port {...props} refused={useRefusedWire(props.nodeId, props.port, props.kind)} />;
}

function Port({ kind, port, type, label, optional, refused }: PortProps & { refused?: string | undefined }) {
  return (
    <div className={`port port-${kind}${refused ? ' port-refused' : ''}`} title={refused ? `Cannot take this wire: ${refused}` : `${label}: ${type}${optional ? ' (optional)' : ''}`}>
      <Handle type={kind} position={kind === 'target' ? Position.Left : Position.Right} id={port} className={type.startsWith('list<') ? 'handle-list' : ''} style={{ background: portColour(type) }} />
      <span className="port-label">
        {label}
        {optional ? <span className="port-optional"> (optional)</span> : null}
      </span>
    </div>
  );
}

/** The node's name; double-click to rename it (an empty name goes back to the type's title). */
function Title({ nodeId, title }: { nodeId: string; title: string }) {
  const { commands } = useServices();
  return (
    <InlineEdit
      value={title}
      label="Node name"
      hint="Double-click to rename"
      as="text"
      className="node-title"
      inputClassName="node-title-input nodrag"
      maxLength={DOCUMENT_LIMITS.title}
      onCommit={(value) => commands.rename(nodeId, value)}
    />
  );
}

function RunHereButton({ nodeId }: { nodeId: string }) {
  const { runner } = useServices();
  return (
    <button type="button" className="node-run nodrag" title="Run this node and what it needs" aria-label="Run this node" onClick={() => runner.run([nodeId])}>
      <svg width="10" height="10" viewBox="0 0 10 10" aria-hidden="true">
        <path d="M2 1 L9 5 L2 9 Z" fill="currentColor" />
      </svg>
    </button>
  );
}

/** The params the current values allow: a constraint may hide one or narrow a select's options. */
function Params({ node, definition }: { node: WorkflowNode; definition: AnyNodeDefinition }) {
  const { commands } = useServices();
  const entries = Object.entries(definition.params);
  const values = nodeParams(node, definition);
  const inspected = useInspection(definition, values);
  if (entries.length === 0) return null;
  const constraints = definition.constrain?.(values) ?? {};
  const noteOf = (name: string) => [constraints[name]?.note, inspected[name]].filter(Boolean).join(' ') || undefined;
  const set = (name: string, value: unknown) => commands.setParam(node.id, name, value);
  return (
    <div className="node-params">
      {entries
        .filter(([name]) => !constraints[name]?.hidden)
        .map(([name, spec]) => (
          <ParamField key={name} name={name} spec={spec} value={values[name]} offered={constraints[name]?.options} labels={constraints[name]?.labels} note={noteOf(name)} onChange={(v) => set(name, v)} />
        ))}
    </div>
  );
}

const STATE_LABELS: Record<NodeRunState['state'], string> = {
  queued: 'queued',
  running: 'running',
  cached: 'cached',
  done: 'done',
  bypassed: 'bypassed',
  failed: 'failed',
  cancelled: 'cancelled',
};

/**
 * The node's state; a result a run would make again (a param or something upstream changed since)
 * reads "out of date" rather than done, with what changed.
 */
function StateBadge({ nodeId, run }: { nodeId: string; run: NodeRunState | undefined }) {
  const stale = useStaleReason(nodeId);
  if (!run) return null;
  if (stale && (run.state === 'done' || run.state === 'cached')) {
    return (
      <span className="badge badge-stale" title={`Out of date: ${stale}. Run to bring it up to date.`}>
        out of date
      </span>
    );
  }
  const text = run.state === 'running' ? `${Math.round(run.fraction * 100)}%` : STATE_LABELS[run.state];
  const why = whyText(run);
  return (
    <span className={`badge badge-${run.state}`} {...(why ? { title: why } : {})}>
      {text}
    </span>
  );
}

function ProgressBar({ run }: { run: NodeRunState | undefined }) {
  const fraction = run?.state === 'running' ? run.fraction : run && (run.state === 'done' || run.state === 'cached') ? 1 : 0;
  return (
    <div className="node-progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(fraction * 100)}>
      <div style={{ width: `${fraction * 100}%` }} />
    </div>
  );
}

/**
 * The far-away view of a node: its name, state and ports (so wires still attach), none of the
 * widgets, and about the same size, so zooming in and out never reflows the graph.
 */
function CompactNode(props: { id: string; title: string; definition: AnyNodeDefinition; state: string; marks: string; colour: React.CSSProperties | undefined; outline: boolean }) {
  const { id, title, definition, state, marks, colour, outline } = props;
  const classes = `node compact${outline ? ` outline category-${definition.category.toLowerCase()}` : ''} state-${state}${marks}${colour ? ' marked' : ''}`;
  return (
    <div className={classes} style={colour} data-node-id={id} data-state={state}>
      <header className={`node-header category-${definition.category.toLowerCase()}`}>
        <span className="node-title">{title}</span>
      </header>
      <Ports nodeId={id} definition={definition} checked={!outline} />
    </div>
  );
}

/** A node whose type this build does not have: kept, shown, never dropped. */
function MissingNode({ node }: { node: WorkflowNode }) {
  return (
    <div className="node missing" data-node-id={node.id} data-state="missing">
      <header className="node-header">
        <span className="node-title">{node.title ?? node.type}</span>
        <span className="badge badge-failed">missing</span>
      </header>
      <p className="node-error">Node type “{node.type}” is not in this version of Stillmotion. It is kept as saved.</p>
    </div>
  );
}
