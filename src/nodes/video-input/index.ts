/**
 * Video input: the user's clip (MP4, WebM, MOV...), read by mediabunny and passed on as is. A
 * codec this browser cannot decode (ProRes, DNxHD...) is converted to H.264 + AAC by ffmpeg.wasm
 * first, which is slow and says so.
 */
import { defineNode, param, withRun } from '../../engine';

export const videoInput = defineNode({
  type: 'video.input',
  version: 1,
  title: 'Video input',
  category: 'Input',
  description:
    'Your video clip (MP4, WebM, MOV). One whose codec this browser cannot decode, such as ProRes, is first converted to H.264 by ffmpeg.wasm, which takes a while.',
  inputs: {},
  outputs: { video: { type: 'video', label: 'Video' } },
  params: {
    file: param.asset({ label: 'File', accept: ['video/*'] }),
  },
});

export default withRun(videoInput, () => import('./run'));
