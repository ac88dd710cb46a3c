/**
 * Local motion's live preview: the run's own painters (media/motion/painter.ts: the canvas for
 * flat moves, parallax.wat or the WGSL renderer for depth moves) drawing straight onto the
 * preview canvas at preview size, no encoding. Depth is estimated once per picture; each change
 * of params makes a new painter (the working source and poses depend on them). A still shows the
 * move's last frame, where a change of Intensity or Parallax shows most; on a hardware GPU the
 * move plays.
 */
import { nodePreview } from '../../engine';
import type { DepthMap } from '../../media/depth/estimate-depth';
import { isGpuAccelerated } from '../../media/gpu';
import { openBitmap } from '../../media/image-pixels';
import { bitmapDepth, motionPainter, motionSpec } from '../../media/motion/painter';
import { usesDepth } from '../../media/motion/parallax';
import { fitInside } from '../../media/preview/geometry';
import type { localMotion } from '.';

export default nodePreview<typeof localMotion>({
  async load({ image, prompt }) {
    const bitmap = await openBitmap(image.blob);
    let depth: DepthMap | undefined;
    return {
      async scene(params, box) {
        const spec = motionSpec(params, prompt);
        const fps = Number(params.fps);
        const frameCount = Math.max(1, Math.round(params.duration * fps));
        const [width, height] = fitInside(bitmap.width, bitmap.height, box);
        const flat = !usesDepth(spec);
        if (!flat) depth ??= bitmapDepth(bitmap);
        const painter = await motionPainter(bitmap, spec, { width, height, frameCount }, params.renderer, () => {}, { depth });
        return {
          width,
          height,
          duration: frameCount / fps,
          fps,
          still: (frameCount - 1) / fps,
          realtime: (flat || painter.gpu) && (await isGpuAccelerated()),
          label: flat ? 'flat move, canvas' : painter.gpu ? 'GPU' : 'CPU',
          draw: (context, seconds) => painter.draw(context, Math.min(frameCount - 1, Math.max(0, Math.floor(seconds * fps + 1e-6)))),
          destroy: () => painter.destroy(),
        };
      },
      close: () => bitmap.close(),
    };
  },
});
