/**
 * A node type, defined once, in three parts: its data (ports, typed parameters, category, docs,
 * how saved params migrate), page-safe hooks (constrain, cost, refusal), and its run. The
 * editor renders nodes from the data, the loader validates against it, and the engine runs it.
 * A run that needs media or provider code lives in its own module, loaded by the worker when the
 * node first runs (`withRun`), so the page draws node cards without loading that code.
 */
import type { AssetStore } from './assets';
import type { ParamConstraints, ParamSpecs, ParamValues } from './params';
import type { PortType } from './ports';
import type { NodeServices } from './services';
import type { PortValue, ValueOf } from './values';
import type { WorkflowDocument } from './workflow';

/** The palette's order of the categories that ship; a node may name another, listed after these. */
export const CATEGORIES = ['Input', 'Generate', 'Transform', 'Audio', 'Analyse', 'Output', 'Utility'] as const;
export type Category = (typeof CATEGORIES)[number] | (string & {});

export interface InputSpec {
  type: PortType;
  label: string;
  /** An optional input may be left unconnected; its value is then `undefined` (or `[]` for lists). */
  optional?: boolean;
  description?: string;
}

export interface OutputSpec {
  type: PortType;
  label: string;
  description?: string;
  /** False for machine-readable data (a JSON report) that a node card should not print. */
  preview?: boolean;
}

export type InputSpecs = Readonly<Record<string, InputSpec>>;
export type OutputSpecs = Readonly<Record<string, OutputSpec>>;

export type InputValues<I extends InputSpecs> = {
  [K in keyof I]: I[K]['optional'] extends true
    ? I[K]['type'] extends `list<${string}>`
      ? ValueOf<I[K]['type']>
      : ValueOf<I[K]['type']> | undefined
    : ValueOf<I[K]['type']>;
};
export type OutputValues<O extends OutputSpecs> = { [K in keyof O]: ValueOf<O[K]['type']> };

/** Money a run would spend, with how it was worked out (shown next to the figure). */
export interface CostEstimate {
  usd: number;
  /** E.g. "8 s x $0.40/s at 1080p (fal)". */
  basis: string;
  /** Where the figure is an assumption rather than a published price, say so. */
  assumed?: boolean;
}

/** Reports how far a node has got: a fraction 0..1 and an optional short message. */
export type ProgressReporter = (fraction: number, message?: string) => void;

/** Files the user added, looked up by content hash (the asset store, or memory in tests). */
export interface AssetResolver {
  get(hash: string): Promise<Blob | undefined>;
}

export interface RunContext<I extends InputSpecs, P extends ParamSpecs> extends Readonly<NodeServices> {
  readonly nodeId: string;
  /**
   * This run's cache key: the identity of the work. Work that outlives a run (a paid generation)
   * is journalled under it, so the same work asked again after a reload finds it.
   */
  readonly key: string;
  readonly inputs: InputValues<I>;
  readonly params: ParamValues<P>;
  /** Aborted when the user cancels: stop work, release resources, and throw. */
  readonly signal: AbortSignal;
  readonly progress: ProgressReporter;
  /** Files by content hash; a node may add its results (a downloaded generation) too. */
  readonly assets: AssetStore;
  /** The document being run, as given to the engine (for nodes that embed it, like Export). */
  readonly workflow: WorkflowDocument;
  /**
   * Part of the work that several keys of this node share, kept in the output cache (so across
   * runs and reloads, evicted like any result): `make`'s value under `key`, within this node type
   * and version. Compare's scores of a take stay when only its weights change, so re-ranking
   * decodes nothing. An entry that no longer decodes is made again.
   */
  readonly memo: <T>(key: string, make: () => Promise<T>, codec: MemoCodec<T>) => Promise<T>;
}

/** How a memoised value is kept as text: `decode` answers undefined for text it cannot trust. */
export interface MemoCodec<T> {
  encode(value: T): string;
  decode(text: string): T | undefined;
}

export interface NodeDefinition<
  I extends InputSpecs = InputSpecs,
  O extends OutputSpecs = OutputSpecs,
  P extends ParamSpecs = ParamSpecs,
