/** Conform: a clip at the size and frame rate another part of the edit needs. */
import { createMedia, defineNode, param } from '../engine';
import { conformVideo, FITS, frameSize, type Fit } from '../media/video/conform';
import { explainMediaError } from '../media/video/media-error';

export default defineNode({
  type: 'video.conform',
  version: 1,
  title: 'Conform',
  category: 'Transform',
  description:
    'Re-encodes the video at another size and frame rate: Fit keeps the whole picture with bars, Fill crops to the frame, Stretch distorts. Frames are repeated or dropped to reach the frame rate; the sound is kept.',
  inputs: { video: { type: 'video', label: 'Video' } },
  outputs: { video: { type: 'video', label: 'Video' } },
  params: {
    width: param.number({ label: 'Width', default: 1280, min: 0, max: 3840, step: 2, integer: true, unit: 'px', description: "0 follows Height and the clip's aspect." }),
    height: param.number({ label: 'Height', default: 720, min: 0, max: 2160, step: 2, integer: true, unit: 'px', description: "0 follows Width and the clip's aspect." }),
    fit: param.select({ label: 'Framing', default: 'fit', options: (Object.keys(FITS) as Fit[]).map((value) => ({ value, label: FITS[value].label })) }),
    fps: param.number({ label: 'Frame rate', default: 0, min: 0, max: 120, step: 1, unit: 'fps', description: "0 keeps the clip's frame rate." }),
  },
  preview: () => import('../media/preview/conform'),
  async run({ inputs, params, progress, signal }) {
    const source = inputs.video;
    const [width, height] = frameSize(source.width, source.height, params.width, params.height);
    const fps = params.fps || source.fps;
    progress(0, `${width}x${height}, ${fps} fps`);
    const { blob, hasAudio } = await conformVideo(source.blob, { width, height, fps, fit: params.fit, signal, onProgress: (done) => progress(0.99 * done, `${Math.round(done * 100)}%`) }).catch((error: unknown) => {
      throw explainMediaError(error, 'Conforming the clip');
    });
    progress(1, `${width}x${height}, ${fps} fps`);
    return { video: await createMedia('video', blob, { mime: blob.type, width, height, duration: source.duration, fps, hasAudio }) };
  },
});

