/** Audio input: a sound file the user picked, checked by decoding it through, passed on as is. */
import { createMedia, defineNode, NodeError, param, readAsset } from '../engine';
import { checkAudioFile, SUPPORTED_AUDIO } from '../media/audio/open-audio';

export default defineNode({
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
  async run({ params, assets, progress, signal }) {
    const ref = params.file;
    if (!ref) throw new NodeError('no file chosen: pick a sound file');
    const blob = await readAsset(assets, ref);
    progress(0.1, 'decoding');
    const facts = await checkAudioFile(blob, ref.name, signal);
    progress(1, `${facts.duration.toFixed(1)} s, ${facts.sampleRate} Hz, ${facts.channels === 1 ? 'mono' : `${facts.channels} channels`}`);
    const { mime, duration, sampleRate, channels } = facts;
    return { audio: await createMedia('audio', blob, { mime, duration, sampleRate, channels }) };
  },
});
