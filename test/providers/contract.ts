/**
 * The contract every provider adapter keeps, run against its local fake server: it makes a
 * video with one paid submit, keeps its key to its own origin, resumes rather than pays twice,
 * and turns each fault the issue lists (401, 422, 429 + Retry-After, 500, a hanging request,
 * malformed JSON, a failed or moderated task, an expired result, slow progress) into a clear
 * message. It holds twice: calling the provider straight, and through the Stillmotion server's
 * relay, as the app in a browser does. Each provider's test file calls `providerContract` and
 * adds what is its own.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAssets, MemoryJournal, NodeError, type Credentials } from '../../src/engine';
import type { AppServer } from '../../src/server/app-server';
import type { Connection } from '../../src/providers/connection';
import { runGeneration, type GenerationContext, type GenerationJob } from '../../src/providers/generation';
import type { ProviderInfo } from '../../src/providers/protocol';
import { comfyuiRoute, providerRoute, type RelayInfo } from '../../src/providers/relay-route';
import { providerSettingsSchema } from '../../src/providers/settings';
import { startTestServer } from '../support/app-server';
import { testVideo } from './fixtures';
import { FakeProvider, type Fault } from './kit';

export const FAST_TIMING = providerSettingsSchema.shape.timing.parse({ pollMs: 10, maxPollMs: 20, requestTimeoutMs: 400, deadlineMs: 5000, unknownAfterMs: 300 });

export const PNG_IMAGE = { blob: new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])], { type: 'image/png' }), mime: 'image/png', width: 1280, height: 720 };

export interface ContractSubject {
  info: ProviderInfo;
  /** Unused for a keyless provider. */
  credentials: Credentials;
  /** Credentials the fake server refuses; every provider that takes a key has them. */
  wrongCredentials?: Credentials;
  /** A fresh fake server, not yet started, returning `video` as its result. */
  server(video: Buffer): FakeProvider;
  request: GenerationJob['request'];
  /** How this provider refuses a bad `duration` on submit, and what the message must then say. */
  invalid: { fault: Fault; says: RegExp };
  /** How it says "too many requests" on submit; a plain 429 with Retry-After: 1 when absent. */
  rateLimit?: Fault;
  /** The wait `rateLimit` asks for in its own way (Google's RetryInfo), which must be honoured. */
  rateLimitDelayMs?: number;
  /** The step that serves the result's bytes; `download` (a URL) unless the provider inlines them. */
  resultStep?: 'download' | 'result';
  /**
   * Provider abilities the contract checks when present. `lostTask`: a poll for a task it no
   * longer knows says so (a 404), as opposed to an error code in a 200 answer (MiniMax, PixVerse)
   * or a task of the user's own server (ComfyUI), which costs nothing. `lostAnswerFoundAtOnce`:
   * a submit whose answer was lost is looked up by our own id at once (ComfyUI), not reported.
   */
  has: { cancel: boolean; moderation: boolean; recover: boolean; lostTask?: boolean; lostAnswerFoundAtOnce?: boolean };
}

/** How a test reaches a fake provider: straight, or through a Stillmotion server relaying to it. */
export async function reach(via: 'direct' | 'relay', info: ProviderInfo, server: FakeProvider): Promise<{ connection: Connection; app?: AppServer }> {
  if (via === 'direct') return { connection: direct(server) };
  const comfy = info.id === 'comfyui';
  const app = await startTestServer(comfy ? { comfyuiServers: [server.url] } : { upstreams: { [info.id]: server.upstream() } });
  const relay: RelayInfo = { origin: new URL(app.url).origin, providers: {}, comfyui: true };
  return { app, connection: { ...direct(server), relay: comfy ? comfyuiRoute(relay, server.url) : providerRoute(relay, info.id, server.url) } };
}

/** A fake provider's API and its other keyed origins (fal's storage API), as endpoints.ts lists a real one's. */
export function direct(server: FakeProvider): Connection {
  const [origin, ...keyedOrigins] = server.upstream().keyed;
  return { origin: origin!, ...(keyedOrigins.length > 0 ? { keyedOrigins } : {}) };
}

export function providerContract(subject: ContractSubject): void {
  for (const via of ['direct', 'relay'] as const) contract(subject, via);
}

