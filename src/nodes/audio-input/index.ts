/** Audio input: a sound file the user picked, checked by decoding it through, passed on as is. */
import { defineNode, param, withRun } from '../../engine';
import { SUPPORTED_AUDIO } from '../../media/audio/choices';

export const audioInput = defineNode({
  type: 'audio.input',
  version: 1,
  title: 'Audio input',
  category: 'Input',
  description: `A sound file (${SUPPORTED_AUDIO}) to lay under a clip with Audio mux. It is decoded once to check it, then passed on unchanged.`,
  inputs: {},
  outputs: { audio: { type: 'audio', label: 'Audio' } },
  params: {
    file: param.asset({ label: 'File', accept: ['audio/*'] }),
  },
});

export default withRun(audioInput, () => import('./run'));
