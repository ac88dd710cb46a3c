/**
 * The live previews' own worker. Each node's preview canvas is handed over here
 * (transferControlToOffscreen) and drawn by the node's preview code (NodePreview, loaded lazily
 * from its definition), straight onto the canvas.
 *
 * Why a worker of its own, rather than the page or the engine's worker: a preview frame on the
 * CPU path takes tens of milliseconds of decoding, depth and resampling, which on the page would
 * stall the very slider being dragged; in the engine's worker it would queue behind (or in front
 * of) a run's work on one thread. Here it shares neither thread: runs never wait on a preview,
 * and the preview has no cache to write into. While a run is active the preview still answers a
 * change of params with one frame, but does not play.
 *
 * Each node keeps at most one request waiting: a newer one replaces it, and aborts the one in
 * flight, whose result is dropped rather than drawn (LatestOnly). While a run is active, a drag
 * is answered at most every RUN_GAP_MS, so it takes a frame now and then rather than a core.
 */
import * as Comlink from 'comlink';
import { inputHashes, matchesPortType, resolveParams, stableStringify, type PortValue, type PreviewBox, type PreviewScene, type PreviewSource } from '../engine';
import { createRegistry } from '../nodes';
import { LatestOnly } from './latest-only';

export interface PreviewRequest {
  type: string;
  inputs: Record<string, PortValue | undefined>;
  params: Record<string, unknown>;
  box: PreviewBox;
  /** The page's number for this request, given back with what was drawn for it. */
  seq: number;
}

/**
 * What became of a request: drawn, with how long it took from its arrival (`ms`) and how long the
 * frame itself took to draw (`drawMs`, what each frame of a playing move costs), or why not.
 */
export type PreviewReport = { seq: number; drawn: true; ms: number; drawMs: number; label: string; width: number; height: number; playing: boolean } | { seq: number; drawn: false; error: string };

/** The largest preview asked for: frames beyond it would cost what the preview is meant to spare. */
const MAX_BOX_SIDE = 2048;
/** Milliseconds between a node's preview frames while a run is active. */
const RUN_GAP_MS = 150;

interface Slot {
  context: OffscreenCanvasRenderingContext2D;
  report: (report: PreviewReport) => void;
  requests: LatestOnly<{ request: PreviewRequest; at: number }>;
  source?: { key: string; value: PreviewSource<Record<string, unknown>> };
  scene?: { key: string; value: PreviewScene };
  /** Bumped to stop the frame loop of a scene that is no longer shown. */
  playback: number;
  /**
   * The frame being drawn (the still or the loop's), awaited before the scene is drawn again or
   * freed: a GPU frame in flight holds the scene's buffers (its readback cannot be mapped twice).
   */
  frame: Promise<void>;
  /** The node's preview was closed: what is still loading for it is freed as it arrives. */
  detached: boolean;
}

const registry = createRegistry();
const slots = new Map<string, Slot>();
let runActive = false;

/** Whether a request is for work that no longer stands (replaced, or the node's preview closed). */
class Dropped extends Error {}

/** Shows one request and says what became of it; a dropped one says nothing. */
async function answer(slot: Slot, { request, at }: { request: PreviewRequest; at: number }, signal: AbortSignal): Promise<void> {
  try {
    const drawMs = await show(slot, request, signal);
    const scene = slot.scene!.value;
    slot.report({ seq: request.seq, drawn: true, ms: performance.now() - at, drawMs, label: scene.label, width: scene.width, height: scene.height, playing: plays(scene) });
  } catch (error) {
    if (!(error instanceof Dropped) && !signal.aborted) slot.report({ seq: request.seq, drawn: false, error: error instanceof Error ? error.message : String(error) });
  }
}

/**
 * Loads what `request` needs that is not loaded yet, draws its still, and plays it where it can;
 * returns the milliseconds the still took to draw.
 */
