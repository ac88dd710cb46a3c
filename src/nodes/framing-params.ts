/** The photo types and framing parameters every photo input offers (Image input, Batch input). */
import { param } from '../engine';
import { ASPECTS, type Aspect } from '../media/framing';

export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/avif', 'image/gif'] as const;

/** The framing parameters every photo input offers. */
export const FRAMING_PARAMS = {
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
  transparency: param.select({
    label: 'Transparency',
    default: 'black',
    description: 'What fills the transparent parts of a PNG, WebP or GIF (and fitted bars). Most video models take no transparency; keep it only for one that does.',
    options: [
      { value: 'black', label: 'Fill with black' },
      { value: 'white', label: 'Fill with white' },
      { value: 'keep', label: 'Keep (PNG with alpha)' },
    ],
  }),
};
