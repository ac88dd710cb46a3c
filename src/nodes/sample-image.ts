/** Sample image: a procedural landscape made on the spot, so the default graph needs no file. */
import { createMedia, defineNode, param } from '../engine';
import { encodePng } from '../media/png';
import { sampleScene } from '../media/sample-scene';
import { yieldToEventLoop } from '../media/yield';

const BAND_ROWS = 48;

const ASPECTS = {
  '16:9': [16, 9],
  '9:16': [9, 16],
  '1:1': [1, 1],
  '4:5': [4, 5],
} as const;

export default defineNode({
  type: 'image.sample',
  version: 1,
  title: 'Sample image',
  category: 'Input',
  description: 'A landscape at dusk, rendered procedurally: something to animate before you bring your own photo.',
  inputs: {},
  outputs: { image: { type: 'image', label: 'Image' } },
  params: {
    aspect: param.select({
      label: 'Aspect',
      default: '16:9',
      options: Object.keys(ASPECTS).map((value) => ({ value: value as keyof typeof ASPECTS, label: value })),
    }),
    height: param.number({ label: 'Height', default: 720, min: 64, max: 2160, step: 8, integer: true, unit: 'px' }),
    seed: param.seed({ label: 'Seed', default: 7 }),
  },
  async run({ params, progress, signal }) {
    const [w, h] = ASPECTS[params.aspect];
    const height = params.height;
    const width = Math.round((height * w) / h / 2) * 2;
    const scene = sampleScene(width, height, params.seed);
    // Render in bands, yielding between them, so progress shows and a cancel lands promptly.
    for (let y = 0; y < height; y += BAND_ROWS) {
      scene.render(y, Math.min(height, y + BAND_ROWS));
      progress((0.8 * Math.min(height, y + BAND_ROWS)) / height, 'rendering');
      await yieldToEventLoop();
      signal.throwIfAborted();
    }
    const pixels = scene.pixels;
    progress(0.8, 'encoding PNG');
    const blob = await encodePng(pixels, width, height);
    return { image: await createMedia('image', blob, { mime: 'image/png', width, height }) };
  },
});
