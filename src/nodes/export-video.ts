/** Export: the finished video in the container and codec the user wants, workflow embedded. */
import { createMedia, defineNode, param, type WorkflowDocument } from '../engine';
import { convertVideo, type ConvertTarget } from '../media/video/convert-video';

/**
 * The tag names ComfyUI's video loaders look for (MP4 keys are lower case, Matroska tags upper
 * case), so a dropped file opens its workflow there too, and ours reads either.
 */
function workflowTags(format: ConvertTarget, workflow: WorkflowDocument): Record<string, string> {
  return { [format === 'webm-vp9' ? 'WORKFLOW' : 'workflow']: JSON.stringify(workflow) };
}

export default defineNode({
  type: 'output.export',
  version: 1,
  title: 'Export',
  category: 'Output',
  description:
    'Writes the video as MP4 (H.264 or AV1) or WebM (VP9), with the workflow inside so dropping the file back opens it. A video already in the chosen codec is copied without loss unless a bitrate is set.',
  // The embedded workflow is part of the file: a changed graph means a different export.
  readsWorkflow: (params) => params.embedWorkflow,
  inputs: { video: { type: 'video', label: 'Video' } },
  outputs: { video: { type: 'video', label: 'Video' } },
  params: {
    format: param.select({
      label: 'Format',
      default: 'mp4-h264',
      options: [
        { value: 'mp4-h264', label: 'MP4 (H.264)' },
        { value: 'mp4-av1', label: 'MP4 (AV1)' },
        { value: 'webm-vp9', label: 'WebM (VP9)' },
      ],
    }),
    quality: param.select({
      label: 'Quality',
      default: 'high',
      description: 'Used when the video is re-encoded.',
      options: [
        { value: 'high', label: 'High' },
        { value: 'medium', label: 'Medium' },
        { value: 'low', label: 'Low' },
      ],
    }),
    bitrate: param.number({ label: 'Bitrate', default: 0, min: 0, max: 100, step: 0.5, unit: 'Mb/s', description: '0 uses the quality setting; any other value re-encodes at that rate.' }),
    embedWorkflow: param.boolean({ label: 'Embed workflow', default: true, description: 'Stores this workflow in the file, layout included, so dropping the video onto the canvas restores it.' }),
  },
  // A cached export carries the layout of the run that made it: the key covers the graph, not
  // where nodes sit, so dragging a node does not re-export.
  async run({ inputs, params, progress, signal, workflow }) {
    const source = inputs.video;
    progress(0, 'starting');
    const { blob, copied, hasAudio } = await convertVideo(source.blob, {
      target: params.format,
      quality: params.quality,
      ...(params.bitrate > 0 ? { bitrate: params.bitrate * 1e6 } : {}),
      ...(params.embedWorkflow ? { tags: workflowTags(params.format, workflow) } : {}),
      signal,
      onProgress: (done) => progress(0.99 * done, `${Math.round(done * 100)}%`),
    });
    progress(1, copied ? 'copied without re-encoding' : 'encoded');
    const { width, height, duration, fps } = source;
    return { video: await createMedia('video', blob, { mime: blob.type, width, height, duration, fps, hasAudio }) };
  },
});
