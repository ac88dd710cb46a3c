/** Image input: the user's photo, oriented as shot and framed to the aspect the video needs. */
import { defineNode, param, withRun } from '../../engine';
import { FRAMING_PARAMS, IMAGE_TYPES } from '../framing-params';

export const imageInput = defineNode({
  type: 'image.input',
  version: 1,
  title: 'Image input',
  category: 'Input',
  description:
    'Your photo (JPEG, PNG, WebP, AVIF, GIF), EXIF rotation honoured, cropped or fitted to a video aspect around a focus point. Its pixels pass as stored, as providers read them (no PNG gamma or colour profile conversion); transparent parts are filled, which it says, or kept.',
  inputs: {},
  outputs: { image: { type: 'image', label: 'Image' } },
  params: {
    file: param.asset({ label: 'File', accept: IMAGE_TYPES }),
    ...FRAMING_PARAMS,
  },
});

export default withRun(imageInput, () => import('./run'));
