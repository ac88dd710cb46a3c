/** Local motion's run: a flat or depth move drawn frame by frame (GPU or CPU), encoded with its sound bed. */
import type { Output } from 'mediabunny';
import { createMedia, NodeError, nodeRun } from '../../engine';
import { addSoundtrack } from '../../media/audio/mux-soundtrack';
import { estimateDepth, type DepthMap } from '../../media/depth/estimate-depth';
import { isGpuAccelerated } from '../../media/gpu';
import { drawPixels, openBitmap } from '../../media/image-pixels';
import { cameraView, type CameraSpec } from '../../media/motion/camera';
import { depthLimit, framePose, parallaxCpu, usesDepth, type MotionSpec, type Pose } from '../../media/motion/parallax';
import { createParallaxGpu, type ParallaxRenderer } from '../../media/motion/parallax-gpu';
import type { RgbaImage } from '../../media/resample/lanczos';
import type { SoundBed } from '../../media/sound-bed/choices';
import { soundBed } from '../../media/sound-bed/sound-bed';
import { encodeVideo } from '../../media/video/encode-video';
import { videoSize, type localMotion } from '.';

/** Sound bed gain: peaks near -16 dBFS, a bed under whatever is mixed over it later. */
const SOUND_LEVEL = 0.5;
/** Seconds the sound fades in and out, so the clip neither starts nor stops with a click. */
const SOUND_FADE = 0.25;
/** Longest side of the copy depth is estimated from: the estimate is coarse by design. */
const DEPTH_INPUT_SIDE = 320;

export default nodeRun<typeof localMotion>(async ({ inputs, params, progress, signal }) => {
  const fps = Number(params.fps);
  const frameCount = Math.round(params.duration * fps);
  const [width, height] = videoSize(inputs.image.width, inputs.image.height, params.resolution);
  const spec: MotionSpec = {
    move: params.move,
    intensity: params.intensity,
    easing: params.easing,
    handheld: params.handheld,
    seed: params.seed,
    duration: params.duration,
    parallax: params.parallax,
    ambient: params.ambient,
  };
  const duration = frameCount / fps;
  const sound = params.sound;
  progress(0.02, 'decoding');
  const bitmap = await openBitmap(inputs.image.blob);
  let painter: FramePainter | undefined;
  try {
    painter = usesDepth(spec) ? await depthPainter(bitmap, spec, width, height, frameCount, params.renderer, progress) : flatPainter(bitmap, spec, frameCount);
    const { draw, label } = painter;
    const blob = await encodeVideo({
      width,
      height,
      fps,
      frameCount,
      signal,
      ...(sound === 'none' ? {} : { withTracks: (output) => addSoundBed(output, sound, params.seed, duration, signal) }),
      drawFrame: (index, context) => draw(context, index),
      onProgress: (done) => progress(0.08 + 0.9 * done, `frame ${Math.round(done * frameCount)} of ${frameCount}${label}`),
    });
    return { video: await createMedia('video', blob, { mime: blob.type, width, height, duration, fps, hasAudio: sound !== 'none' }) };
  } finally {
    painter?.destroy();
    bitmap.close();
  }
});

/** Adds the sound bed to `output` as an AAC track, through the audio mixer (gain, fades). */
function addSoundBed(output: Output, kind: SoundBed, seed: number, duration: number, signal: AbortSignal): Promise<() => Promise<void>> {
  const layer = { source: soundBed(kind, seed), start: 0, end: duration, gain: SOUND_LEVEL };
  return addSoundtrack(output, [layer], { duration, fadeIn: SOUND_FADE, fadeOut: SOUND_FADE, signal });
}

/** Draws frame `index` onto the encoder's canvas. */
interface FramePainter {
  draw(context: OffscreenCanvasRenderingContext2D, index: number): void | Promise<void>;
  /** Shown after the frame count in progress messages, e.g. " (GPU)". */
  label: string;
  destroy(): void;
}

/** A plain camera move: the whole picture transformed by the canvas, as version 1 drew it. */
function flatPainter(bitmap: ImageBitmap, camera: CameraSpec, frameCount: number): FramePainter {
  return { draw: (context, index) => drawView(context, bitmap, camera, clipTime(index, frameCount)), label: '', destroy: () => {} };
}

/** Frame `index`'s time in 0..1: the first frame at 0, the last at 1. */
const clipTime = (index: number, frameCount: number) => (frameCount > 1 ? index / (frameCount - 1) : 0);

/**
 * A depth move: depth estimated once, the source drawn once at the size the tightest view needs,
 * then every frame displaced on the GPU or the CPU.
 */
async function depthPainter(
  bitmap: ImageBitmap,
  spec: MotionSpec,
  width: number,
  height: number,
  frameCount: number,
  renderer: 'auto' | 'gpu' | 'cpu',
  progress: (fraction: number, message?: string) => void,
): Promise<FramePainter> {
  progress(0.03, 'estimating depth');
  const fit = Math.min(1, DEPTH_INPUT_SIDE / Math.max(bitmap.width, bitmap.height));
  const [dw, dh] = [Math.max(2, Math.round(bitmap.width * fit)), Math.max(2, Math.round(bitmap.height * fit))];
  const depth = estimateDepth(drawPixels(bitmap, whole(bitmap), dw, dh, { x: 0, y: 0, width: dw, height: dh }));
  const limit = depthLimit(spec, depth.maxGradient);
  const poses = Array.from({ length: frameCount }, (_, i) => framePose(spec, clipTime(i, frameCount), limit));
  const source = workingSource(bitmap, poses, width, height);
  const frame = new Uint8ClampedArray(width * height * 4);
  const image = new ImageData(frame, width, height);
  const gpu = await pickGpu(renderer, source, depth, width, height);
  const cpu = gpu ? undefined : parallaxCpu(source, depth, width, height);
  const render = async (pose: Pose) => (gpu ? gpu.render(pose, frame) : cpu!(pose, frame));
  return {
    async draw(context, index) {
      await render(poses[index]!);
      context.putImageData(image, 0, 0);
    },
    label: gpu ? ' (GPU)' : ' (CPU)',
    destroy: () => gpu?.destroy(),
  };
}

/** The GPU renderer when asked for (or, on Auto, when the adapter is hardware); undefined for the CPU. */
async function pickGpu(renderer: 'auto' | 'gpu' | 'cpu', source: RgbaImage, depth: DepthMap, width: number, height: number): Promise<ParallaxRenderer | undefined> {
  if (renderer === 'cpu' || (renderer === 'auto' && !(await isGpuAccelerated()))) return undefined;
  const gpu = await createParallaxGpu(source, depth, width, height);
  if (!gpu && renderer === 'gpu') throw new NodeError('WebGPU is not available in this browser; set "Render on" to CPU (or Auto)');
  return gpu;
}

/**
 * The source at the resolution the closest view needs (one source pixel per output pixel
 * there), never above the image's own: sampling stays near 1:1, neither blurry nor aliased.
 */
function workingSource(bitmap: ImageBitmap, poses: readonly Pose[], width: number, height: number): RgbaImage {
  const tightest = Math.min(...poses.map((p) => p.view.width));
  const scale = Math.min(1, width / (tightest * bitmap.width));
  const [w, h] = [Math.max(2, Math.ceil(bitmap.width * scale)), Math.max(2, Math.ceil(bitmap.height * scale))];
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
