/** Trim's run: the cut copied when it starts on a keyframe, else re-encoded (mediabunny's Conversion). */
import { ALL_FORMATS, BlobSource, BufferTarget, canEncodeVideo, Conversion, EncodedPacketSink, Input, Output, type InputVideoTrack } from 'mediabunny';
import { createMedia, NodeError, nodeRun } from '../../engine';
import { soundFor } from '../../media/audio/sound-codec';
import { hasAudioTrack, runCancellable, sameContainer } from '../../media/video/convert-video';
import type { trimVideo } from '.';

/** Float slack when comparing times with the clip's length and keyframe times, in seconds. */
const SLACK = 1e-3;


export default nodeRun<typeof trimVideo>(async ({ inputs, params, progress, signal }) => {
  const source = inputs.video;
  const input = new Input({ source: new BlobSource(source.blob), formats: ALL_FORMATS });
  try {
    const track = await input.getPrimaryVideoTrack();
    if (!track) throw new NodeError('the input has no video track to trim');
    const first = await track.getFirstTimestamp();
    const [start, end] = cutRange(params.start, params.end, (await input.computeDuration()) - first);
    const copy = await startsOnKeyframe(track, first + start);
    progress(0, copy ? 'copying' : 're-encoding');
    const { blob, hasAudio } = await trim(input, track, { start: first + start, end: first + end, copy }, signal, (done) => progress(0.99 * done, `${Math.round(done * 100)}%`));
    progress(1, copy ? 'cut on a keyframe: copied without re-encoding' : 'cut between keyframes: re-encoded');
    const { width, height, fps } = source;
    return { video: await createMedia('video', blob, { mime: blob.type, width, height, duration: end - start, fps, hasAudio }) };
  } finally {
    input.dispose();
  }
});

/** The cut in seconds from the clip's start; refuses an empty cut or one outside the clip. */
function cutRange(start: number, end: number, length: number): [number, number] {
  const last = end === 0 ? length : end;
  const clip = `the clip lasts ${length.toFixed(1)} s`;
  if (start >= length - SLACK) throw new NodeError(`Start (${start} s) is at or past the end: ${clip}`);
  if (last > length + SLACK) throw new NodeError(`End (${end} s) is past the end: ${clip}`);
  if (last <= start) throw new NodeError(`End (${end} s) must come after Start (${start} s); ${clip}`);
  return [start, Math.min(last, length)];
}

async function startsOnKeyframe(track: InputVideoTrack, time: number): Promise<boolean> {
  const key = await new EncodedPacketSink(track).getKeyPacket(time + SLACK, { verifyKeyPackets: true });
  return key !== null && Math.abs(key.timestamp - time) <= SLACK;
}

interface Cut {
  start: number;
  end: number;
  /** Copy packets; otherwise re-encode, keeping the codec when this browser can encode it. */
  copy: boolean;
}

async function trim(input: Input, track: InputVideoTrack, cut: Cut, signal: AbortSignal, onProgress: (fraction: number) => void): Promise<{ blob: Blob; hasAudio: boolean }> {
  const format = sameContainer(await input.getFormat());
  const target = new BufferTarget();
  const codec = track.codec && (cut.copy || (await canEncodeVideo(track.codec, { width: track.displayWidth, height: track.displayHeight }))) ? track.codec : undefined;
  const conversion = await Conversion.init({
    input,
    output: new Output({ format, target }),
    video: codec ? { codec } : {},
    audio: soundFor(format),
    trim: { start: cut.start, end: cut.end },
    // mediabunny makes the same choice for a trim into the same container; deciding it here
    // lets the node say which one happened.
    copy: cut.copy ? {} : false,
    // The source's tags (an embedded workflow, say) describe the whole clip, not this cut.
    tags: {},
    showWarnings: false,
  });
  if (!conversion.isValid) {
    const reasons = conversion.discardedTracks.map((d) => `${d.track.type} track: ${d.reason}`).join(', ');
    throw new NodeError(`this video cannot be trimmed (${reasons})`);
  }
  conversion.onProgress = onProgress;
  await runCancellable(conversion, signal);
  return { blob: new Blob([target.buffer!], { type: format.mimeType }), hasAudio: hasAudioTrack(conversion) };
}
