/** Sample image: a procedural landscape made on the spot, so the default graph needs no file. */
import { defineNode, param, withRun } from '../../engine';

export const ASPECTS = {
  '16:9': [16, 9],
  '9:16': [9, 16],
  '1:1': [1, 1],
  '4:5': [4, 5],
} as const;

export const sampleImage = defineNode({
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
});

export default withRun(sampleImage, () => import('./run'));
