/** Every built-in node type. Adding a node type is adding its file and one line here. */
import { NodeRegistry } from '../engine';
import exportVideo from './export-video';
import extractFrame from './extract-frame';
import imageInput from './image-input';
import joinText from './join-text';
import localMotion from './local-motion';
import prompt from './prompt';
import sampleImage from './sample-image';
import trimVideo from './trim-video';
import upscale from './upscale';
import upscaleVideo from './upscale-video';
import videoInput from './video-input';

export const builtinNodes = [imageInput, videoInput, sampleImage, prompt, joinText, upscale, upscaleVideo, localMotion, trimVideo, extractFrame, exportVideo];

export function createRegistry(): NodeRegistry {
  return new NodeRegistry(builtinNodes);
}
