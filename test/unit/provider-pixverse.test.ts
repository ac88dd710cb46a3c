/** PixVerse: the provider contract, plus its upload-first flow, trace ids, numeric statuses and ErrCode envelope. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pixverse } from '../../src/providers/adapters/pixverse';
import { PNG_IMAGE, providerContract } from '../providers/contract';
import { testVideo } from '../providers/fixtures';
import type { FakeProvider } from '../providers/kit';
import { generateWith } from '../providers/run';
import { fakePixVerse } from '../providers/servers/pixverse';

const credentials = { apiKey: 'pixverse-test-key' };
const request = {
  endpoint: 'v5',
  image: PNG_IMAGE,
  prompt: 'a slow push in on a lighthouse',
  negativePrompt: 'blur',
  seconds: 5,
  resolution: '720p' as const,
  aspectRatio: '16:9' as const,
  audio: false,
};
const refusal = (code: number, message: string) => ({ type: 'status' as const, status: 200, body: { ErrCode: code, ErrMsg: message, Resp: {} } });

providerContract({
  info: pixverse,
  credentials,
  wrongCredentials: { apiKey: 'wrong' },
  server: (video) => fakePixVerse(video),
  request,
  invalid: { fault: refusal(400017, 'Invalid parameter: duration must be 5 or 8'), says: /PixVerse refused the request: Invalid parameter: duration must be 5 or 8 \(ErrCode 400017\)/ },
  rateLimit: refusal(500044, 'Reached the limit for concurrent generations.'),
  has: { cancel: false, moderation: true, recover: false },
});

describe('PixVerse: its own ways', () => {
  let server: FakeProvider;
  beforeEach(async () => {
    server = await fakePixVerse(testVideo()).start();
  });
  afterEach(() => server.close());

  it('uploads the image as multipart first, then asks for image-to-video by img_id', async () => {
    const { error } = await generateWith(server, pixverse, { ...request, seed: 9, audio: true }, credentials);
    expect(error).toBeUndefined();
    const [upload, generate] = server.log.filter((r) => r.method === 'POST');
    expect(upload!.path).toBe('/openapi/v2/image/upload');
    expect(upload!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(upload!.body).toMatch(/name="image"; filename="frame\.png"/);
    expect(generate!.path).toBe('/openapi/v2/video/img/generate');
    expect(JSON.parse(generate!.body)).toEqual({ model: 'v5', img_id: 300000000001, prompt: request.prompt, negative_prompt: 'blur', duration: 5, quality: '720p', motion_mode: 'normal', seed: 9, generate_audio_switch: true });
    expect(server.log.some((r) => r.path === '/openapi/v2/video/result/300000000002')).toBe(true);
  });

  it('sends the key as API-KEY and a new Ai-trace-id with every request, so a retried submit is not answered from an earlier one', async () => {
    server.fail('submit', refusal(500044, 'Reached the limit for concurrent generations.'));
    await generateWith(server, pixverse, request, credentials);
    const traces = server.log.map((r) => r.headers['ai-trace-id']);
    expect(server.log.every((r) => r.path.startsWith('/files/') || r.headers['api-key'] === 'pixverse-test-key')).toBe(true);
    const sent = traces.filter((t): t is string => typeof t === 'string');
    expect(sent.length).toBe(server.log.filter((r) => !r.path.startsWith('/files/')).length);
    expect(new Set(sent).size).toBe(sent.length);
    expect(server.accepted).toBe(1);
  });

  it('is refused by PixVerse for v5 at 1080p above 5 s, a combination the node never sends', async () => {
    const { error } = await generateWith(server, pixverse, { ...request, resolution: '1080p', seconds: 8 }, credentials);
    expect(error?.message).toMatch(/PixVerse refused the request: Invalid parameter: quality 1080p quality does not support duration > 5 seconds/);
    expect(server.accepted).toBe(0);
  });

  it('takes v6 lengths from 1 to 15 seconds', async () => {
    const { error } = await generateWith(server, pixverse, { ...request, endpoint: 'v6', seconds: 12 }, credentials);
    expect(error).toBeUndefined();
    expect(JSON.parse(server.log.find((r) => r.path.endsWith('/img/generate'))!.body)).toMatchObject({ model: 'v6', duration: 12 });
  });

  it.each([
    [500090, 'Insufficient balance', /PixVerse says the account cannot pay for this: Insufficient balance \(ErrCode 500090\)/],
    [500054, 'Content moderation failed', /PixVerse refused it under its content rules: Content moderation failed \(ErrCode 500054\)/],
  ])('reads ErrCode %i on submit in the user\'s terms', async (code, said, says) => {
    server.fail('submit', refusal(code, said));
    const { error } = await generateWith(server, pixverse, request, credentials);
    expect(error?.message).toMatch(says);
    expect(server.accepted).toBe(0);
  });

  it('waits out an unknown ErrCode while polling instead of failing a task that is paid for', async () => {
    server.fail('poll', refusal(500999, 'busy'), 2);
    const { error } = await generateWith(server, pixverse, request, credentials);
    expect(error).toBeUndefined();
  });

  it('reports a deleted video (status 6) as failed', async () => {
    server.fail('poll', { type: 'status', status: 200, body: { ErrCode: 0, ErrMsg: 'success', Resp: { id: 1, status: 6, url: '' } } });
    const { error } = await generateWith(server, pixverse, request, credentials);
    expect(error?.message).toMatch(/PixVerse could not make the video: the video was deleted \(status 6\)/);
  });

  it('tells an unanswered upload from an unanswered submit: nothing was generated, so nothing may have been charged', async () => {
    server.fail('upload', { type: 'hang' });
    const { error, journal } = await generateWith(server, pixverse, request, credentials);
    expect(error?.message).toMatch(/PixVerse did not answer POST \/openapi\/v2\/image\/upload within 0 s, while uploading the image; nothing was generated, so running again is safe/);
    expect(error?.message).not.toMatch(/may or may not have been accepted/);
    expect(journal[0]!.status).toBe('failed');
    expect(server.accepted).toBe(0);
  });

  it('says an end frame is not supported, before anything is uploaded', async () => {
    const { error } = await generateWith(server, pixverse, { ...request, endImage: PNG_IMAGE }, credentials);
    expect(error?.message).toMatch(/PixVerse image-to-video takes one image; an end frame is not supported here/);
    expect(server.log).toHaveLength(0);
  });
});
