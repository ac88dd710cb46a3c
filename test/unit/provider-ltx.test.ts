/** LTX: the provider contract for a synchronous API, plus its request body, pixel sizes and errors. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAssets, MemoryJournal } from '../../src/engine';
import { ltx, ltxResolution } from '../../src/providers/adapters/ltx';
import { runGeneration, type GenerationJob } from '../../src/providers/generation';
import { FAST_TIMING, PNG_IMAGE, providerContract } from '../providers/contract';
import { testVideo } from '../providers/fixtures';
import type { FakeProvider } from '../providers/kit';
import { fakeLtx, ltxError } from '../providers/servers/ltx';

const request: GenerationJob['request'] = {
  endpoint: 'ltx-2-pro',
  image: PNG_IMAGE,
  prompt: 'a slow push in on a lighthouse',
  seconds: 6,
  resolution: '1080p',
  aspectRatio: '16:9',
  audio: true,
};

providerContract({
  info: ltx,
  credentials: { apiKey: 'ltx-test-key' },
  wrongCredentials: { apiKey: 'wrong' },
  server: (video) => fakeLtx(video, 'ltx-test-key'),
  request,
  invalid: {
    fault: { type: 'status', status: 400, body: ltxError('invalid_request_error', 'duration must be an integer from 6 to 20') },
    says: /LTX refused the request \(HTTP 400\): duration must be an integer from 6 to 20/,
  },
  rateLimit: { type: 'status', status: 429, body: ltxError('rate_limit_error', 'Rate limit exceeded'), headers: { 'Retry-After': '1' } },
  resultStep: 'result',
  has: { cancel: false, moderation: true, recover: false },
});

describe('LTX: its own ways', () => {
  let server: FakeProvider;
  beforeEach(async () => {
    server = await fakeLtx(testVideo({ audio: true }), 'k').start();
  });
  afterEach(() => server.close());

  const generate = (overrides: Partial<GenerationJob['request']> = {}, timing = FAST_TIMING) =>
    runGeneration(
      { key: 'k1', nodeId: 'n', signal: new AbortController().signal, progress: () => {}, journal: new MemoryJournal(), assets: new MemoryAssets(), secrets: { credentials: async () => ({ apiKey: 'k' }) } },
      { provider: ltx, origin: server.url, model: 'ltx-2-pro', timing, request: { ...request, ...overrides } },
    );

  it('sends one JSON request with a bearer key and takes the MP4 it answers with, sound and all', async () => {
    const blob = await generate();
    expect(server.log).toHaveLength(1);
    const [sent] = server.log;
    expect(sent).toMatchObject({ method: 'POST', path: '/v1/image-to-video' });
    expect(sent!.headers).toMatchObject({ authorization: 'Bearer k', 'content-type': 'application/json' });
    expect(JSON.parse(sent!.body)).toEqual({
      image_uri: expect.stringMatching(/^data:image\/png;base64,/),
      prompt: request.prompt,
      model: 'ltx-2-pro',
      duration: 6,
      resolution: '1920x1080',
      generate_audio: true,
    });
    // The model's own audio track comes through untouched.
    expect(Buffer.from(await blob.arrayBuffer()).equals(testVideo({ audio: true }))).toBe(true);
  });

  it('sends an end frame as last_frame_uri', async () => {
    await generate({ endImage: PNG_IMAGE });
    expect(JSON.parse(server.log[0]!.body)).toMatchObject({ last_frame_uri: expect.stringMatching(/^data:image\/png;base64,/) });
  });

  it('names sizes in pixels, portrait for 9:16 or a portrait image on auto', () => {
    const portraitImage = { ...PNG_IMAGE, width: 720, height: 1280 };
    expect(ltxResolution('720p', '16:9', PNG_IMAGE)).toBe('1280x720');
    expect(ltxResolution('1080p', '9:16', PNG_IMAGE)).toBe('1080x1920');
    expect(ltxResolution('1440p', 'auto', portraitImage)).toBe('1440x2560');
    expect(ltxResolution('4k', 'auto', PNG_IMAGE)).toBe('3840x2160');
    expect(() => ltxResolution('480p', '16:9', PNG_IMAGE)).toThrow(/LTX makes 720p, 1080p, 1440p or 4k video, not 480p/);
    expect(() => ltxResolution('1080p', '1:1', PNG_IMAGE)).toThrow(/LTX makes 16:9 or 9:16 video, not 1:1/);
  });

  it('waits for the video as long as a generation may take, not one request timeout', async () => {
    await server.close();
    server = await fakeLtx(testVideo({ audio: true }), 'k', 600).start();
    const blob = await generate({}, { ...FAST_TIMING, requestTimeoutMs: 100, deadlineMs: 3000 });
    expect(blob.size).toBe(testVideo({ audio: true }).length);
  });

  it('says the account cannot pay, in LTX words', async () => {
    server.fail('submit', { type: 'status', status: 402, body: ltxError('insufficient_funds_error', 'Insufficient funds. Required: 120 credits') });
    await expect(generate()).rejects.toThrow('LTX says the account cannot pay for this (HTTP 402): Insufficient funds. Required: 120 credits');
  });
});
