/** Extract frame's run: the frame decoded and encoded as PNG. */
import { createMedia, nodeRun } from '../../engine';
import { encodeImagePng } from '../../media/image-pixels';
import { readFrame } from '../../media/video/read-frame';
import type { extractFrame } from '.';


export default nodeRun<typeof extractFrame>(async ({ inputs, params, progress, signal }) => {
  progress(0, 'decoding');
  const frame = await readFrame(inputs.video.blob, params.which === 'at' ? params.time : params.which, signal);
  progress(0.7, 'encoding PNG');
  const blob = await encodeImagePng(frame);
  return { image: await createMedia('image', blob, { mime: 'image/png', width: frame.width, height: frame.height }) };
});
