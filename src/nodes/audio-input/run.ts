/** Audio input's run: the file decoded through once to check it, passed on unchanged. */
import { createMedia, NodeError, nodeRun, readAsset } from '../../engine';
import { checkAudioFile } from '../../media/audio/open-audio';
import type { audioInput } from '.';


export default nodeRun<typeof audioInput>(async ({ params, assets, progress, signal }) => {
  const ref = params.file;
  if (!ref) throw new NodeError('no file chosen: pick a sound file');
  const blob = await readAsset(assets, ref);
  progress(0.1, 'decoding');
  const facts = await checkAudioFile(blob, ref.name, signal);
  progress(1, `${facts.duration.toFixed(1)} s, ${facts.sampleRate} Hz, ${facts.channels === 1 ? 'mono' : `${facts.channels} channels`}`);
  const { mime, duration, sampleRate, channels } = facts;
  return { audio: await createMedia('audio', blob, { mime, duration, sampleRate, channels }) };
});
