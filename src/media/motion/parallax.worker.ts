/** One thread of the depth-move pool (parallax-pool.ts): holds one clip, draws the bands of its frames it is asked for. */
import { serve } from '../worker-pool';
import { parallaxCpu, type BandRenderer } from './parallax';
import type { ParallaxReply, ParallaxRequest } from './parallax-pool';

let draw: BandRenderer | undefined;

serve<ParallaxRequest, ParallaxReply>((request) => {
  if ('clip' in request) {
    const { source, depth, width, height, rows } = request.clip;
    draw = parallaxCpu(source, depth, width, height, rows);
    return { reply: {}, transfer: [] };
  }
  if (!draw) throw new Error('a frame was asked for before its clip');
  draw(request.pose, request.first, request.end, request.band);
  return { reply: { band: request.band }, transfer: [request.band.buffer] };
});
