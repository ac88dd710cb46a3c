/**
 * Suite `adapters-a`: what the Replicate, Gemini API and Runway adapters cost on our side, against
 * their local fake servers (no cloud is reachable here, so provider time is not in it):
 * - one whole generation (submit, two polls, download of a 1 s clip) with 10 ms poll spacing (the least settings allow), so about 20 ms of it is waiting;
 * - the submit of a 3840x2160 still, as a test card (compresses well) and as noise (the worst
 *   case, which Replicate and Runway send through their upload APIs): time, and bytes on the wire
 *   per byte of image (base64 costs 4/3; an upload costs 1).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryAssets, MemoryJournal } from '../../src/engine';
import { gemini } from '../../src/providers/adapters/gemini';
import { replicate } from '../../src/providers/adapters/replicate';
import { runway } from '../../src/providers/adapters/runway';
import { runGeneration, type GenerationJob } from '../../src/providers/generation';
import { ProviderHttp } from '../../src/providers/http';
import type { ImagePayload, ProviderInfo } from '../../src/providers/protocol';
import { providerSettingsSchema } from '../../src/providers/settings';
import { testVideo } from '../../test/providers/fixtures';
import type { FakeProvider } from '../../test/providers/kit';
import { fakeGemini } from '../../test/providers/servers/gemini';
import { fakeReplicate } from '../../test/providers/servers/replicate';
import { fakeRunway } from '../../test/providers/servers/runway';
import { report, type BenchResult } from '../lib/report';
import { median, now, nsToMs, repeat, round } from '../lib/timing';

const REPEATS = 9;
const WARMUPS = 2;
const KEY = 'bench-key';
const TIMING = providerSettingsSchema.shape.timing.parse({ pollMs: 10, maxPollMs: 10, requestTimeoutMs: 30_000, deadlineMs: 60_000 });

interface Subject {
  info: ProviderInfo;
  server: (video: Buffer) => FakeProvider;
  request: Omit<GenerationJob['request'], 'image'>;
}

const SUBJECTS: Subject[] = [
  {
    info: replicate,
    server: (video) => fakeReplicate(video, KEY),
    request: { endpoint: 'minimax/hailuo-02', fields: { image: 'first_frame_image', prompt: 'prompt', duration: { name: 'duration', format: 'number' } }, prompt: 'a slow push in', seconds: 6, resolution: '768p', aspectRatio: '16:9', audio: false },
  },
  { info: gemini, server: (video) => fakeGemini(video, KEY), request: { endpoint: 'veo-3.1-generate-preview', prompt: 'a slow push in', seconds: 8, resolution: '720p', aspectRatio: '16:9', audio: true } },
  { info: runway, server: (video) => fakeRunway(video, KEY), request: { endpoint: 'gen4.5', prompt: 'a slow push in', seconds: 5, resolution: '720p', aspectRatio: '16:9', audio: false } },
];

/** A 3840x2160 PNG made once by native ffmpeg: `testsrc2` (a test card) or `noise`. */
function still(kind: 'testsrc2' | 'noise'): ImagePayload {
  const path = join(tmpdir(), `stillmotion-bench-4k-${kind}.png`);
  if (!existsSync(path)) {
    const source = kind === 'noise' ? ['-f', 'lavfi', '-i', 'color=gray:size=3840x2160', '-vf', 'noise=alls=100:allf=u'] : ['-f', 'lavfi', '-i', 'testsrc2=size=3840x2160'];
    execFileSync('ffmpeg', ['-y', '-loglevel', 'error', ...source, '-frames:v', '1', path]);
  }
  return { blob: new Blob([readFileSync(path)], { type: 'image/png' }), mime: 'image/png', width: 3840, height: 2160 };
}

async function generationMs(subject: Subject, image: ImagePayload): Promise<number> {
  const server = await subject.server(testVideo()).start();
  try {
    const times = await repeat(WARMUPS + REPEATS, async (i) => {
      const started = now();
      await runGeneration(
        { key: `k${i}`, nodeId: 'n', signal: new AbortController().signal, progress: () => {}, journal: new MemoryJournal(), assets: new MemoryAssets(), secrets: { credentials: async () => ({ apiKey: KEY }) } },
        { provider: subject.info, origin: server.url, model: 'bench', timing: TIMING, request: { ...subject.request, image } },
      );
      return nsToMs(now() - started);
    });
    return median(times.slice(WARMUPS));
  } finally {
    await server.close();
  }
}

/** The submit alone (uploads included): median time, then, in one more untimed run, the bytes it sent. */
async function submit(subject: Subject, image: ImagePayload): Promise<{ ms: number; bytes: number }> {
  const server = await subject.server(testVideo()).start();
  try {
    const http = new ProviderHttp({ name: subject.info.name, origin: server.url, authorize: async () => subject.info.authorize({ apiKey: KEY }), timeoutMs: 60_000 });
    const call = { http, signal: new AbortController().signal };
    const send = (i: number) => subject.info.adapter.submit({ ...subject.request, image, clientRef: `ref-${i}` }, call);
    const times = await repeat(WARMUPS + REPEATS, async (i) => {
      const started = now();
      await send(i);
      return nsToMs(now() - started);
    });
    return { ms: median(times.slice(WARMUPS)), bytes: await bytesSent(() => send(-1)) };
  } finally {
    await server.close();
  }
}

/** Request body bytes `work` sends, counted as fetch encodes them (multipart included). */
async function bytesSent(work: () => Promise<unknown>): Promise<number> {
  const fetch = globalThis.fetch;
  let bytes = 0;
  globalThis.fetch = async (input, init) => {
    bytes += (await new Request(input, init).arrayBuffer()).byteLength;
    return fetch(input, init);
  };
  try {
    await work();
    return bytes;
  } finally {
    globalThis.fetch = fetch;
  }
}

const results: BenchResult[] = [];
const ratios: Record<string, number> = {};
const small = still('testsrc2');
for (const subject of SUBJECTS) {
  const id = subject.info.id;
  results.push({ name: `${id}_generation_1s_clip_ms`, value: round(await generationMs(subject, small)), unit: 'ms' });
  for (const kind of ['testsrc2', 'noise'] as const) {
    const image = kind === 'noise' ? still('noise') : small;
    const { ms, bytes } = await submit(subject, image);
    results.push({ name: `${id}_submit_4k_${kind}_ms`, value: round(ms), unit: 'ms' });
    results.push({ name: `${id}_submit_4k_${kind}_bytes`, value: bytes, unit: 'bytes' });
    ratios[`${id}_4k_${kind}_wire_bytes_per_image_byte`] = round(bytes / image.blob.size);
  }
}
results.push({ name: 'still_4k_testsrc2_png_bytes', value: small.blob.size, unit: 'bytes' }, { name: 'still_4k_noise_png_bytes', value: still('noise').blob.size, unit: 'bytes' });
report('adapters-a', results, ratios);
