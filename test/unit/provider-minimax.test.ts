/** MiniMax (Hailuo): the provider contract, plus its three-step flow and the errors it hides in HTTP 200 answers. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { minimax } from '../../src/providers/adapters/minimax';
import { PNG_IMAGE, providerContract } from '../providers/contract';
import { testVideo } from '../providers/fixtures';
import type { FakeProvider } from '../providers/kit';
import { generateWith } from '../providers/run';
import { fakeMiniMax } from '../providers/servers/minimax';

const credentials = { apiKey: 'minimax-test-key' };
const request = {
  endpoint: 'MiniMax-Hailuo-2.3',
  image: PNG_IMAGE,
  prompt: 'a slow push in on a lighthouse',
  seconds: 6,
  resolution: '768p' as const,
  aspectRatio: '16:9' as const,
  audio: false,
};
const refusal = (code: number, message: string) => ({ type: 'status' as const, status: 200, body: { task_id: '', base_resp: { status_code: code, status_msg: message } } });

providerContract({
  info: minimax,
  credentials,
  wrongCredentials: { apiKey: 'wrong' },
  server: (video) => fakeMiniMax(video),
  request,
  invalid: { fault: refusal(2013, 'invalid params, duration must be 6 or 10'), says: /MiniMax refused the request: invalid params, duration must be 6 or 10 \(code 2013\)/ },
  rateLimit: refusal(1002, 'rate limit exceeded(RPM)'),
  has: { cancel: false, moderation: true, recover: false },
});

describe('MiniMax: its own ways', () => {
  let server: FakeProvider;
  beforeEach(async () => {
    server = await fakeMiniMax(testVideo()).start();
  });
  afterEach(() => server.close());

  it('submits the frames as data URIs with MiniMax resolution names, polls by task_id, then asks files/retrieve for the URL', async () => {
    const { error } = await generateWith(server, minimax, { ...request, endImage: PNG_IMAGE }, credentials);
    expect(error).toBeUndefined();
    const submit = server.log.find((r) => r.method === 'POST')!;
    expect(submit.path).toBe('/v1/video_generation');
    expect(submit.headers.authorization).toBe('Bearer minimax-test-key');
    const frame = `data:image/png;base64,${Buffer.from(await PNG_IMAGE.blob.arrayBuffer()).toString('base64')}`;
    expect(JSON.parse(submit.body)).toEqual({ model: 'MiniMax-Hailuo-2.3', first_frame_image: frame, last_frame_image: frame, prompt: request.prompt, duration: 6, resolution: '768P' });
    const paths = server.log.map((r) => r.path);
    expect(paths.filter((p) => p.startsWith('/v1/query/'))).toContain('/v1/query/video_generation?task_id=106916112212033');
    expect(paths).toContain('/v1/files/retrieve?file_id=241342648594613');
  });

  it('is refused by MiniMax for 10 s at 1080P, a combination the node never sends', async () => {
    const { error } = await generateWith(server, minimax, { ...request, resolution: '1080p', seconds: 10 }, credentials);
    expect(error?.message).toMatch(/MiniMax refused the request: invalid params, 10 s is not available at 1080P \(code 2013\)/);
    expect(server.accepted).toBe(0);
  });

  it.each([
    [1004, 'auth', /MiniMax rejected the API key: login fail \(code 1004\)/],
    [2049, 'auth', /MiniMax rejected the API key: invalid api key \(code 2049\)/],
    [1008, 'billing', /MiniMax says the account cannot pay for this: insufficient balance \(code 1008\)/],
    [1026, 'moderated', /MiniMax refused it under its content rules: input new_sensitive/],
  ])('reads base_resp %i on submit as %s, and pays nothing', async (code, _kind, says) => {
    const said = { 1004: 'login fail', 2049: 'invalid api key', 1008: 'insufficient balance', 1026: 'input new_sensitive' }[code]!;
    server.fail('submit', refusal(code, said));
    const { error, journal } = await generateWith(server, minimax, request, credentials);
    expect(error?.message).toMatch(says);
    expect(journal[0]!.status).toBe('failed');
    expect(server.accepted).toBe(0);
  });

  it('waits out an unknown base_resp code while polling instead of failing a task that is paid for', async () => {
    server.fail('poll', { type: 'status', status: 200, body: { base_resp: { status_code: 1033, status_msg: 'system busy' } } }, 2);
    const { error } = await generateWith(server, minimax, request, credentials);
    expect(error).toBeUndefined();
    expect(server.accepted).toBe(1);
  });

  it('takes a file id written as a string as well as a number', async () => {
    server.pollsToFinish = 1;
    server.fail('poll', { type: 'status', status: 200, body: { task_id: 'x', status: 'Success', file_id: '241342648594613', base_resp: { status_code: 0, status_msg: 'success' } } });
    const { error } = await generateWith(server, minimax, request, credentials);
    expect(error).toBeUndefined();
    expect(server.log.map((r) => r.path)).toContain('/v1/files/retrieve?file_id=241342648594613');
  });
});