> {
  /** Stable id saved in workflow files, e.g. `image.sample`. Never renamed. */
  type: string;
  /** Bumped when params change shape; `migrations` lifts older saved params. */
  version: number;
  title: string;
  category: Category;
  description: string;
  inputs: I;
  outputs: O;
  params: P;
  /**
   * The shared resource this node occupies while running (a provider, a ComfyUI server, the GPU),
   * so the engine can cap how many such nodes run at once. Undefined: only the global limit applies.
   */
  resource?: (params: ParamValues<P>) => string | undefined;
  /**
   * The result depends on the workflow itself, not only on inputs and params (Export embeds it).
   * Its cache key then includes the graph (nodes, params, wires, name) but not the layout, so
   * moving a node does not redo the work.
   */
  readsWorkflow?: (params: ParamValues<P>) => boolean;
  /**
   * Which values the current params allow (a model's durations, resolutions, toggles). The
   * editor offers only these and conforms the rest when one changes; the engine refuses others.
   */
  constrain?: (params: ParamValues<P>) => ParamConstraints;
  /** What running this node costs in money, estimated from its params before anything is sent. */
  cost?: (params: ParamValues<P>) => CostEstimate | undefined;
  /**
   * What makes this node's result, in a few words for labels elsewhere ("Kling v3 · fal" on a
   * Compare take). A node without it is named by its title alone.
   */
  madeBy?: (params: ParamValues<P>) => string | undefined;
  /**
   * The services the node uses beyond files (always given): the journal of paid work, the
   * settings, and the keys of the providers its params send to. What it does not declare it is
   * not given: a node without `keys` never sees a key, and one with them only those providers'.
   */
  services?: ServiceNeeds<ParamValues<P>>;
  /**
   * Checks that ask a server (a ComfyUI server's installed nodes and models), run by the editor
   * a moment after the params change: a note per param, shown under the field. Never part of a run.
   */
  inspect?: (params: ParamValues<P>, services: InspectServices) => Promise<Partial<Record<keyof P & string, string>>>;
  /**
   * Why the node would refuse to run, known from its params and which inputs are wired, before
   * anything runs (a prompt its model requires, an end frame it cannot take). A dry run asks it;
   * run() keeps the same rules for the values it gets.
   */
  refusal?: (params: ParamValues<P>, wired: ReadonlySet<string>) => string | undefined;
  /**
   * A batch source: the graph downstream runs once per item, with `param` set to the item's
   * index. Each item is its own work (its own cache keys, its own paid generations), so a
   * batch resumes item by item and never pays twice for one.
   */
  batch?: { param: keyof P & string; size: (params: ParamValues<P>) => number; label: (params: ParamValues<P>, index: number) => string };
  /**
   * A Save button on the node: downloads `output`, named by the pattern in the text param `name`
   * (see output-names.ts), the same name Run batch gives it.
   */
  save?: { output: keyof O & string; name: keyof P & string };
  /** `migrations[n]` turns params saved at version n into version n + 1. */
  migrations?: Readonly<Record<number, (params: Record<string, unknown>) => Record<string, unknown>>>;
  /** The work, inline when it needs nothing beyond the engine; else given by `withRun`. */
  run?: NodeRun<I, O, P>;
}

export type NodeRun<I extends InputSpecs, O extends OutputSpecs, P extends ParamSpecs> = (ctx: RunContext<I, P>) => Promise<OutputValues<O>>;

/** A node's run module: its default export is the run. */
export interface RunModule<Run = AnyNodeRun> {
  default: Run;
}

/** A node's preview module: its default export is the preview. */
export interface PreviewModule<Preview = NodePreview> {
  default: Preview;
}

/**
 * A node's live preview: frames drawn by the node's own media code, straight onto a canvas at
 * preview size, no encoding. `load` decodes the inputs once; each change of params asks the
 * loaded source for a scene, which draws the frame at any time.
 */
export interface NodePreview<Inputs = Record<string, PortValue | undefined>, Params = Record<string, unknown>> {
  load(inputs: Inputs, signal: AbortSignal): Promise<PreviewSource<Params>>;
}

export interface PreviewSource<Params> {
  /** The scene for these params, fitted inside `box` (device pixels). */
  scene(params: Params, box: PreviewBox, signal: AbortSignal): Promise<PreviewScene>;
  /** Frees what `load` decoded. */
  close(): void;
}

export interface PreviewBox {
  width: number;
  height: number;
}

export interface PreviewScene {
  /** The canvas size the scene draws at: inside the box, the result's aspect. */
  readonly width: number;
  readonly height: number;
  /** Seconds of motion it plays over; 0 for a still. */
  readonly duration: number;
  readonly fps: number;
  /** The time shown when it does not play: where the params show most (a move's end). */
  readonly still: number;
  /** Whether frames come fast enough to play in real time (a hardware GPU). */
  readonly realtime: boolean;
  /** What is shown, for the caption: "GPU", "CPU, centre at 1:1 of 2560x1440". */
  readonly label: string;
  draw(context: OffscreenCanvasRenderingContext2D, seconds: number): void | Promise<void>;
  destroy(): void;
}

export interface ServiceNeeds<Params> {
  journal?: boolean;
  settings?: boolean;
  /** The providers whose keys the node may read, for these params. */
  keys?: (params: Params) => readonly string[];
}

/** What an `inspect` may use: the user's settings (which servers they added), and when to give up. */
export interface InspectServices {
  settings: NodeServices['settings'];
  signal: AbortSignal;
}

