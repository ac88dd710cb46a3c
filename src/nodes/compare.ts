/**
 * Compare: scores several takes of one shot (identity with the source, drift, flicker, warp
 * error, sharpness, motion, sound), ranks them, and passes one downstream: the best ranked, or
 * the take the user picked in the viewer. The report goes out as JSON text for the viewer.
 */
import { defineNode, NodeError, param, type ImageValue, type VideoValue } from '../engine';
import { decodeImage } from '../media/image-pixels';
import { monoAudio, yuvFrames } from '../media/video/yuv-frames';
import { buildReport, lumaOfRgba, TakeAnalyser, type LumaEncoding, type Plane, type ScoredTake } from '../metrics';

/** The viewer's grid holds at most 3 x 3 takes. */
export const MAX_TAKES = 9;

/**
 * Scores of recent takes by take and source hash. Picking another take changes a param, so the
 * engine runs the node again; without this it would decode and score every take again to pass a
 * different one on. Scores are small (a few numbers per frame), so a few dozen are kept.
 */
const recent = new Map<string, ScoredTake>();
const RECENT_LIMIT = 36;

export default defineNode({
  type: 'analyse.compare',
  version: 1,
  title: 'Compare takes',
  category: 'Analyse',
  description:
    'Scores each take (identity with the source, drift, flicker, warp error, sharpness, motion, sound), ranks them, and passes the best, or the one you pick in the viewer, downstream.',
  inputs: {
    takes: { type: 'list<video>', label: 'Takes', description: 'Up to 9 clips of the same shot; wire each one in.' },
    source: { type: 'image', label: 'Source', optional: true, description: 'The still the takes were made from; without it, each take is compared with its own first frame.' },
  },
  outputs: {
    pick: { type: 'video', label: 'Pick', description: 'The picked take, unchanged.' },
    ranked: { type: 'list<video>', label: 'Ranked takes', description: 'Every take, best ranked first.' },
    report: { type: 'text', label: 'Report', description: 'Scores, ranking and per-frame curves as JSON.', preview: false },
  },
  params: {
    pick: param.number({ label: 'Pick', default: 0, min: 0, max: MAX_TAKES, step: 1, integer: true, description: '0 passes the best ranked take; 1 to 9 pass that take (click one in the viewer).' }),
  },
  async run({ inputs, params, progress, signal }) {
    const { takes, source } = inputs;
    if (takes.length === 0) throw new NodeError('no takes to compare: wire one or more videos into Takes');
    if (takes.length > MAX_TAKES) throw new NodeError(`${takes.length} takes wired in; Compare takes at most ${MAX_TAKES}`);
    if (params.pick > takes.length) throw new NodeError(`Pick is take ${params.pick}, but only ${takes.length} takes are wired in`);
    const reference = source ? await sourceLuma(source) : undefined;
    const scored: ScoredTake[] = [];
    for (const [i, take] of takes.entries()) {
      const key = `${take.hash}:${source?.hash ?? 'first-frame'}`;
      const report = (done: number) => progress((i + done) / takes.length, `scoring take ${i + 1} of ${takes.length}`);
      const scores = recent.get(key) ?? (await scoreTake(take, reference, signal, report).catch(naming(i + 1)));
      recent.delete(key);
      recent.set(key, scores);
      if (recent.size > RECENT_LIMIT) recent.delete(recent.keys().next().value!);
      scored.push(scores);
    }
    const report = buildReport(scored, params.pick, reference ? 'source' : 'first-frame');
    progress(1, `take ${report.picked + 1} ${report.pickedBy === 'rank' ? 'ranks best' : 'picked'}`);
    return { pick: takes[report.picked]!, ranked: report.ranking.map((i) => takes[i]!), report: JSON.stringify(report) };
  },
});

/** The source's luma made the way each take's encoder made its own, decoded once. */
async function sourceLuma(source: ImageValue): Promise<(encoding: LumaEncoding) => Plane> {
  const image = await decodeImage(source.blob);
  const made = new Map<string, Plane>();
  return (encoding) => {
    const key = `${encoding.matrix}:${encoding.fullRange}`;
    let luma = made.get(key);
    if (!luma) made.set(key, (luma = lumaOfRgba(image.data, image.width, image.height, encoding)));
    return luma;
  };
}

/** Decodes the take frame by frame into the analyser; never holds more than one frame. */
async function scoreTake(take: VideoValue, reference: ((encoding: LumaEncoding) => Plane) | undefined, signal: AbortSignal, progress: (done: number) => void): Promise<ScoredTake> {
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
