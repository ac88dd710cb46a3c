/** Batch input's run: the photo of the item being run, framed. */
import { NodeError, nodeRun, readAsset } from '../../engine';
import { frameImage } from '../../media/frame-image';
import type { batchInput } from '.';


export default nodeRun<typeof batchInput>(async ({ params, assets, progress }) => {
  if (params.files.length === 0) throw new NodeError('no photos yet: pick several, or drop a folder of images onto this node');
  const ref = params.files[params.item];
  if (!ref) throw new NodeError(`item ${params.item} does not exist: the batch has ${params.files.length} photo${params.files.length === 1 ? '' : 's'} (0 to ${params.files.length - 1})`);
  const blob = await readAsset(assets, ref);
  return { image: await frameImage(blob, ref.name, params, progress) };
});
