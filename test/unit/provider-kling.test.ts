/** Kling's own API: the provider contract, plus its signed tokens, raw base64 images and code-carrying errors. */
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kling, klingToken } from '../../src/providers/adapters/kling';
import { PNG_IMAGE, providerContract } from '../providers/contract';
import { testVideo } from '../providers/fixtures';
import type { FakeProvider } from '../providers/kit';
import { generateWith } from '../providers/run';
import { fakeKling } from '../providers/servers/kling';

const credentials = { apiKey: 'kling-ak', secretKey: 'kling-sk' };
const request = {
  endpoint: 'kling-v2-1',
  image: PNG_IMAGE,
  endImage: PNG_IMAGE,
  prompt: 'a slow push in on a lighthouse',
  negativePrompt: 'blur',
  seconds: 5,
  resolution: '1080p' as const,
  aspectRatio: '16:9' as const,
  audio: false,
};

providerContract({
  info: kling,
  credentials,
  wrongCredentials: { apiKey: 'kling-ak', secretKey: 'not-the-secret' },
  server: (video) => fakeKling(video),
  request,
  invalid: {
    fault: { type: 'status', status: 400, body: { code: 1201, message: "duration: must be the string '5' or '10'", request_id: 'r1' } },
    says: /Kling refused the request \(HTTP 400\): duration: must be the string '5' or '10'/,
  },
  rateLimit: { type: 'status', status: 429, body: { code: 1302, message: 'The API request rate exceeds the limit', request_id: 'r1' } },
  has: { cancel: false, moderation: true, recover: true, lostTask: true },
});

describe('Kling: its own ways', () => {
  let server: FakeProvider;
  beforeEach(async () => {
    server = await fakeKling(testVideo()).start();
  });
  afterEach(() => server.close());

  it('signs a JWT from the access key with the secret key: HS256, 30 minutes, nbf 5 s back', async () => {
    const token = await klingToken(credentials, Date.UTC(2026, 0, 1));
    const [header, payload, signature] = token.split('.');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    const now = Date.UTC(2026, 0, 1) / 1000;
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString())).toEqual({ iss: 'kling-ak', exp: now + 1800, nbf: now - 5 });
    expect(signature).toBe(createHmac('sha256', 'kling-sk').update(`${header}.${payload}`).digest('base64url'));
  });

  it('its fake holds tokens to their times, as Kling does: expired after 30 minutes (1004), not valid before nbf (1003)', async () => {
    const ask = async (at: number) => {
      const response = await fetch(`${server.url}/v1/videos/image2video/task-0`, { headers: { Authorization: `Bearer ${await klingToken(credentials, at)}` } });
      return [response.status, ((await response.json()) as { code: number }).code];
    };
    expect(await ask(Date.now() - 31 * 60_000)).toEqual([401, 1004]);
    expect(await ask(Date.now() + 60_000)).toEqual([401, 1003]);
    expect(await ask(Date.now())).toEqual([404, 1203]);
  });

  it('sends raw base64 images, a string duration, the mode for the resolution, and our reference as external_task_id', async () => {
    const { error, journal } = await generateWith(server, kling, request, credentials);
    expect(error).toBeUndefined();
    const submit = server.log.find((r) => r.method === 'POST')!;
    expect(submit.path).toBe('/v1/videos/image2video');
    expect(submit.headers.authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    const base64 = Buffer.from(await PNG_IMAGE.blob.arrayBuffer()).toString('base64');
    expect(JSON.parse(submit.body)).toEqual({
      model_name: 'kling-v2-1',
      image: base64,
      image_tail: base64,
      prompt: request.prompt,
      negative_prompt: 'blur',
      mode: 'pro',
      duration: '5',
      external_task_id: journal[0]!.id,
    });
    expect(server.log.filter((r) => r.method === 'GET' && r.path.startsWith('/v1/')).every((r) => r.path === '/v1/videos/image2video/task-1')).toBe(true);
  });

  it('asks for the std mode below 1080p', async () => {
    await generateWith(server, kling, { ...request, resolution: '720p' }, credentials);
    expect(JSON.parse(server.log.find((r) => r.method === 'POST')!.body)).toMatchObject({ mode: 'std' });
  });

  it('sends Kling 3.0 lengths as strings too, and refuses a resolution it has no mode for before sending anything', async () => {
    const { error } = await generateWith(server, kling, { ...request, endpoint: 'kling-v3', seconds: 7, resolution: '720p' }, credentials);
    expect(error).toBeUndefined();
    expect(JSON.parse(server.log.find((r) => r.method === 'POST')!.body)).toMatchObject({ model_name: 'kling-v3', duration: '7', mode: 'std' });
    const before = server.log.length;
    const fourK = await generateWith(server, kling, { ...request, endpoint: 'kling-v3', resolution: '4k' }, credentials);
    expect(fourK.error?.message).toMatch(/Kling: 4k is not a mode this adapter knows/);
    expect(server.log.length).toBe(before);
  });

  it('asks for sound only when the user wants it', async () => {
    await generateWith(server, kling, { ...request, audio: true }, credentials);
    expect(JSON.parse(server.log.find((r) => r.method === 'POST')!.body)).toMatchObject({ sound: 'on' });
  });

  it('reads a 429 that means "out of credit" as billing, and does not retry it', async () => {
    server.fail('submit', { type: 'status', status: 429, body: { code: 1102, message: 'Resource pack exhausted', request_id: 'r' } });
    const { error } = await generateWith(server, kling, request, credentials);
    expect(error?.message).toMatch(/Kling says the account cannot pay for this \(HTTP 429\): Resource pack exhausted/);
    expect(server.log.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('reads code 1301 (content safety) on submit as the content rules speaking', async () => {
    server.fail('submit', { type: 'status', status: 400, body: { code: 1301, message: 'Trigger the content security policy of the platform', request_id: 'r' } });
    const { error } = await generateWith(server, kling, request, credentials);
    expect(error?.message).toMatch(/Kling refused it under its content rules \(HTTP 400\): Trigger the content security policy/);
  });

  it('treats a non-zero code in a 200 answer as the error it is', async () => {
    server.fail('submit', { type: 'status', status: 200, body: { code: 1201, message: 'prompt: too long', request_id: 'r' } });
    const { error } = await generateWith(server, kling, request, credentials);
    expect(error?.message).toMatch(/Kling refused the request: prompt: too long/);
    expect(server.accepted).toBe(0);
  });

  it('names the missing secret key and sends nothing', async () => {
    const { error } = await generateWith(server, kling, request, { apiKey: 'kling-ak' });
    expect(error?.message).toMatch(/No Kling secret key: add it next to the access key in Settings > Providers > Kling/);
    expect(server.log).toHaveLength(0);
  });

  it('reads a risk-control failure as a content refusal, recorded as moderated', async () => {
    server.nextOutcome = 'moderate';
    const { error, journal } = await generateWith(server, kling, request, credentials);
    expect(error?.message).toMatch(/Kling refused it under its content rules: Failure to pass the risk control system/);
    expect(journal[0]).toMatchObject({ status: 'failed', moderated: true });
  });

  it('reports the reason of any other failure as a failure', async () => {
    server.nextOutcome = 'fail';
    const { error, journal } = await generateWith(server, kling, request, credentials);
    expect(error?.message).toMatch(/Kling could not make the video: The generation failed/);
    expect(journal[0]!.moderated).toBeUndefined();
  });
});
