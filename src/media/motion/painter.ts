/**
 * Drawing Local motion's frames onto a 2D canvas: a flat camera move by the canvas itself, or a
 * depth move displaced on the GPU or the CPU (parallax.ts). The node's run draws onto the
 * encoder's canvas and the live preview onto the node's canvas, with this same code.
 */
import { NodeError } from '../../engine';
import { estimateDepth, type DepthMap } from '../depth/estimate-depth';
import { wantsGpu } from '../gpu';
import { drawPixels } from '../image-pixels';
import type { RgbaImage } from '../resample/lanczos';
import { cameraView, moveFromPrompt, type CameraSpec } from './camera';
import type { Ambient, Easing, Move } from './choices';
import { depthLimit, framePose, parallaxCpu, usesDepth, type MotionSpec, type Pose } from './parallax';
import { createParallaxGpu, type ParallaxRenderer } from './parallax-gpu';
import { ParallaxPool } from './parallax-pool';

/** Longest side of the copy depth is estimated from: the estimate is coarse by design. */
export const DEPTH_INPUT_SIDE = 320;

export type Renderer = 'auto' | 'gpu' | 'cpu';

/** The node's params a move is made of. */
export interface MotionParams {
  move: Move;
  intensity: number;
  easing: Easing;
  handheld: number;
  seed: number;
  duration: number;
  parallax: number;
  ambient: Ambient;
}

export function motionSpec(params: MotionParams, prompt?: string): MotionSpec {
  const { move, intensity, easing, handheld, seed, duration, parallax, ambient } = params;
  // A wired prompt that names a move picks it over the Move setting.
  return { move: moveFromPrompt(prompt) ?? move, intensity, easing, handheld, seed, duration, parallax, ambient };
}

/** Draws frame `index` onto a canvas of the painter's size. */
export interface FramePainter {
  draw(context: OffscreenCanvasRenderingContext2D, index: number): void | Promise<void>;
  /** Frame `index`'s RGBA pixels, for painters that make them without a canvas (valid until the next call). */
  pixels?(index: number): Promise<Uint8ClampedArray>;
  /** Where frames are drawn, e.g. " (GPU)", shown after the frame count in progress messages. */
  label: string;
  /** Whether depth frames are drawn on a GPU (a hardware one, unless asked for by name). */
  gpu: boolean;
  destroy(): void;
}

/** Frame `index`'s time in 0..1: the first frame at 0, the last at 1. */
export const clipTime = (index: number, frameCount: number) => (frameCount > 1 ? index / (frameCount - 1) : 0);

/** The picture's nearness, estimated from a small copy (see estimate-depth.ts). */
export function bitmapDepth(bitmap: ImageBitmap): DepthMap {
  const fit = Math.min(1, DEPTH_INPUT_SIDE / Math.max(bitmap.width, bitmap.height));
  const [dw, dh] = [Math.max(2, Math.round(bitmap.width * fit)), Math.max(2, Math.round(bitmap.height * fit))];
  return estimateDepth(drawPixels(bitmap, whole(bitmap), dw, dh, { x: 0, y: 0, width: dw, height: dh }));
}

export interface PainterOptions {
  /** The picture's nearness, estimated here unless given (the preview keeps one per picture while params change). */
  depth?: DepthMap;
  /**
   * Threads the CPU may draw depth frames on (1 by default): a run's long clip is worth starting
   * workers for, a preview's frame is not.
   */
  threads?: number;
}

/**
 * The painter of a clip of `frameCount` frames at width x height: flat moves by the canvas,
 * depth moves by the renderer chosen.
 */
export async function motionPainter(
  bitmap: ImageBitmap,
  spec: MotionSpec,
  size: ClipSize,
  renderer: Renderer,
  progress: (fraction: number, message?: string) => void,
  { depth, threads = 1 }: PainterOptions = {},
): Promise<FramePainter> {
  if (!usesDepth(spec)) return flatPainter(bitmap, spec, size.frameCount);
  progress(0.03, 'estimating depth');
  return depthPainter(bitmap, spec, size, renderer, depth ?? bitmapDepth(bitmap), threads);
}

/** A plain camera move: the whole picture transformed by the canvas, as version 1 drew it. */
function flatPainter(bitmap: ImageBitmap, camera: CameraSpec, frameCount: number): FramePainter {
  return { draw: (context, index) => drawView(context, bitmap, camera, clipTime(index, frameCount)), label: '', gpu: false, destroy: () => {} };
}

