/** Conform's run: the clip re-encoded at the size and frame rate asked. */
import { createMedia, nodeRun } from '../../engine';
import { conformVideo as conform } from '../../media/video/conform';
import { explainMediaError } from '../../media/video/media-error';
import { frameSize, type conformVideo } from '.';


export default nodeRun<typeof conformVideo>(async ({ inputs, params, progress, signal }) => {
  const source = inputs.video;
  const [width, height] = frameSize(source.width, source.height, params.width, params.height);
  const fps = params.fps || source.fps;
  progress(0, `${width}x${height}, ${fps} fps`);
  const { blob, hasAudio } = await conform(source.blob, { width, height, fps, fit: params.fit, signal, onProgress: (done) => progress(0.99 * done, `${Math.round(done * 100)}%`) }).catch((error: unknown) => {
    throw explainMediaError(error, 'Conforming the clip');
  });
  progress(1, `${width}x${height}, ${fps} fps`);
  return { video: await createMedia('video', blob, { mime: blob.type, width, height, duration: source.duration, fps, hasAudio }) };
});
