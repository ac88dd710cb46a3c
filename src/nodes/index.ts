/** Every built-in node type. Adding a node type is adding its file and one line here. */
import { NodeRegistry } from '../engine';
import audioInput from './audio-input';
import audioMux from './audio-mux';
import batchInput from './batch-input';
import compare from './compare';
import concatVideo from './concat-video';
import conformVideo from './conform-video';
import exportVideo from './export-video';
import extractFrame from './extract-frame';
import generateVideo from './generate-video';
import imageInput from './image-input';
import joinText from './join-text';
import localMotion from './local-motion';
import prompt from './prompt';
import sampleImage from './sample-image';
import trimVideo from './trim-video';
import upscale from './upscale';
import upscaleVideo from './upscale-video';
import videoInput from './video-input';

export const builtinNodes = [
  imageInput,
  batchInput,
  videoInput,
  sampleImage,
  audioInput,
  prompt,
  joinText,
  upscale,
  upscaleVideo,
  localMotion,
  generateVideo,
  trimVideo,
  concatVideo,
  conformVideo,
  audioMux,
  extractFrame,
  compare,
  exportVideo,
];

export function createRegistry(): NodeRegistry {
  return new NodeRegistry(builtinNodes);
}
