/**
 * Audio mux: gives a clip its soundtrack. The clip's own sound is kept, replaced by another
 * sound, or mixed with it; the added sound can start later, be cut to a part and loop to the
 * clip's end; the result fades in and out. The picture is copied, never re-encoded; the sound is
 * encoded to AAC in an MP4, Opus in a WebM.
 */
import { defineNode, param, withRun } from '../../engine';

const gainParam = (label: string, description: string) => param.number({ label, default: 0, min: -60, max: 12, step: 0.5, unit: 'dB', description });
const secondsParam = (label: string, max: number, description: string) => param.number({ label, default: 0, min: 0, max, step: 0.1, unit: 's', description });

export const audioMux = defineNode({
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
});

export default withRun(audioMux, () => import('./run'));
