/** One thread of the CPU Lanczos pool: makes the bands of rows it is asked for (lanczos-pool.ts). */
import { serve } from '../worker-pool';
import { resampleLanczosBand } from './lanczos';
import type { BandReply, BandRequest } from './lanczos-pool';

serve<BandRequest, BandReply>(({ image, width, height, sharpen, bands, parts }) => {
  bands.forEach(([first, end], i) => resampleLanczosBand(image, width, height, { sharpen }, first, end, parts[i]));
  // The buffers go back to the pool, to be lent again for the next image.
  return { reply: { parts, source: image.data }, transfer: [...parts.map((part) => part.buffer), image.data.buffer] };
});
