/** Compare's run: each take scored once (kept in the node's memo), ranked with the weights, the pick passed on. */
import { NodeError, nodeRun, type ImageValue, type VideoValue } from '../../engine';
import { decodeImage } from '../../media/image-pixels';
import { monoAudio, yuvFrames } from '../../media/video/yuv-frames';
import { buildReport, SCORED_TAKE_CODEC, moveInPrompt, parseWeights, TakeAnalyser, yuvOfRgba, type CompareReport, type LumaEncoding, type PlanarFrame, type ScoredTake, type Weights } from '../../metrics';
import { MAX_TAKES, scoresKey, type CameraOption, type compare } from '.';

export default nodeRun<typeof compare>(async ({ inputs, params, progress, signal, memo }) => {
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
function requestedMove(camera: CameraOption, prompt: string | undefined): CompareReport['request'] {
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
