/** Image input's run: the chosen photo, oriented and framed. */
import { NodeError, nodeRun, readAsset } from '../../engine';
import { frameImage } from '../../media/frame-image';
import type { imageInput } from '.';


export default nodeRun<typeof imageInput>(async ({ params, assets, progress }) => {
  const ref = params.file;
  if (!ref) throw new NodeError('no file chosen: pick an image, or drop one onto the canvas');
  const blob = await readAsset(assets, ref);
  return { image: await frameImage(blob, ref.name, params, progress) };
});
