/** Sample image's run: the scene rendered in bands, then PNG. */
import { createMedia, nodeRun } from '../../engine';
import { encodePng } from '../../media/png';
import { sampleScene } from '../../media/sample-scene';
import { yieldToEventLoop } from '../../media/yield';
import { ASPECTS, type sampleImage } from '.';

const BAND_ROWS = 48;


export default nodeRun<typeof sampleImage>(async ({ params, progress, signal }) => {
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
});
