/** fal's queue API: the provider contract, plus how it names inputs and paths. */
import { describe, expect, it } from 'vitest';
import { MemoryAssets, MemoryJournal } from '../../src/engine';
import { fal } from '../../src/providers/adapters/fal';
import { runGeneration } from '../../src/providers/generation';
import { FAST_TIMING, PNG_IMAGE, providerContract } from '../providers/contract';
import { testVideo } from '../providers/fixtures';
import { fakeFal } from '../providers/servers/fal';

const request = {
  endpoint: 'fal-ai/kling-video/v2.1/master/image-to-video',
  fields: { image: 'image_url', prompt: 'prompt', duration: { name: 'duration', format: 'string' as const }, negativePrompt: 'negative_prompt' },
  image: PNG_IMAGE,
  prompt: 'a slow push in on a lighthouse',
  negativePrompt: 'blur',
  seconds: 5,
  resolution: '1080p' as const,
  aspectRatio: '16:9' as const,
  audio: false,
};

providerContract({
  info: fal,
  credentials: { apiKey: 'fal-test-key' },
  wrongCredentials: { apiKey: 'wrong' },
  server: (video) => fakeFal(video, 'fal-test-key'),
  request,
  invalid: {
    fault: { type: 'status', status: 422, body: { detail: [{ loc: ['body', 'duration'], msg: "Input should be '5' or '10'", type: 'literal_error' }] } },
    says: /fal refused the request \(HTTP 422\): duration: Input should be '5' or '10'/,
  },
  has: { cancel: true, moderation: false, recover: false },
});

describe('fal: its own ways', () => {
  it('submits to the full endpoint id with its field names, and polls under owner/alias only', async () => {
    const server = await fakeFal(testVideo(), 'k').start();
    try {
      await runGeneration(
        { key: 'k1', nodeId: 'n', signal: new AbortController().signal, progress: () => {}, journal: new MemoryJournal(), assets: new MemoryAssets(), secrets: { credentials: async () => ({ apiKey: 'k' }) } },
        { provider: fal, origin: server.url, model: 'm', timing: FAST_TIMING, request },
      );
      const submit = server.log.find((r) => r.method === 'POST')!;
      expect(submit.path).toBe('/fal-ai/kling-video/v2.1/master/image-to-video');
      expect(JSON.parse(submit.body)).toMatchObject({ prompt: request.prompt, duration: '5', negative_prompt: 'blur', image_url: expect.stringMatching(/^data:image\/png;base64,/) });
      const polls = server.log.filter((r) => r.path.includes('/requests/'));
      expect(polls.length).toBeGreaterThan(0);
      expect(polls.every((r) => r.path.startsWith('/fal-ai/kling-video/requests/task-1'))).toBe(true);
    } finally {
      await server.close();
    }
  });
});
