/** Export: the finished video in the container and codec the user wants, workflow embedded. */
import { defineNode, param, unknownNameField, withRun } from '../../engine';

export const exportVideo = defineNode({
  type: 'output.export',
  version: 2,
  title: 'Export',
  category: 'Output',
  description:
    'Writes the video as MP4 (H.264 or AV1) or WebM (VP9), with the workflow inside so dropping the file back opens it. Sound is AAC in MP4 and Opus in WebM, as players expect. A video already in the chosen codec is copied without loss, unless a bitrate is set or it has less than half the bitrate the Quality asks. GIF is made by ffmpeg.wasm, loaded on first use.',
  // The embedded workflow is part of the file: a changed graph means a different export.
  readsWorkflow: (params) => params.embedWorkflow,
  inputs: { video: { type: 'video', label: 'Video' } },
  outputs: { video: { type: 'video', label: 'Video' } },
  // GIF settings apply to GIFs only: hidden otherwise, and then no part of the export's identity.
  constrain: (params) => ({ gifFps: { hidden: params.format !== 'gif' }, gifWidth: { hidden: params.format !== 'gif' }, fileName: { note: unknownNameField(params.fileName) } }),
  save: { output: 'video', name: 'fileName' },
  params: {
    format: param.select({
      label: 'Format',
      default: 'mp4-h264',
      options: [
        { value: 'mp4-h264', label: 'MP4 (H.264)' },
        { value: 'mp4-av1', label: 'MP4 (AV1)' },
        { value: 'webm-vp9', label: 'WebM (VP9)' },
        { value: 'gif', label: 'GIF (via ffmpeg.wasm)' },
      ],
    }),
    quality: param.select({
      label: 'Quality',
      default: 'high',
      description: "The bitrate asked of every codec alike; High is YouTube's recommended upload bitrate. A source already in the codec is copied, unless it has less than half of what this asks.",
      options: [
        { value: 'high', label: 'High' },
        { value: 'medium', label: 'Medium' },
        { value: 'low', label: 'Low' },
      ],
    }),
    bitrate: param.number({ label: 'Bitrate', default: 0, min: 0, max: 100, step: 0.5, unit: 'Mb/s', description: '0 uses the quality setting; any other value re-encodes at that rate.' }),
    gifFps: param.number({ label: 'GIF frame rate', default: 15, min: 1, max: 50, step: 1, integer: true, unit: 'fps', description: 'GIF only. 10, 20, 25 and 50 play at exactly that rate.' }),
    gifWidth: param.number({ label: 'GIF width', default: 480, min: 16, max: 1920, step: 2, integer: true, unit: 'px', description: 'GIF only; never wider than the video.' }),
    fileName: param.text({ label: 'File name', default: '{workflow}-{photo}-{model}-{date}', keyed: false, description: 'What Save and Run batch call the file: {workflow}, {photo}, {model}, {node} and {date} are filled in. Changing it re-runs nothing.' }),
    embedWorkflow: param.boolean({ label: 'Embed workflow', default: true, description: 'Stores this workflow in the file, layout included, so dropping the video onto the canvas restores it.' }),
  },
  // Every MP4 with sound now has AAC, which once needed a format of its own.
  migrations: { 1: (params) => (params.format === 'mp4-h264-aac' ? { ...params, format: 'mp4-h264' } : params) },
  // A cached export carries the layout of the run that made it: the key covers the graph, not
  // where nodes sit, so dragging a node does not re-export.
});

export default withRun(exportVideo, () => import('./run'));
