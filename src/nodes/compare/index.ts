/**
 * Compare: scores several takes of one shot (identity, colour and exposure against the source,
 * drift, flicker, warp error, motion, shake, stutter, freezes, detail, grain, blocking, sound),
 * ranks them on fixed scales with weights the user can change, names each take's worst fault,
 * and passes one downstream: the best ranked, or the take the user picked in the viewer. The
 * report, explanations included, goes out as JSON text for the viewer.
 */
import { handPickNote } from '../../batch/batch';
import { defineNode, param, withRun } from '../../engine';
import { CAMERA_MOVES, moveName } from '../../metrics/choices';

/** The viewer's grid holds at most 3 x 3 takes. */
export const MAX_TAKES = 9;

/** Where a take's scores are kept (the node's memo): by its content and the source's. */
export const scoresKey = (take: string, source: string | undefined) => `scores:${take}:${source ?? 'first-frame'}`;

/** The camera move a take should make: from the prompt, anything that moves, or one move. */
const CAMERA_OPTIONS = ['auto', 'any', ...CAMERA_MOVES] as const;
export type CameraOption = (typeof CAMERA_OPTIONS)[number];
const CAMERA_LABELS: Record<(typeof CAMERA_OPTIONS)[number], string> = {
  auto: 'From the prompt',
  any: 'Any motion',
  ...(Object.fromEntries(CAMERA_MOVES.map((move) => [move, move === 'static' ? 'Still camera' : capitalised(moveName(move))])) as Record<(typeof CAMERA_MOVES)[number], string>),
};

export const compare = defineNode({
  type: 'analyse.compare',
  version: 1,
  title: 'Compare takes',
  category: 'Analyse',
  description:
    'Scores each take (identity, colour and exposure against the source, drift, flicker, motion, shake, stutter, freezes, detail, grain, blocking, sound), ranks them as a person would, says what is wrong with each, and passes the best, or the one you pick in the viewer, downstream.',
  inputs: {
    takes: { type: 'list<video>', label: 'Takes', description: 'Up to 9 clips of the same shot; wire each one in.' },
    source: { type: 'image', label: 'Source', optional: true, description: 'The still the takes were made from; without it, each take is compared with its own first frame, so a take soft or off-colour from its start is not seen as such.' },
    prompt: { type: 'text', label: 'Prompt', optional: true, description: 'The prompt the takes were made with: a camera move it names ("slow push in") is checked.' },
  },
  outputs: {
    pick: { type: 'video', label: 'Pick', description: 'The picked take, unchanged.' },
    ranked: { type: 'list<video>', label: 'Ranked takes', description: 'Every take, best ranked first.' },
    report: { type: 'text', label: 'Report', description: 'Scores, ranking and per-frame curves as JSON.', preview: false },
  },
  params: {
    pick: param.number({ label: 'Pick', default: 0, min: 0, max: MAX_TAKES, step: 1, integer: true, description: '0 passes the best ranked take; 1 to 9 pass that take (click one in the viewer).' }),
    camera: param.select({
      label: 'Camera move',
      default: 'auto',
      options: CAMERA_OPTIONS.map((value) => ({ value, label: CAMERA_LABELS[value] })),
      description: 'The move the takes should make. From the prompt: the move the wired prompt names, else any motion (a take that does not move ranks down).',
    }),
    weights: param.text({
      label: 'Weights',
      default: '',
      maxLength: 400,
      placeholder: 'e.g. identity=3, motion=2 (empty: defaults)',
      description: 'How much each score counts in the Overall; the viewer sets them too.',
    }),
  },
  constrain: (params) => (params.pick > 0 ? { pick: { note: handPickNote(params.pick) } } : {}),
});

export default withRun(compare, () => import('./run'));

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
