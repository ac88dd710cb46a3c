/** Local motion: a camera move over a still, rendered and encoded in the browser. */
import { createMedia, defineNode, param } from '../engine';
import { openBitmap } from '../media/image-pixels';
import { cameraView, EASINGS, MOVES, type CameraSpec } from '../media/motion/camera';
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
};
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
  version: 1,
  title: 'Local motion',
  category: 'Generate',
  description:
    'Turns a still into a clip with a camera move (push in, pan, tilt...) rendered and encoded in your browser. No AI model, no key, no network: the picture itself does not move.',
  inputs: { image: { type: 'image', label: 'Image' } },
  outputs: { video: { type: 'video', label: 'Video' } },
  params: {
    move: param.select({ label: 'Move', default: 'push-in', options: MOVES.map((value) => ({ value, label: MOVE_LABELS[value] })) }),
    intensity: param.number({ label: 'Intensity', default: 0.5, min: 0, max: 1, step: 0.05, description: 'How far the camera travels: at 1 a push in ends at 1.5x, a pan crosses a quarter of the picture.' }),
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
    seed: param.seed({ label: 'Seed', default: 0 }),
  },
  async run({ inputs, params, progress, signal }) {
    const fps = Number(params.fps);
    const frameCount = Math.round(params.duration * fps);
    const [width, height] = videoSize(inputs.image.width, inputs.image.height, params.resolution);
    const camera: CameraSpec = { move: params.move, intensity: params.intensity, easing: params.easing, handheld: params.handheld, seed: params.seed, duration: params.duration };
    progress(0.02, 'decoding');
    const bitmap = await openBitmap(inputs.image.blob);
    try {
      const blob = await encodeVideo({
        width,
        height,
        fps,
        frameCount,
        signal,
        drawFrame: (index, context) => drawView(context, bitmap, camera, frameCount > 1 ? index / (frameCount - 1) : 0),
        onProgress: (done) => progress(0.05 + 0.93 * done, `frame ${Math.round(done * frameCount)} of ${frameCount}`),
      });
      const duration = frameCount / fps;
      return { video: await createMedia('video', blob, { mime: blob.type, width, height, duration, fps, hasAudio: false }) };
    } finally {
      bitmap.close();
    }
  },
});

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
