/** Takes for tests of the Compare node: stand-in clips, and scores as the node makes them. */
import { createMedia, defineNode, param } from '../../src/engine';
import type { TakeScores } from '../../src/metrics';
import type { ScoredTake } from '../../src/metrics/report';

/** A stand-in take (`test.clip`): not a video file, so a take the node tried to decode fails it. */
export const clip = defineNode({
  type: 'test.clip',
  version: 1,
  title: 'Clip',
  category: 'Input',
  description: 'A stand-in video.',
  inputs: {},
  outputs: { video: { type: 'video', label: 'Video' } },
  params: { n: param.number({ label: 'n', default: 0, min: 0, max: 99 }) },
  run: async ({ params }) => ({ video: await createMedia('video', new Blob([String(params.n)]), { mime: 'video/mp4', width: 64, height: 36, duration: 1, fps: 30, hasAudio: false }) }),
});

/** A take whose every score is fine but its identity (and, when given, its motion). */
export function scored(identity: number, motion = 1): ScoredTake {
  const curve = (v: number) => [v, v];
  const curves = { time: [0, 1 / 30], identity: curve(identity), colour: curve(1), exposure: curve(0), flicker: curve(0), warpError: curve(0), motion: curve(0.01), speed: curve(0.05), detail: curve(1) };
  const scores: TakeScores = {
    frames: 2,
    identity,
    drift: 0,
    colour: 1,
    exposure: 0,
    flicker: 0,
    warpError: 0,
    motion,
    pace: 0.1,
    shake: 0,
    stutter: 0,
    freeze: 0,
    longestHold: 0,
    held: 0,
    detail: 1,
    grain: 0,
    blocking: 0,
    sharpness: 5,
    background: 0.5,
    camera: { move: 'push-in', zoom: 1.1, pan: 0, tilt: 0 },
    audio: { present: false },
    curves,
  };
  return { width: 64, height: 36, fps: 30, scores };
}