async function show(slot: Slot, request: PreviewRequest, signal: AbortSignal): Promise<number> {
  const definition = registry.get(request.type);
  if (!definition?.preview) throw new Error(`${request.type} has no preview`);
  const { width, height } = request.box;
  if (![width, height].every((side) => Number.isInteger(side) && side >= 2 && side <= MAX_BOX_SIDE)) throw new Error(`a preview box of ${width}x${height} px is not 2..${MAX_BOX_SIDE} px a side`);
  const { values: params, issues } = resolveParams(definition.params, request.params);
  if (issues.length > 0) throw new Error(issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  for (const [port, spec] of Object.entries(definition.inputs)) {
    const value = request.inputs[port];
    if (value === undefined ? !spec.optional : !matchesPortType(value, spec.type)) throw new Error(`input "${spec.label}" is not a ${spec.type}`);
  }
  const sourceKey = `${request.type}${stableStringify(inputHashes(request.inputs))}`;
  const live = () => {
    // Checked after every wait: a newer request, or the preview's closing, ends this one there.
    if (signal.aborted) throw new Dropped();
  };
  if (slot.source?.key !== sourceKey) {
    await stop(slot);
    live();
    release(slot);
    const { default: preview } = await definition.preview();
    const source = await preview.load(request.inputs, signal);
    if (slot.detached) {
      source.close();
      throw new Dropped();
    }
    // Kept even when this request was replaced meanwhile: the next one likely has the same inputs.
    slot.source = { key: sourceKey, value: source };
  }
  live();
  const sceneKey = `${sourceKey}${stableStringify(params)}${request.box.width}x${request.box.height}`;
  if (slot.scene?.key !== sceneKey) {
    const scene = await slot.source.value.scene(params, request.box, signal);
    await stop(slot);
    if (signal.aborted) {
      scene.destroy();
      throw new Dropped();
    }
    slot.scene?.value.destroy();
    slot.scene = { key: sceneKey, value: scene };
  }
  await stop(slot);
  live();
  const scene = slot.scene.value;
  const { canvas } = slot.context;
  if (canvas.width !== scene.width || canvas.height !== scene.height) [canvas.width, canvas.height] = [scene.width, scene.height];
  slot.context.setTransform(1, 0, 0, 1, 0, 0);
  const drawing = performance.now();
  const still = Promise.resolve(scene.draw(slot.context, scene.still));
  slot.frame = still.catch(() => {});
  await still;
  const drawMs = performance.now() - drawing;
  live();
  if (plays(scene)) play(slot, scene);
  return drawMs;
}

const plays = (scene: PreviewScene) => scene.realtime && scene.duration > 0 && !runActive;

/** Plays `scene` in a loop in real time, frames picked by the clock, until stopped. */
function play(slot: Slot, scene: PreviewScene): void {
  const token = ++slot.playback;
  const started = performance.now();
  const next = (tick: () => void) => (typeof requestAnimationFrame === 'function' ? requestAnimationFrame(tick) : setTimeout(tick, 1000 / scene.fps));
  const tick = () => {
    if (slot.playback !== token) return;
    const seconds = ((performance.now() - started) / 1000) % scene.duration;
    // A frame that fails (a lost device) ends the loop; the next change of params says why.
    slot.frame = Promise.resolve(scene.draw(slot.context, seconds)).then(
      () => void next(tick),
      () => void slot.playback++,
    );
  };
  void slot.frame.then(() => next(tick));
}

/** Frees the slot's scene and source, each once. */
function release(slot: Slot): void {
  const { scene, source } = slot;
  slot.scene = undefined;
  slot.source = undefined;
  scene?.value.destroy();
  source?.value.close();
}

/** Stops the frame loop; resolves once the frame it was drawing is done. */
function stop(slot: Slot): Promise<void> {
  slot.playback++;
  return slot.frame;
}

const api = {
  /** Takes node `nodeId`'s canvas; `report` hears what becomes of each request. */
  attach(nodeId: string, canvas: OffscreenCanvas, report: (report: PreviewReport) => void): void {
    const context = canvas.getContext('2d');
    if (!context) throw new Error('this browser gives no 2D canvas to draw previews on');
    api.detach(nodeId);
    const slot: Slot = {
      context,
      report,
      requests: new LatestOnly((request, signal) => answer(slot, request, signal), () => (runActive ? RUN_GAP_MS : 0)),
      playback: 0,
      frame: Promise.resolve(),
      detached: false,
    };
    slots.set(nodeId, slot);
  },

  /** Shows `request` on node `nodeId`'s canvas, replacing whatever was waiting. */
  show(nodeId: string, request: PreviewRequest): void {
    slots.get(nodeId)?.requests.push({ request, at: performance.now() });
  },

  /** The node's preview is gone (unmounted): everything it held is freed. */
  detach(nodeId: string): void {
    const slot = slots.get(nodeId);
    if (!slot) return;
    slots.delete(nodeId);
    slot.detached = true;
    slot.requests.close();
    void stop(slot).then(() => release(slot));
  },

  /** A run started or ended: playback pauses while one is active and resumes after. */
  runs(active: boolean): void {
    runActive = active;
    for (const slot of slots.values()) {
      const scene = slot.scene?.value;
      if (active) void stop(slot);
      else if (scene && plays(scene)) play(slot, scene);
    }
  },
};

export type PreviewWorkerApi = typeof api;

Comlink.expose(api);
