/** Image input: the user's photo, oriented as shot and framed to the aspect the video needs. */
import { createMedia, defineNode, NodeError, param } from '../engine';
import { ASPECTS, frame, type Aspect } from '../media/framing';
import { drawPixels, encodeImagePng, openBitmap } from '../media/image-pixels';

/** Largest side kept: bigger photos are scaled down, as no video model takes more. */
const MAX_SIDE = 4096;

export default defineNode({
  type: 'image.input',
  version: 1,
  title: 'Image input',
  category: 'Input',
  description: 'Your photo (JPEG, PNG, WebP, AVIF, GIF), EXIF rotation honoured, cropped or fitted to a video aspect around a focus point.',
  inputs: {},
  outputs: { image: { type: 'image', label: 'Image' } },
  params: {
    file: param.asset({ label: 'File', accept: ['image/jpeg', 'image/png', 'image/webp', 'image/avif', 'image/gif'] }),
    aspect: param.select({
      label: 'Aspect',
      default: 'original',
      options: [{ value: 'original', label: 'As shot' }, ...(Object.keys(ASPECTS) as Aspect[]).map((value) => ({ value, label: value }))],
    }),
    mode: param.select({
      label: 'Framing',
      default: 'crop',
      options: [
        { value: 'crop', label: 'Crop to fill' },
        { value: 'fit', label: 'Fit with bars' },
      ],
    }),
    focusX: param.number({ label: 'Focus X', default: 0.5, min: 0, max: 1, step: 0.01, description: 'Where to keep the crop centred, from left (0) to right (1).' }),
    focusY: param.number({ label: 'Focus Y', default: 0.5, min: 0, max: 1, step: 0.01, description: 'Where to keep the crop centred, from top (0) to bottom (1).' }),
  },
  async run({ params, assets, progress }) {
    const ref = params.file;
    if (!ref) throw new NodeError('no file chosen: pick an image, or drop one onto the canvas');
    const blob = await assets.get(ref.hash);
    if (!blob) throw new NodeError(`"${ref.name}" is no longer in this browser's file store; pick it again`);
    const bitmap = await openBitmap(blob, ref.name);
    try {
      progress(0.3, 'framing');
      const framing = frame(bitmap.width, bitmap.height, params.aspect, params.mode, { x: params.focusX, y: params.focusY });
      const scale = Math.min(1, MAX_SIDE / Math.max(framing.width, framing.height));
      const width = Math.max(2, Math.floor((framing.width * scale) / 2) * 2);
      const height = Math.max(2, Math.floor((framing.height * scale) / 2) * 2);
      const target = { x: framing.target.x * scale, y: framing.target.y * scale, width: framing.target.width * scale, height: framing.target.height * scale };
      const pixels = drawPixels(bitmap, framing.source, width, height, target);
      progress(0.6, 'encoding PNG');
      return { image: await createMedia('image', await encodeImagePng(pixels), { mime: 'image/png', width, height }) };
    } finally {
      bitmap.close();
    }
  },
});
