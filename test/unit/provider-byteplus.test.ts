/** BytePlus ModelArk (Seedance): the provider contract, plus its content[] body, statuses and error codes. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { byteplus } from '../../src/providers/adapters/byteplus';
import { PNG_IMAGE, providerContract } from '../providers/contract';
import { testVideo } from '../providers/fixtures';
import type { FakeProvider } from '../providers/kit';
import { generateWith } from '../providers/run';
import { fakeBytePlus } from '../providers/servers/byteplus';

const credentials = { apiKey: 'ark-test-key' };
const request = {
  endpoint: 'dreamina-seedance-2-0-260128',
  image: PNG_IMAGE,
  prompt: 'a slow push in on a lighthouse',
  seconds: 5,
  resolution: '1080p' as const,
  aspectRatio: '16:9' as const,
  audio: true,
};

providerContract({
  info: byteplus,
  credentials,
  wrongCredentials: { apiKey: 'wrong' },
  server: (video) => fakeBytePlus(video),
  request,
  invalid: {
    fault: { type: 'status', status: 400, body: { error: { code: 'InvalidParameter', message: 'duration must be an integer from 2 to 15, or -1', param: 'duration', type: 'BadRequest' } } },
    says: /BytePlus refused the request \(HTTP 400\): duration: duration must be an integer from 2 to 15, or -1/,
  },
  has: { cancel: true, moderation: true, recover: false, lostTask: true },
});

describe('BytePlus: its own ways', () => {
  let server: FakeProvider;
  beforeEach(async () => {
    server = await fakeBytePlus(testVideo({ audio: true })).start();
  });
  afterEach(() => server.close());

  it('sends the prompt and both frames in content[], the settings top-level, and keeps the sound it made', async () => {
    const { blob, error } = await generateWith(server, byteplus, { ...request, endImage: PNG_IMAGE, seed: 7, aspectRatio: 'auto' }, credentials);
    expect(error).toBeUndefined();
    const submit = server.log.find((r) => r.method === 'POST')!;
    expect(submit.path).toBe('/api/v3/contents/generations/tasks');
    expect(submit.headers.authorization).toBe('Bearer ark-test-key');
    const frame = `data:image/png;base64,${Buffer.from(await PNG_IMAGE.blob.arrayBuffer()).toString('base64')}`;
    expect(JSON.parse(submit.body)).toEqual({
      model: 'dreamina-seedance-2-0-260128',
      content: [
        { type: 'text', text: request.prompt },
        { type: 'image_url', image_url: { url: frame }, role: 'first_frame' },
        { type: 'image_url', image_url: { url: frame }, role: 'last_frame' },
      ],
      ratio: 'adaptive',
      resolution: '1080p',
      duration: 5,
      seed: 7,
      generate_audio: true,
    });
    expect(Buffer.from(await blob!.arrayBuffer()).equals(testVideo({ audio: true }))).toBe(true);
  });

  it('says no to sound explicitly when none was asked for', async () => {
    await generateWith(server, byteplus, { ...request, audio: false }, credentials);
    expect(JSON.parse(server.log.find((r) => r.method === 'POST')!.body)).toMatchObject({ generate_audio: false });
  });

  it('reports an expired task as failed, with why', async () => {
    server.fail('poll', { type: 'status', status: 200, body: { id: 'cgt-20260101000000-00001', status: 'expired' } });
    const { error, journal } = await generateWith(server, byteplus, request, credentials);
    expect(error?.message).toMatch(/BytePlus could not make the video: the task expired before it finished/);
    expect(journal[0]!.status).toBe('failed');
  });

  it('reports a task cancelled elsewhere (the console) as cancelled', async () => {
    server.fail('poll', { type: 'status', status: 200, body: { id: 'cgt-20260101000000-00001', status: 'cancelled' } });
    const { error, journal } = await generateWith(server, byteplus, request, credentials);
    expect(error?.message).toMatch(/BytePlus cancelled the task/);
    expect(journal[0]!.status).toBe('cancelled');
  });

  it('reads an account in arrears (403 AccountOverdueError) as billing, not as a bad key', async () => {
    server.fail('submit', { type: 'status', status: 403, body: { error: { code: 'AccountOverdueError', message: 'Your account has an overdue balance.', type: 'Forbidden' } } });
    const { error } = await generateWith(server, byteplus, request, credentials);
    expect(error?.message).toMatch(/BytePlus says the account cannot pay for this \(HTTP 403\): Your account has an overdue balance/);
  });

  it('reads a content refusal on submit (400 InputImageSensitiveContentDetected) as the content rules speaking', async () => {
    server.fail('submit', { type: 'status', status: 400, body: { error: { code: 'InputImageSensitiveContentDetected.PrivacyInformation', message: 'The request failed because the input image may contain real person.', type: 'BadRequest' } } });
    const { error } = await generateWith(server, byteplus, request, credentials);
    expect(error?.message).toMatch(/BytePlus refused it under its content rules \(HTTP 400\): The request failed because the input image may contain real person/);
    expect(server.accepted).toBe(0);
  });

  it('its fake refuses what Ark would: a data: URI that is not an image, an unknown field', async () => {
    const post = (body: unknown) => fetch(`${server.url}/api/v3/contents/generations/tasks`, { method: 'POST', headers: { Authorization: 'Bearer ark-test-key' }, body: JSON.stringify(body) }).then(async (r) => [r.status, await r.json()] as const);
    const content = [{ type: 'text', text: 'x' }, { type: 'image_url', image_url: { url: 'data:text/plain;base64,AA==' }, role: 'first_frame' }];
    expect(await post({ model: 'seedance-1-0-pro-250528', content })).toEqual([400, expect.objectContaining({ error: expect.objectContaining({ code: 'InvalidParameter', param: 'content.image_url.url' }) })]);
    expect(await post({ model: 'seedance-1-0-pro-250528', content: content.slice(0, 1), aspect_ratio: '16:9' })).toEqual([400, expect.objectContaining({ error: expect.objectContaining({ param: 'aspect_ratio' }) })]);
    expect(server.accepted).toBe(0);
  });
});
