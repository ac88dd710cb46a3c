/**
 * A clip with a new soundtrack: the video packets copied across untouched (a composable
 * mediabunny Conversion), the audio mixed from layers and encoded beside them (AAC in MP4, Opus
 * in WebM), both streamed into one output.
 */
import { BufferTarget, Conversion, Mp4OutputFormat, Output, WebMOutputFormat, type Input } from 'mediabunny';
import { NodeError } from '../../engine';
import { runCancellable } from '../video/convert-video';
import { untilBoth } from '../video/encode-video';
import { renderMix, type Layer, type MixOptions } from './mix';
import { addSoundTrack } from './sound-track';

export interface SoundtrackOptions {
  /** 'video/webm' keeps WebM; anything else is written as MP4. */
  mime: string;
  /** Length of the soundtrack in seconds: the clip's. */
  duration: number;
  fadeIn: number;
  fadeOut: number;
  signal: AbortSignal;
  onProgress(fraction: number): void;
}

/** Writes `input`'s video with the mix of `layers` as its only audio track. */
export async function muxSoundtrack(input: Input, layers: readonly Layer[], options: SoundtrackOptions): Promise<Blob> {
  const webm = options.mime === 'video/webm';
  const target = new BufferTarget();
  const output = new Output({ format: webm ? new WebMOutputFormat() : new Mp4OutputFormat({ fastStart: 'in-memory' }), target });
  const conversion = await Conversion.init({
    input,
    output,
    composable: true,
    tracks: 'primary',
    video: {},
    audio: { discard: true },
    // The picture is never re-encoded here: a track that cannot be copied is an error.
    copy: { mode: 'forced' },
    showWarnings: false,
  });
  if (!conversion.utilizedTracks.some((track) => track.isVideoTrack())) {
    const reasons = conversion.discardedTracks.filter((d) => d.track.isVideoTrack()).map((d) => d.reason);
    throw new NodeError(`the clip's video cannot be copied into the new file (${reasons.join(', ') || 'no video track'})`);
  }
  const feedSound = await addSoundtrack(output, layers, options);
  await output.start();
  await untilBoth(runCancellable(conversion, options.signal), feedSound(), async () => {
    await conversion.cancel();
    await output.cancel();
  });
  await output.finalize();
  return new Blob([target.buffer!], { type: webm ? 'video/webm' : 'video/mp4' });
}

/** Adds an audio track to `output` (not started yet); the job it returns mixes `layers` into it. */
export async function addSoundtrack(output: Output, layers: readonly Layer[], options: Omit<MixOptions, 'write'>): Promise<() => Promise<void>> {
  const track = await addSoundTrack(output);
  return () => renderMix(layers, { ...options, write: track.write }).then(() => track.close());
}
