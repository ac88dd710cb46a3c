/** Prompt: text written once and wired into every model that should read it. */
import { defineNode, param } from '../engine';

export default defineNode({
  type: 'text.prompt',
  version: 1,
  title: 'Prompt',
  category: 'Input',
  description: 'Describes the motion and mood you want; wire it into one or many generators.',
  inputs: {},
  outputs: { text: { type: 'text', label: 'Text' } },
  params: {
    text: param.text({
      label: 'Prompt',
      default: 'Slow push in over the water, warm evening light, gentle waves',
      multiline: true,
      maxLength: 4000,
    }),
  },
  async run({ params }) {
    return { text: params.text };
  },
});
