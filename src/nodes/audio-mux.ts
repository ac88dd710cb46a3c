/**
 * Audio mux: gives a clip its soundtrack. The clip's own sound is kept, replaced by another
 * sound, or mixed with it; the added sound can start later, be cut to a part and loop to the
 * clip's end; the result fades in and out. The picture is copied, never re-encoded; the sound is
 * encoded to AAC in an MP4, Opus in a WebM.
 */
import { ALL_FORMATS, BlobSource, Input } from 'mediabunny';
import { createMedia, defineNode, NodeError, param } from '../engine';
import { dbToGain } from '../media/audio/format';
import type { Layer } from '../media/audio/mix';
import { muxSoundtrack } from '../media/audio/mux-soundtrack';
import { openAudioTrack, type OpenedAudio } from '../media/audio/open-audio';
import { PcmReader } from '../media/audio/pcm-reader';
import { explainMediaError } from '../media/video/media-error';

const gainParam = (label: string, description: string) => param.number({ label, default: 0, min: -60, max: 12, step: 0.5, unit: 'dB', description });
const secondsParam = (label: string, max: number, description: string) => param.number({ label, default: 0, min: 0, max, step: 0.1, unit: 's', description });

export default defineNode({
  type: 'audio.mux',
  version: 2,
  title: 'Audio mux',
  category: 'Audio',
  description:
    "Puts sound on a clip: keep the clip's own sound, replace it with the Audio input, or mix both with gains. The added sound can start later, be cut to a part (Skip, Length) and loop to the clip's end; the result can fade in and out. The picture is copied without re-encoding; the sound is encoded to AAC (MP4) or Opus (WebM).",
  inputs: {
    video: { type: 'video', label: 'Video' },
    audio: { type: 'audio', label: 'Audio', optional: true, description: 'The sound to add; needed for Replace and Mix.' },
  },
  outputs: { video: { type: 'video', label: 'Video' } },
  params: {
    mode: param.select({
      label: 'Mode',
      default: 'replace',
      options: [
        { value: 'replace', label: 'Replace' },
        { value: 'mix', label: 'Mix' },
        { value: 'keep', label: 'Keep clip sound' },
      ],
    }),
    clipGain: gainParam('Clip gain', "Level of the clip's own sound (Mix, Keep); -60 dB mutes it."),
    audioGain: gainParam('Audio gain', 'Level of the added sound (Replace, Mix); -60 dB mutes it.'),
    offset: secondsParam('Offset', 600, 'When the added sound starts, in seconds from the start of the clip.'),
    skip: secondsParam('Skip', 3600, 'Seconds cut from the start of the added sound.'),
    length: secondsParam('Length', 3600, 'Seconds of the added sound used after Skip; 0 uses it to its end.'),
    loop: param.boolean({ label: 'Loop', default: true, description: "Repeats the added sound until the clip's end." }),
    fadeIn: secondsParam('Fade in', 30, 'Seconds over which the sound rises from silence at the start.'),
    fadeOut: secondsParam('Fade out', 30, 'Seconds over which the sound falls to silence at the end.'),
  },
  async run({ inputs, params, progress, signal }) {
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
  },
});