function contract(subject: ContractSubject, via: 'direct' | 'relay'): void {
  describe(`${subject.info.name}: the provider contract${via === 'relay' ? ', through the Stillmotion server' : ''}`, () => {
    let server: FakeProvider;
    let app: AppServer | undefined;
    let connection: Connection;
    let journal: MemoryJournal;
    let assets: MemoryAssets;
    let messages: string[];

    beforeEach(async () => {
      server = await subject.server(testVideo()).start();
      ({ connection, app } = await reach(via, subject.info, server));
      journal = new MemoryJournal();
      assets = new MemoryAssets();
      messages = [];
    });
    afterEach(async () => {
      await app?.close();
      await server.close();
    });

    function context(options: { credentials?: Credentials | null; signal?: AbortSignal; onProgress?: (message: string) => void } = {}): GenerationContext {
      const credentials = options.credentials === undefined ? subject.credentials : options.credentials;
      return {
        key: 'node-key-1',
        nodeId: 'generate',
        signal: options.signal ?? new AbortController().signal,
        progress: (_fraction, message) => {
          if (!message) return;
          messages.push(message);
          options.onProgress?.(message);
        },
        journal,
        assets,
        secrets: { credentials: async () => credentials ?? undefined },
      };
    }

    const { keyless, synchronous } = subject.info;
    // A synchronous request may take the whole deadline: a short one keeps the hang case quick.
    const timing = synchronous ? { ...FAST_TIMING, deadlineMs: 1500 } : FAST_TIMING;
    const job = (): GenerationJob => ({ provider: subject.info, ...connection, model: 'test-model', costUsd: 1, timing, request: subject.request });
    const generate = (ctx = context()) => runGeneration(ctx, job());
    /** A progress message from polling, as opposed to the one before submitting. */
    const polling = (m: string) => !m.startsWith('sending to') && !m.startsWith('resuming');

    async function failure(promise: Promise<unknown>): Promise<string> {
      const error = await promise.then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(NodeError);
      return (error as Error).message;
    }

    it('makes a video with one accepted submit, kept in the asset store and journalled', async () => {
      const blob = await generate();
      expect(blob.type).toMatch(/^video\//);
      expect(blob.size).toBe(testVideo().length);
      expect(server.accepted).toBe(1);
      const [entry] = await journal.list();
      expect(entry).toMatchObject({ status: 'succeeded', provider: subject.info.id, nodeKey: 'node-key-1' });
      expect(await assets.get(entry!.assetHash!)).toBeDefined();
      expect(JSON.stringify(await journal.list())).not.toContain('base64');
    });

    if (!keyless) it('sends credentials to its own origin only, never to the host a result points at', async () => {
      server.downloadUrl = (task) => `${server.cdnUrl}/files/${task.id}.mp4`;
      await generate();
      const secrets = [subject.credentials.apiKey, subject.credentials.secretKey].filter((s): s is string => !!s);
      const cdn = server.log.filter((r) => r.cdn);
      for (const request of cdn) for (const secret of secrets) expect(JSON.stringify(request.headers)).not.toContain(secret);
      if (subject.resultStep !== 'result') expect(cdn).toHaveLength(1);
    });

    if (!synchronous) it('resumes polling after a crash instead of submitting again', async () => {
      server.pollsToFinish = 4;
      const crash = new Error('the tab was closed');
      await expect(generate(context({ onProgress: (m) => { if (polling(m)) throw crash; } }))).rejects.toBe(crash);
      expect((await journal.list())[0]!.providerTaskId).not.toBeNull();
      await generate();
      expect(server.accepted).toBe(1);
      expect(messages).toContain('resuming a task submitted earlier');
    });

    it('reuses a finished generation without asking the provider again', async () => {
      await generate();
      const before = server.log.length;
      await generate();
      expect(server.log.length).toBe(before);
    });

    if (keyless) {
      it('needs no key, and sends none', async () => {
        await generate(context({ credentials: null }));
        expect(server.log.every((r) => r.headers.authorization === undefined)).toBe(true);
      });
    } else {
      it('asks for a missing key, naming where to add it', async () => {
        expect(await failure(generate(context({ credentials: null })))).toMatch(new RegExp(`No ${subject.info.name} key: add one in Settings > Providers > ${subject.info.name}`));
        expect(server.log).toHaveLength(0);
      });
    }

    if (!keyless) it('says plainly when the key is rejected, and is not charged', async () => {
      expect(subject.wrongCredentials).toBeDefined();
      expect(await failure(generate(context({ credentials: subject.wrongCredentials ?? null })))).toMatch(new RegExp(`${subject.info.name} rejected the API key.*Check the key in Settings > Providers > ${subject.info.name}`));
      expect((await journal.list())[0]!.status).toBe('failed');
      expect(server.accepted).toBe(0);
    });

    it('names what a refused request got wrong', async () => {
      server.fail('submit', subject.invalid.fault);
      expect(await failure(generate())).toMatch(subject.invalid.says);
      expect(server.accepted).toBe(0);
    });

    it('waits out "too many requests" on submit, then is accepted once', async () => {
      server.fail('submit', subject.rateLimit ?? { type: 'status', status: 429, body: { error: 'Too many requests' }, headers: { 'Retry-After': '1' } });
      const started = Date.now();
      await generate();
      const asked = subject.rateLimit ? subject.rateLimitDelayMs : 1000;
      if (asked !== undefined) expect(Date.now() - started).toBeGreaterThanOrEqual(asked - 50);
      expect(server.accepted).toBe(1);
    });

    if (!synchronous) it('rides out server errors and garbled answers while polling', async () => {
      server.fail('poll', { type: 'status', status: 500 }, 2).fail('poll', { type: 'malformed' });
      await generate();
      expect(server.accepted).toBe(1);
    });

    it(`reports a request that hung as ${keyless ? 'not on the server (which charges nothing)' : 'possibly charged'}, and never re-sends it by itself`, async () => {
      server.fail('submit', { type: 'hang' });
      expect(await failure(generate())).toMatch(keyless ? /got no answer, and the server does not have it; running this node again sends it again \(your own server charges nothing\)/ : /may or may not have been accepted \(and charged\)/);
      expect((await journal.list())[0]!.status).toBe('unconfirmed');
      expect(server.accepted).toBe(0);
    });

    if (subject.has.lostAnswerFoundAtOnce) {
      it('looks a submit whose answer was lost up by its own id at once, and runs it once', async () => {
        server.fail('submit', { type: 'hang', accept: true });
        await generate();
        expect(server.accepted).toBe(1);
        expect((await journal.list())[0]!.status).toBe('succeeded');
      });
    } else if (subject.has.recover) {
      it('finds a task whose answer was lost by its own reference, and pays once', async () => {
        server.fail('submit', { type: 'hang', accept: true });
        await expect(generate()).rejects.toThrow(/may or may not have been accepted/);
        // The user runs it again: the lost task is found, not paid for twice.
        const journalled = await journal.list();
        await journal.put({ ...journalled[0]!, status: 'submitting', updatedAt: 0 });
        await generate();
        expect(server.accepted).toBe(1);
      });
    }

    if (!synchronous) it('gives up a task it has not been able to poll for long as unknown, and never sends it again by itself', async () => {
      server.fail('poll', { type: 'status', status: 503, body: { error: 'Service Unavailable' } }, 1000);
      // The first run stops after a few failed polls; the task stays recorded, and resumable.
      expect(await failure(generate())).toMatch(/it stays recorded, so running this node again resumes it/);
      expect((await journal.list())[0]).toMatchObject({ status: expect.stringMatching(/^(submitted|running)$/), unreachable: { failures: expect.any(Number) } });
      // The next one passes the limit (minutes, and many tries; short here): unknown, not resumed.
      expect(await failure(generate())).toMatch(/^unknown: check with the provider\. .*Check your .* dashboard, then abandon it or resubmit it in Generations/);
      expect((await journal.list())[0]!.status).toBe('unknown');
      const seen = server.log.length;
      expect(await failure(generate())).toMatch(/^unknown: check with the provider/);
      expect(server.log.length).toBe(seen);
      expect(server.accepted).toBe(1);
    });

    if (subject.has.lostTask) it('calls a task the provider no longer knows unknown at once, rather than paying for it again', async () => {
      const crash = new Error('the tab was closed');
      await expect(generate(context({ onProgress: (m) => { if (polling(m)) throw crash; } }))).rejects.toBe(crash);
      server.tasks.clear(); // the provider lost its history
      expect(await failure(generate())).toMatch(/^unknown: check with the provider\. .* no longer knows the task/);
      expect((await journal.list())[0]!.status).toBe('unknown');
      expect(server.accepted).toBe(1);
    });

    it('gives the provider reason when the task fails', async () => {
      server.nextOutcome = 'fail';
      expect(await failure(generate())).toMatch(new RegExp(`${subject.info.name} could not make the video`));
      expect((await journal.list())[0]!.status).toBe('failed');
    });

    if (subject.has.moderation) {
      it('says when the content rules refused it', async () => {
        server.nextOutcome = 'moderate';
        expect(await failure(generate())).toMatch(new RegExp(`${subject.info.name} refused it under its content rules`));
      });
    }

    if (subject.resultStep !== 'result') {
      it('explains an expired result link', async () => {
        server.fail('download', { type: 'status', status: 404, body: { error: 'gone' } });
        expect(await failure(generate())).toMatch(/download link no longer works \(HTTP 404\)/);
      });
    }

    if (!synchronous) it('reports slow progress as it goes', async () => {
      server.pollsToFinish = 8;
      await generate();
      expect(messages.filter(polling).length).toBeGreaterThanOrEqual(5);
    });

    if (subject.has.cancel) {
      it('asks the provider to stop when the user cancels', async () => {
        server.pollsToFinish = 50;
        const controller = new AbortController();
        const run = generate(context({ signal: controller.signal, onProgress: (m) => polling(m) && controller.abort(new DOMException('cancelled', 'AbortError')) }));
        await expect(run).rejects.toThrow('cancelled');
        expect([...server.tasks.values()][0]!.cancelled).toBe(true);
        expect((await journal.list())[0]!.status).toBe('cancelled');
      });
    }
  });
}
