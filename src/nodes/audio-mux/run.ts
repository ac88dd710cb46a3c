/** Audio mux's run: the layers read, mixed and encoded under the copied picture. */
import { ALL_FORMATS, BlobSource, Input } from 'mediabunny';
import { createMedia, NodeError, nodeRun } from '../../engine';
import { dbToGain } from '../../media/audio/format';
import type { Layer } from '../../media/audio/mix';
import { muxSoundtrack } from '../../media/audio/mux-soundtrack';
import { openAudioTrack, type OpenedAudio } from '../../media/audio/open-audio';
import { PcmReader } from '../../media/audio/pcm-reader';
import { explainMediaError } from '../../media/video/media-error';
import type { audioMux } from '.';


export default nodeRun<typeof audioMux>(async ({ inputs, params, progress, signal }) => {
  const { video, audio } = inputs;
  const { mode } = params;
  if (mode !== 'keep' && !audio) throw new NodeError(`${mode === 'mix' ? 'Mix' : 'Replace'} needs a sound: connect an Audio input to the Audio port`);
  if (mode === 'keep' && !video.hasAudio) throw new NodeError("the clip has no sound of its own to keep; connect a sound and choose Replace");
  if (mode === 'keep' && params.clipGain === 0 && params.fadeIn === 0 && params.fadeOut === 0) {
    progress(1, 'nothing to change: the clip is passed on as it is');
    return { video };
  }
  if (audio && mode !== 'keep' && params.skip >= audio.duration) {
    throw new NodeError(`Skip (${params.skip} s) is at or past the end of the added sound, which lasts ${audio.duration.toFixed(1)} s`);
  }
  if (params.fadeIn + params.fadeOut > video.duration + 1e-3) {
    throw new NodeError(`Fade in and Fade out (${params.fadeIn + params.fadeOut} s together) are longer than the clip (${video.duration.toFixed(1)} s)`);
  }

  const input = new Input({ source: new BlobSource(video.blob), formats: ALL_FORMATS });
  const opened: OpenedAudio[] = [];
  const readers: PcmReader[] = [];
  const reader = (...args: ConstructorParameters<typeof PcmReader>) => {
    readers.push(new PcmReader(...args));
    return readers.at(-1)!;
  };
  try {
    const layers: Layer[] = [];
    const duration = video.duration;
    if (mode !== 'replace') {
      const track = await input.getPrimaryAudioTrack();
      if (track) layers.push({ source: reader(track), start: 0, end: duration, gain: dbToGain(params.clipGain) });
    }
    if (audio && mode !== 'keep') {
      const sound = await openAudioTrack(audio.blob);
      if (!sound) throw new NodeError('the added sound has no audio track');
      opened.push(sound);
      const source = reader(sound.track, { from: params.skip, loop: params.loop, ...(params.length > 0 ? { to: params.skip + params.length } : {}) });
      if (params.offset < duration) layers.push({ source, start: params.offset, end: duration, gain: dbToGain(params.audioGain) });
    }
    progress(0, 'mixing');
    const blob = await muxSoundtrack(input, layers, {
      mime: video.mime,
      duration,
      fadeIn: params.fadeIn,
      fadeOut: params.fadeOut,
      signal,
      onProgress: (done) => progress(0.99 * done, `${Math.round(done * 100)}%`),
    }).catch((error: unknown) => {
      throw explainMediaError(error, 'Mixing the sound');
    });
    progress(1, `picture copied, sound encoded to ${blob.type === 'video/webm' ? 'Opus' : 'AAC'}`);
    const { width, height, fps } = video;
    return { video: await createMedia('video', blob, { mime: blob.type, width, height, duration, fps, hasAudio: true }) };
  } finally {
    await Promise.all(readers.map((r) => r.close()));
    for (const { input: i } of opened) i.dispose();
    input.dispose();
  }
});
