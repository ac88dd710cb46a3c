/** Preview sizes and regions: pure arithmetic, tested in Node. */
import type { PreviewBox } from '../../engine';
import { LANCZOS_LOBES } from '../resample/lanczos';

/** The largest whole size of `width` x `height`'s aspect inside `box` (up or down). */
export function fitInside(width: number, height: number, box: PreviewBox): [number, number] {
  const scale = Math.min(box.width / width, box.height / height);
  return [Math.max(1, Math.min(box.width, Math.round(width * scale))), Math.max(1, Math.min(box.height, Math.round(height * scale)))];
}

/** One axis of a centre crop: which source pixels to resample, to what size, and where the view starts in it. */
export interface CropAxis {
  /** Source pixels [first, first + count) are resampled. */
  first: number;
  count: number;
  /** To this many pixels. */
  resampled: number;
  /** The view's first pixel within the resampled strip. */
  offset: number;
  /** Pixels shown: the result's, or the box's, whichever is smaller. */
  shown: number;
}

/**
 * The centre `box` of a source of `size` pixels resampled to `target`, shown at 1:1, made from
 * only the source pixels it needs: those under the view plus the Lanczos kernel's reach and one
 * pixel for the sharpen's 3x3 blur, so every pixel shown is computed from the same taps as in the
 * whole result. With a whole-number scale (2x, 4x) the strip's pixels sit on the whole result's
 * grid, and the view is the run's own pixels; with another scale they may sit a fraction of a
 * pixel off it.
 */
export function centreCrop(size: number, target: number, box: number): CropAxis {
  const scale = target / size;
  const shown = Math.min(box, target);
  const start = Math.floor((target - shown) / 2);
  const reach = Math.ceil(LANCZOS_LOBES * Math.max(1, 1 / scale)) + 1;
  const first = Math.max(0, Math.floor(start / scale) - reach);
  const end = Math.min(size, Math.ceil((start + shown) / scale) + reach);
  const count = end - first;
  const resampled = end === size && first === 0 ? target : Math.round(count * scale);
  const offset = Math.min(resampled - shown, Math.max(0, start - Math.round(first * scale)));
  return { first, count, resampled, offset, shown };
}
