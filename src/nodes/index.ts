/** Every built-in node type. Adding a node type is adding its file and one line here. */
import { NodeRegistry } from '../engine';
import prompt from './prompt';
import sampleImage from './sample-image';

export const builtinNodes = [sampleImage, prompt];

export function createRegistry(): NodeRegistry {
  return new NodeRegistry(builtinNodes);
}