/** A depth move: the source drawn once at the size the tightest view needs, then every frame displaced. */
async function depthPainter(bitmap: ImageBitmap, spec: MotionSpec, size: ClipSize, renderer: Renderer, depth: DepthMap, threads: number): Promise<FramePainter> {
  const limit = depthLimit(spec, depth.maxGradient);
  const source = workingSource(bitmap, framePoses(spec, size.frameCount, limit), size.width);
  const frames = await depthFrames(source, depth, spec, size, renderer, threads);
  const frame = new Uint8ClampedArray(size.width * size.height * 4);
  const image = new ImageData(frame, size.width, size.height);
  const pixels = async (index: number) => {
    await frames.render(index, frame);
    return frame;
  };
  return {
    async draw(context, index) {
      await pixels(index);
      context.putImageData(image, 0, 0);
    },
    pixels,
    label: frames.gpu ? ' (GPU)' : ' (CPU)',
    gpu: frames.gpu,
    destroy: frames.destroy,
  };
}

export interface ClipSize {
  width: number;
  height: number;
  frameCount: number;
}

/** Renders frame `index` of a depth move into `out` (RGBA8 at the clip's size). */
export interface DepthFrames {
  render(index: number, out: Uint8ClampedArray): void | Promise<void>;
  gpu: boolean;
  destroy(): void;
}

/** The pose of every frame of a clip. */
export const framePoses = (spec: MotionSpec, frameCount: number, limit: number) => Array.from({ length: frameCount }, (_, i) => framePose(spec, clipTime(i, frameCount), limit));

/**
 * The frames of a depth move over `source` (already at its working size), on the renderer chosen,
 * the CPU's on up to `threads` threads: no canvas, so the `gpu` bench suite runs it in Node too.
 */
export async function depthFrames(source: RgbaImage, depth: DepthMap, spec: MotionSpec, { width, height, frameCount }: ClipSize, renderer: Renderer, threads = 1): Promise<DepthFrames> {
  const poses = framePoses(spec, frameCount, depthLimit(spec, depth.maxGradient));
  const gpu = await pickGpu(renderer, source, depth, width, height);
  if (gpu) return { render: (index, out) => gpu.render(poses[index]!, out), gpu: true, destroy: () => gpu.destroy() };
  if (threads > 1) {
    const pool = new ParallaxPool(source, depth, width, height, threads);
    return { render: (index, out) => pool.render(poses[index]!, out), gpu: false, destroy: () => pool.close() };
  }
  const cpu = parallaxCpu(source, depth, width, height);
  return { render: (index, out) => cpu(poses[index]!, 0, height, out), gpu: false, destroy: () => {} };
}

/** The GPU renderer when asked for (or, on Auto, when the adapter is hardware); undefined for the CPU. */
async function pickGpu(renderer: Renderer, source: RgbaImage, depth: DepthMap, width: number, height: number): Promise<ParallaxRenderer | undefined> {
  if (!(await wantsGpu(renderer))) return undefined;
  const gpu = await createParallaxGpu(source, depth, width, height);
  if (!gpu && renderer === 'gpu') throw new NodeError('WebGPU is not available in this browser; set "Render on" to CPU (or Auto)');
  return gpu;
}

/**
 * The size the source is drawn at for a clip of these poses: the resolution the closest view
 * needs (one source pixel per output pixel there), never above the image's own, so sampling
 * stays near 1:1, neither blurry nor aliased.
 */
export function workingSize(imageWidth: number, imageHeight: number, poses: readonly Pose[], width: number): [number, number] {
  const tightest = Math.min(...poses.map((p) => p.view.width));
  const scale = Math.min(1, width / (tightest * imageWidth));
  return [Math.max(2, Math.ceil(imageWidth * scale)), Math.max(2, Math.ceil(imageHeight * scale))];
}

function workingSource(bitmap: ImageBitmap, poses: readonly Pose[], width: number): RgbaImage {
  const [w, h] = workingSize(bitmap.width, bitmap.height, poses, width);
  return drawPixels(bitmap, whole(bitmap), w, h, { x: 0, y: 0, width: w, height: h });
}

const whole = (bitmap: ImageBitmap) => ({ x: 0, y: 0, width: bitmap.width, height: bitmap.height });

/** Draws the camera's view at time t of `bitmap` over the whole canvas. */
function drawView(context: OffscreenCanvasRenderingContext2D, bitmap: ImageBitmap, camera: CameraSpec, t: number): void {
  const view = cameraView(camera, t);
  const { width, height } = context.canvas;
  // A transform of the whole image rather than a source rectangle: sub-pixel positions stay
  // smooth instead of snapping, which would make slow moves judder.
  const sx = width / (view.width * bitmap.width);
  const sy = height / (view.height * bitmap.height);
  context.imageSmoothingEnabled = true;
  context.imageSmoothingQuality = 'high';
  context.setTransform(sx, 0, 0, sy, -view.x * bitmap.width * sx, -view.y * bitmap.height * sy);
  context.drawImage(bitmap, 0, 0);
}
