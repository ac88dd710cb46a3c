/**
 * Local motion: a camera move over a still, with depth-aware parallax, ambient motion and an
 * ambient sound bed, rendered and encoded in the browser. A local motion generator, not a
 * diffusion model: the picture's content never changes, its layers move.
 */
import { defineNode, param, withRun } from '../../engine';
import { AMBIENTS, EASINGS, MOVES } from '../../media/motion/choices';
import { SOUND_BEDS } from '../../media/sound-bed/choices';

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

export const localMotion = defineNode({
  type: 'generate.local',
  version: 3,
  title: 'Local motion',
  category: 'Generate',
  description:
    'Turns a still into a clip in your browser: a camera move (push in, pan, orbit, dolly zoom...) over layers of an estimated depth, optional shimmer or sway, and an optional ambient sound. No AI model, no key, no network: the picture moves, its content does not change.',
  inputs: { image: { type: 'image', label: 'Image' } },
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
});

export default withRun(localMotion, () => import('./run'));
