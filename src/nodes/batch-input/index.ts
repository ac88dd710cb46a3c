/**
 * Batch input: many photos through one graph. The graph downstream runs once per photo (each
 * its own work, cached and paid for on its own), and the results are collected per photo. A
 * plain Run shows the item chosen in "Preview item"; Run batch (or the CLI) runs them all.
 */
import { defineNode, MAX_ASSETS, param, withRun } from '../../engine';
import { FRAMING_PARAMS, IMAGE_TYPES } from '../framing-params';

export const batchInput = defineNode({
  type: 'image.batch',
  version: 1,
  title: 'Batch input',
  category: 'Input',
  description: 'Many photos (pick several, or drop a folder): everything downstream runs once per photo, and Run batch collects the results.',
  inputs: {},
  outputs: { image: { type: 'image', label: 'Image' } },
  params: {
    files: param.assets({ label: 'Photos', accept: IMAGE_TYPES }),
    item: param.number({ label: 'Preview item', default: 0, min: 0, max: MAX_ASSETS - 1, step: 1, integer: true, description: 'Which photo a plain Run uses (counting from 0); Run batch runs every one.' }),
    ...FRAMING_PARAMS,
  },
  batch: {
    param: 'item',
    size: (params) => params.files.length,
    label: (params, index) => params.files[index]?.name ?? `item ${index}`,
  },
});

export default withRun(batchInput, () => import('./run'));
