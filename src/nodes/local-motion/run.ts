/** Local motion's run: a flat or depth move drawn frame by frame (GPU or CPU), encoded with its sound bed. */
import type { Output } from 'mediabunny';
import { createMedia, nodeRun } from '../../engine';
import { addSoundtrack } from '../../media/audio/mux-soundtrack';
import { openBitmap } from '../../media/image-pixels';
import { motionPainter, motionSpec, type FramePainter } from '../../media/motion/painter';
import type { SoundBed } from '../../media/sound-bed/choices';
import { soundBed } from '../../media/sound-bed/sound-bed';
import { encodeVideo } from '../../media/video/encode-video';
import { poolSize } from '../../media/worker-pool';
import { videoSize, type localMotion } from '.';

/** Sound bed gain: peaks near -16 dBFS, a bed under whatever is mixed over it later. */
const SOUND_LEVEL = 0.5;
/** Seconds the sound fades in and out, so the clip neither starts nor stops with a click. */
const SOUND_FADE = 0.25;

export default nodeRun<typeof localMotion>(async ({ inputs, params, progress, signal }) => {
  const fps = Number(params.fps);
  const frameCount = Math.round(params.duration * fps);
  const [width, height] = videoSize(inputs.image.width, inputs.image.height, params.resolution);
  const duration = frameCount / fps;
  const sound = params.sound;
  progress(0.02, 'decoding');
  const bitmap = await openBitmap(inputs.image.blob);
  let painter: FramePainter | undefined;
  try {
    painter = await motionPainter(bitmap, motionSpec(params, inputs.prompt), { width, height, frameCount }, params.renderer, progress, { threads: threadsBesideTheEncoder() });
    const { draw, pixels, label } = painter;
    const blob = await encodeVideo({
      width,
      height,
      fps,
      frameCount,
      signal,
      ...(sound === 'none' ? {} : { withTracks: (output) => addSoundBed(output, sound, params.seed, duration, signal) }),
      // A depth move's frames go to the encoder as they are rendered, without a canvas between.
      drawFrame: (index, context) => (pixels ? pixels(index) : draw(context, index)),
      onProgress: (done) => progress(0.08 + 0.9 * done, `frame ${Math.round(done * frameCount)} of ${frameCount}${label}`),
    });
    return { video: await createMedia('video', blob, { mime: blob.type, width, height, duration, fps, hasAudio: sound !== 'none' }) };
  } finally {
    painter?.destroy();
    bitmap.close();
  }
});

/**
 * Threads for drawing depth frames: one core stays with the video encoder, which takes about a
 * third of the CPU a depth frame does (measured on 2 cores: two drawing threads beside it were no
 * faster than one).
 */
const threadsBesideTheEncoder = () => Math.max(1, poolSize() - 1);

/** Adds the sound bed to `output` as an AAC track, through the audio mixer (gain, fades). */
function addSoundBed(output: Output, kind: SoundBed, seed: number, duration: number, signal: AbortSignal): Promise<() => Promise<void>> {
  const layer = { source: soundBed(kind, seed), start: 0, end: duration, gain: SOUND_LEVEL };
  return addSoundtrack(output, [layer], { duration, fadeIn: SOUND_FADE, fadeOut: SOUND_FADE, signal });
}
