/**
 * Local motion: a camera move over a still, with depth-aware parallax, ambient motion and an
 * ambient sound bed, rendered and encoded in the browser. A local motion generator, not a
 * diffusion model: the picture's content never changes, its layers move.
 */
import type { Output } from 'mediabunny';
import { createMedia, defineNode, NodeError, param } from '../engine';
import { estimateDepth, type DepthMap } from '../media/depth/estimate-depth';
import { drawPixels, openBitmap } from '../media/image-pixels';
import { cameraView, EASINGS, moveFromPrompt, MOVES, type CameraSpec } from '../media/motion/camera';
import { AMBIENTS, depthLimit, framePose, parallaxCpu, usesDepth, type MotionSpec, type Pose } from '../media/motion/parallax';
import { createParallaxGpu, type ParallaxRenderer } from '../media/motion/parallax-gpu';
import { isGpuAccelerated } from '../media/gpu';
import type { RgbaImage } from '../media/resample/lanczos';
import { addSoundtrack } from '../media/audio/mux-soundtrack';
import { soundBed, SOUND_BEDS, type SoundBed } from '../media/sound-bed/sound-bed';
import { encodeVideo } from '../media/video/encode-video';

/** Frame boxes for the named resolutions, landscape; portrait images get them turned. */
const BOXES = { '720p': [1280, 720], '1080p': [1920, 1080] } as const;
/** Longest side kept by 'source': the most any H.264 level this app targets handles well. */
const SOURCE_MAX_SIDE = 1920;

type Resolution = keyof typeof BOXES | 'source';

const MOVE_LABELS: Record<(typeof MOVES)[number], string> = {
  none: 'None (still)',
  'push-in': 'Push in',
  'pull-out': 'Pull out',
  'pan-left': 'Pan left',
  'pan-right': 'Pan right',
  'tilt-up': 'Tilt up',
  'tilt-down': 'Tilt down',
  'orbit-left': 'Orbit left (depth)',
  'orbit-right': 'Orbit right (depth)',
  'dolly-zoom-in': 'Dolly zoom in (depth)',
  'dolly-zoom-out': 'Dolly zoom out (depth)',
};
const AMBIENT_LABELS: Record<(typeof AMBIENTS)[number], string> = { none: 'None', shimmer: 'Shimmer (far: water, haze)', sway: 'Sway (near: foliage)' };
const SOUND_LABELS: Record<(typeof SOUND_BEDS)[number] | 'none', string> = { none: 'None (silent)', wind: 'Wind', rain: 'Rain', 'room-tone': 'Room tone' };
/** Sound bed gain: peaks near -16 dBFS, a bed under whatever is mixed over it later. */
const SOUND_LEVEL = 0.5;
/** Seconds the sound fades in and out, so the clip neither starts nor stops with a click. */
const SOUND_FADE = 0.25;
/** Longest side of the copy depth is estimated from: the estimate is coarse by design. */
const DEPTH_INPUT_SIDE = 320;
const EASING_LABELS: Record<(typeof EASINGS)[number], string> = { linear: 'Linear', 'ease-in-out': 'Ease in and out', 'ease-out': 'Ease out' };

const even = (v: number) => Math.max(2, Math.round(v / 2) * 2);

/** The video size for an image: the image's aspect, fitted to the box (up or down) or kept. */
export function videoSize(width: number, height: number, resolution: Resolution): [number, number] {
  const portrait = height > width;
  const [long, short] = resolution === 'source' ? [SOURCE_MAX_SIDE, SOURCE_MAX_SIDE] : BOXES[resolution];
  const [boxW, boxH] = portrait ? [short, long] : [long, short];
  const fit = Math.min(boxW / width, boxH / height);
  const scale = resolution === 'source' ? Math.min(1, fit) : fit;
  return [even(width * scale), even(height * scale)];
}

export default defineNode({
  type: 'generate.local',
  version: 3,
  title: 'Local motion',
  category: 'Generate',
  description:
    'Turns a still into a clip in your browser: a camera move (push in, pan, orbit, dolly zoom...) over layers of an estimated depth, optional shimmer or sway, and an optional ambient sound. No AI model, no key, no network: the picture moves, its content does not change.',
  inputs: {
    image: { type: 'image', label: 'Image' },
    prompt: { type: 'text', label: 'Prompt', optional: true, description: 'A camera move it names ("slow push in", "pan left", "static camera") replaces Move.' },
  },
  outputs: { video: { type: 'video', label: 'Video' } },
  params: {
    move: param.select({ label: 'Move', default: 'push-in', options: MOVES.map((value) => ({ value, label: MOVE_LABELS[value] })) }),
    intensity: param.number({ label: 'Intensity', default: 0.5, min: 0, max: 1, step: 0.05, description: 'How far the camera travels: at 1 a push in ends at 1.5x, a pan crosses a quarter of the picture.' }),
    parallax: param.number({
      label: 'Parallax',
      default: 0.5,
      min: 0,
      max: 1,
      step: 0.05,
      description: 'How much near and far parts move against each other in push, pull, pan and tilt moves, by a depth estimated from the picture (height, detail, colour). 0 moves the picture flat.',
    }),
    easing: param.select({ label: 'Easing', default: 'ease-in-out', options: EASINGS.map((value) => ({ value, label: EASING_LABELS[value] })) }),
    duration: param.number({ label: 'Duration', default: 5, min: 1, max: 20, step: 0.5, unit: 's' }),
    fps: param.select({
      label: 'Frame rate',
      default: '30',
      options: [
        { value: '24', label: '24 fps' },
        { value: '25', label: '25 fps' },
        { value: '30', label: '30 fps' },
      ],
    }),
    resolution: param.select({
      label: 'Resolution',
      default: '720p',
      options: [
        { value: '720p', label: '720p' },
        { value: '1080p', label: '1080p' },
        { value: 'source', label: 'Image size (up to 1920 px)' },
      ],
    }),
    handheld: param.number({ label: 'Handheld', default: 0, min: 0, max: 1, step: 0.05, description: 'Slow sway as if the camera were held by hand; the seed fixes its path.' }),
    ambient: param.select({ label: 'Ambient', default: 'none', options: AMBIENTS.map((value) => ({ value, label: AMBIENT_LABELS[value] })) }),
    sound: param.select({ label: 'Sound', default: 'none', options: (['none', ...SOUND_BEDS] as const).map((value) => ({ value, label: SOUND_LABELS[value] })), description: 'A procedural ambient bed (no recording) encoded as AAC into the clip; the seed fixes it.' }),
    renderer: param.select({
      label: 'Render on',
      default: 'auto',
      options: [
        { value: 'auto', label: 'Auto (GPU when it is hardware)' },
        { value: 'gpu', label: 'GPU (WebGPU)' },
        { value: 'cpu', label: 'CPU' },
      ],
      description: 'Where depth moves are drawn; flat moves always use the browser canvas.',
    }),
    seed: param.seed({ label: 'Seed', default: 0 }),
  },
  // Version 1 had no depth: its clips were flat moves, and stay so.
  migrations: { 1: (params) => ({ parallax: 0, ...params }) },
  resource: (params) => (params.renderer === 'cpu' ? undefined : 'gpu'),
  async run({ inputs, params, progress, signal }) {
    const fps = Number(params.fps);
    const frameCount = Math.round(params.duration * fps);
    const [width, height] = videoSize(inputs.image.width, inputs.image.height, params.resolution);
    const spec: MotionSpec = {
      move: moveFromPrompt(inputs.prompt) ?? params.move,
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
  },
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