/** A definition with its types erased, as held by the registry and the engine. */
export interface AnyNodeDefinition extends Omit<NodeDefinition, 'run' | 'resource' | 'readsWorkflow' | 'constrain' | 'cost' | 'madeBy' | 'refusal' | 'batch' | 'services' | 'inspect'> {
  /**
   * Loads the node's live preview (a dynamic import, given by `withPreview`): the preview worker
   * calls it when the node's preview is first shown. Never part of a run or the cache.
   */
  preview?: () => Promise<PreviewModule>;
  services?: ServiceNeeds<Record<string, unknown>>;
  inspect?: (params: Record<string, unknown>, services: InspectServices) => Promise<Record<string, string>>;
  batch?: { param: string; size: (params: Record<string, unknown>) => number; label: (params: Record<string, unknown>, index: number) => string };
  resource?: (params: Record<string, unknown>) => string | undefined;
  readsWorkflow?: (params: Record<string, unknown>) => boolean;
  constrain?: (params: Record<string, unknown>) => ParamConstraints;
  cost?: (params: Record<string, unknown>) => CostEstimate | undefined;
  madeBy?: (params: Record<string, unknown>) => string | undefined;
  refusal?: (params: Record<string, unknown>, wired: ReadonlySet<string>) => string | undefined;
  run?: AnyNodeRun;
  /** Loads the run module (a dynamic import): the worker calls it when the node first runs. */
  load?: () => Promise<RunModule>;
}

export type AnyNodeRun = (ctx: RunContext<InputSpecs, ParamSpecs>) => Promise<Record<string, PortValue>>;

declare const portTypes: unique symbol;

/** A definition that remembers its ports' and params' types, for the run module written apart. */
export type TypedNodeDefinition<I extends InputSpecs, O extends OutputSpecs, P extends ParamSpecs> = AnyNodeDefinition & {
  readonly [portTypes]?: { inputs: I; outputs: O; params: P };
};

/** Declares a node type with full inference of its ports and params. */
export function defineNode<I extends InputSpecs, O extends OutputSpecs, P extends ParamSpecs>(
  definition: NodeDefinition<I, O, P>,
): TypedNodeDefinition<I, O, P> {
  return definition as unknown as TypedNodeDefinition<I, O, P>;
}

/**
 * The node with its run in a module of its own, loaded only where the node runs:
 * `export default withRun(node, () => import('./run'))`.
 */
export function withRun<I extends InputSpecs, O extends OutputSpecs, P extends ParamSpecs>(
  node: TypedNodeDefinition<I, O, P>,
  load: () => Promise<RunModule<NodeRun<I, O, P>>>,
): TypedNodeDefinition<I, O, P> {
  return { ...node, load: load as unknown as () => Promise<RunModule> };
}

/** A run module's run, typed by its node: `export default nodeRun<typeof node>(async (ctx) => ...)`. */
export function nodeRun<N>(run: N extends TypedNodeDefinition<infer I, infer O, infer P> ? NodeRun<I, O, P> : never): typeof run {
  return run;
}

/**
 * The node with a live preview in a module of its own, loaded only by the preview worker:
 * `withPreview(node, () => import('./preview'))`.
 */
export function withPreview<I extends InputSpecs, O extends OutputSpecs, P extends ParamSpecs>(
  node: TypedNodeDefinition<I, O, P>,
  load: () => Promise<PreviewModule<NodePreview<InputValues<I>, ParamValues<P>>>>,
): TypedNodeDefinition<I, O, P> {
  return { ...node, preview: load as unknown as () => Promise<PreviewModule> };
}

/** A preview module's preview, typed by its node: `export default nodePreview<typeof node>({ load })`. */
export function nodePreview<N>(preview: N extends TypedNodeDefinition<infer I, OutputSpecs, infer P> ? NodePreview<InputValues<I>, ParamValues<P>> : never): typeof preview {
  return preview;
}

/** The node's run, loading its module the first time. */
export async function runOf(definition: AnyNodeDefinition): Promise<AnyNodeRun> {
  const run = definition.run ?? (await definition.load?.())?.default;
  if (!run) throw new Error(`node type ${definition.type} has no run`);
  return run;
}

/** The node's error for the user: says what is wrong in their terms. Other errors are bugs. */
export class NodeError extends Error {
  override name = 'NodeError';
}

/** The required inputs of `definition` that none of `edges` (the node's incoming wires) feeds, as failures. */
export function unconnectedInputs(definition: AnyNodeDefinition, edges: readonly { targetPort: string }[]): string[] {
  return Object.entries(definition.inputs).flatMap(([port, spec]) => (spec.optional || edges.some((e) => e.targetPort === port) ? [] : [unconnectedInput(port, spec)]));
}

/** What a run and a plan say of a required input with no wire. */
export function unconnectedInput(port: string, spec: InputSpec): string {
  return `input "${spec.label}" (${port}, ${spec.type}) is not connected`;
}

/** Lifts params saved at `fromVersion` to the definition's current version. */
export function migrateParams(
  definition: AnyNodeDefinition,
  params: Record<string, unknown>,
  fromVersion: number,
): Record<string, unknown> {
  let current = params;
  for (let v = fromVersion; v < definition.version; v++) {
    const step = definition.migrations?.[v];
    if (step) current = step(current);
  }
  return current;
}
