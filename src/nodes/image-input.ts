/** Image input: the user's photo, oriented as shot and framed to the aspect the video needs. */
import { defineNode, NodeError, param, readAsset } from '../engine';
import { frameImage, FRAMING_PARAMS, IMAGE_TYPES } from '../media/frame-image';

export default defineNode({
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
  async run({ params, assets, progress }) {
    const ref = params.file;
    if (!ref) throw new NodeError('no file chosen: pick an image, or drop one onto the canvas');
    const blob = await readAsset(assets, ref);
    return { image: await frameImage(blob, ref.name, params, progress) };
  },
});
