/**
 * The templates a creator starts from (the picker on a first start and on New). Each is a
 * workflow file as the editor exports it, opened through the same loader as any file, so a
 * template that no longer loads is caught by its test, not by a user.
 */
import chainClips from './templates/chain-clips.stillmotion.json';
import compareModels from './templates/compare-models.stillmotion.json';
import landscapeSound from './templates/landscape-sound.stillmotion.json';
import portrait from './templates/portrait.stillmotion.json';
import productPhoto from './templates/product-photo.stillmotion.json';
import { defaultWorkflow } from './default-workflow';

export interface Template {
  id: string;
  title: string;
  /** What it makes, in a sentence, for its card. */
  makes: string;
  /** The workflow, unchecked: the loader checks it as it opens. */
  document: () => unknown;
}

export const TEMPLATES: readonly Template[] = [
  {
    id: 'product-photo',
    title: 'Product photo to clip',
    makes: 'Your product photo animated by two models, the better take picked by Compare, upscaled to 1080p, with your music under it, as an MP4.',
    document: () => productPhoto,
  },
  {
    id: 'portrait',
    title: 'Portrait animation',
    makes: 'A portrait brought to life in 9:16 for phones: a turn, a smile, hair in the breeze, the camera still.',
    document: () => portrait,
  },
  {
    id: 'landscape-sound',
    title: 'Landscape with sound',
    makes: 'An 8 s landscape clip whose model makes its own sound too: wind, birds, water.',
    document: () => landscapeSound,
  },
  {
    id: 'compare-models',
    title: 'Compare models on one photo',
    makes: 'One photo through three models side by side, scored and ranked by Compare; the best take is exported.',
    document: () => compareModels,
  },
  {
    id: 'chain-clips',
    title: 'Chain clips past 8 s',
    makes: 'A 10 s shot from two generations: the last frame of the first starts the second, joined by Concat.',
    document: () => chainClips,
  },
  {
    id: 'offline-demo',
    title: 'Offline demo',
    makes: 'A sample landscape moved by Local motion, as its prompt says, with a wind sound bed. Runs here, with no key and no network.',
    document: () => defaultWorkflow(),
  },
];
