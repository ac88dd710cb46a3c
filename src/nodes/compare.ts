/**
 * Compare: scores several takes of one shot (identity, colour and exposure against the source,
 * drift, flicker, warp error, motion, shake, stutter, freezes, detail, grain, blocking, sound),
 * ranks them on fixed scales with weights the user can change, names each take's worst fault,
 * and passes one downstream: the best ranked, or the take the user picked in the viewer. The
 * report, explanations included, goes out as JSON text for the viewer.
 */
import { handPickNote } from '../batch/batch';
import { defineNode, NodeError, param, type ImageValue, type VideoValue } from '../engine';
import { decodeImage } from '../media/image-pixels';
import { monoAudio, yuvFrames } from '../media/video/yuv-frames';
import { buildReport, CAMERA_MOVES, SCORED_TAKE_CODEC, moveInPrompt, moveName, parseWeights, TakeAnalyser, yuvOfRgba, type CompareReport, type LumaEncoding, type PlanarFrame, type ScoredTake, type Weights } from '../metrics';

/** The viewer's grid holds at most 3 x 3 takes. */
export const MAX_TAKES = 9;

/** Where a take's scores are kept (the node's memo): by its content and the source's. */
export const scoresKey = (take: string, source: string | undefined) => `scores:${take}:${source ?? 'first-frame'}`;

/** The camera move a take should make: from the prompt, anything that moves, or one move. */
const CAMERA_OPTIONS = ['auto', 'any', ...CAMERA_MOVES] as const;
const CAMERA_LABELS: Record<(typeof CAMERA_OPTIONS)[number], string> = {
  auto: 'From the prompt',
  any: 'Any motion',
  ...(Object.fromEntries(CAMERA_MOVES.map((move) => [move, move === 'static' ? 'Still camera' : capitalised(moveName(move))])) as Record<(typeof CAMERA_MOVES)[number], string>),
};

export default defineNode({
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
  async run({ inputs, params, progress, signal, memo }) {
    const { takes, source, prompt } = inputs;
    if (takes.length === 0) throw new NodeError('no takes to compare: wire one or more videos into Takes');
    if (takes.length > MAX_TAKES) throw new NodeError(`${takes.length} takes wired in; Compare takes at most ${MAX_TAKES}`);
    if (params.pick > takes.length) throw new NodeError(`Pick is take ${params.pick}, but only ${takes.length} takes are wired in`);
    const weights = weightsOf(params.weights);
    const request = requestedMove(params.camera, prompt);
    // Decoded only when a take is scored: ranking kept scores anew needs no pixels.
    let decoded: ReturnType<typeof sourceYuv> | undefined;
    const reference = source && (() => (decoded ??= sourceYuv(source)));
    const scored: ScoredTake[] = [];
    for (const [i, take] of takes.entries()) {
      const report = (done: number) => progress((i + done) / takes.length, `scoring take ${i + 1} of ${takes.length}`);
      // A new Pick or new weights run the node again: the scores it keeps are ranked anew, nothing decoded.
      const make = () => scoreTake(take, reference, signal, report).catch(naming(i + 1));
      scored.push(await memo(scoresKey(take.hash, source?.hash), make, SCORED_TAKE_CODEC));
    }
    const report = buildReport(scored, { pick: params.pick, reference: reference ? 'source' : 'first-frame', weights, request });
    progress(1, `take ${report.picked + 1} ${report.pickedBy === 'rank' ? 'ranks best' : 'picked'}: ${report.takes[report.picked]!.verdict.text}`);
    return { pick: takes[report.picked]!, ranked: report.ranking.map((i) => takes[i]!), report: JSON.stringify(report) };
  },
});

/** The Weights param read, or the user's error saying what is wrong with it. */
function weightsOf(text: string): Weights {
  try {
    return parseWeights(text);
  } catch (error) {
    throw new NodeError(`Weights: ${(error as Error).message}`);
  }
}

/** The camera move asked for: the param's, or the one the prompt names when the param says so. */
function requestedMove(camera: (typeof CAMERA_OPTIONS)[number], prompt: string | undefined): CompareReport['request'] {
  if (camera !== 'auto') return { move: camera, from: 'param' };
  const named = prompt ? moveInPrompt(prompt) : undefined;
  return named ? { move: named, from: 'prompt' } : { move: 'any', from: 'default' };
}

/** The source as I420 made the way each take's encoder made its own, decoded once. */
async function sourceYuv(source: ImageValue): Promise<(encoding: LumaEncoding) => PlanarFrame> {
  const image = await decodeImage(source.blob);
  const made = new Map<string, PlanarFrame>();
  return (encoding) => {
    const key = `${encoding.matrix}:${encoding.fullRange}`;
    let yuv = made.get(key);
    if (!yuv) made.set(key, (yuv = yuvOfRgba(image.data, image.width, image.height, encoding)));
    return yuv;
  };
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Decodes the take frame by frame into the analyser; never holds more than one frame. */
async function scoreTake(take: VideoValue, source: (() => ReturnType<typeof sourceYuv>) | undefined, signal: AbortSignal, progress: (done: number) => void): Promise<ScoredTake> {
  const reference = await source?.();
  let analyser: TakeAnalyser | undefined;
  const expected = Math.max(1, Math.round(take.duration * take.fps));
  let count = 0;
  for await (const { frame, time, encoding } of yuvFrames(take.blob, signal)) {
    analyser ??= new TakeAnalyser(reference?.(encoding));
    analyser.add(frame, time);
    if (++count % 5 === 0) progress(Math.min(0.95, count / expected));
  }
  if (!analyser) throw new NodeError('it has no frames to score');
  const audio = take.hasAudio ? await monoAudio(take.blob, signal) : undefined;
  return { scores: analyser.finish(audio), width: take.width, height: take.height, fps: take.fps };
}

/** Says which take a NodeError is about; other errors are bugs and pass through as they are. */
function naming(number: number): (error: unknown) => never {
  return (error) => {
    throw error instanceof NodeError ? new NodeError(`take ${number}: ${error.message}`) : error;
  };
}
