/** Join text: several prompts (a subject, a style, a camera move) combined into one, in wire order. */
import { defineNode, param } from '../engine';

export default defineNode({
  type: 'text.join',
  version: 1,
  title: 'Join text',
  category: 'Utility',
  description: 'Combines prompts into one, so a style or camera phrase can be shared by many generators.',
  inputs: { parts: { type: 'list<text>', label: 'Parts' } },
  outputs: { text: { type: 'text', label: 'Text' } },
  params: {
    separator: param.select({
      label: 'Separator',
      default: ', ',
      options: [
        { value: ', ', label: 'Comma' },
        { value: '. ', label: 'Sentence' },
        { value: '\n', label: 'New line' },
        { value: ' ', label: 'Space' },
      ],
    }),
  },
  async run({ inputs, params }) {
    return { text: inputs.parts.map((p) => p.trim()).filter((p) => p !== '').join(params.separator) };
  },
});
