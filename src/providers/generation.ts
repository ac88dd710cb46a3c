/**
 * One paid generation, from request to a video in the asset store, written so that money is
 * never lost or spent twice:
 * - the journal entry is written before the request leaves, and the provider's task id the
 *   moment it is known, so a reload or crash resumes polling instead of submitting again;
 * - a request whose answer never arrived is recovered by our own reference where the provider
 *   allows, and otherwise reported, never silently re-sent;
 * - the video is in the asset store before the entry says done, so a result is never lost
 *   between download and cache;
 * - cancelling asks the provider to stop where it can.
 */
import { NodeError, type JournalEntry, type JsonValue, type NodeServices, type ProgressReporter } from '../engine';
import type { Connection } from './connection';
import { ProviderError, type ProviderErrorKind } from './errors';
import { ProviderHttp } from './http';
import { pollUntilDone, sleep } from './polling';
import type { GenerationRequest, ProviderCall, ProviderInfo, ResultLocation, SubmittedTask, TaskState } from './protocol';
import { serverTokenId, type ProviderTiming } from './settings';

/** `origin` and the rest of the connection: the provider's own API, a user's proxy, or the relay (connection.ts). */
export interface GenerationJob extends Connection {
  provider: ProviderInfo;
  /** Catalog model id, for the journal. */
  model: string;
  request: Omit<GenerationRequest, 'clientRef'>;
  costUsd?: number;
  timing: ProviderTiming;
}

export interface GenerationContext extends Pick<NodeServices, 'journal' | 'assets' | 'secrets'> {
  key: string;
  nodeId: string;
  signal: AbortSignal;
  progress: ProgressReporter;
}

/** A task its provider lost before anything came of it: running the work again makes it once. */
export class TaskGone extends NodeError {}

/** Submits to a provider at most this often after a 429 before giving up. */
const SUBMIT_ATTEMPTS = 3;

export async function runGeneration(context: GenerationContext, job: GenerationJob): Promise<Blob> {
  const ctx = { ...context, progress: monotone(context.progress) };
  const { provider } = job;
  // A keyless provider's server may sit behind a proxy that wants a token, kept per server.
  const credentials = provider.keyless ? ((await ctx.secrets.credentials(serverTokenId(provider.id, job.origin))) ?? { apiKey: '' }) : await ctx.secrets.credentials(provider.id);
  if (!credentials || (!credentials.apiKey && !provider.keyless)) throw new NodeError(`No ${provider.name} key: add one in Settings > Providers > ${provider.name} (get it at ${provider.keysUrl})`);
  const { origin, keyedOrigins, relay, browserCalls } = job;
  const http = new ProviderHttp({
    name: provider.name,
    origin,
    ...(keyedOrigins ? { keyedOrigins } : {}),
    ...(relay ? { relay } : {}),
    ...(browserCalls === undefined ? {} : { browserCalls }),
    authorize: async () => provider.authorize(credentials),
    timeoutMs: requestTimeoutMs(job),
  });
  const call: ProviderCall = { http, signal: ctx.signal };

  const earlier = await settledEarlier(ctx, job, call);
  if (earlier instanceof Blob) return earlier;
  let entry: JournalEntry;
  let task: SubmittedTask;
  if (earlier) ({ entry, task } = earlier);
  else {
    const submitted = await submit(ctx, job, call);
    if (submitted.result) return submitted.result;
    ({ entry, task } = submitted as { entry: JournalEntry; task: SubmittedTask });
  }

  const final = await pollUntilDone(() => provider.adapter.poll(task, call), {
    timing: job.timing,
    signal: ctx.signal,
    onState: (state) => {
      report(ctx.progress, state);
      // Answered: a streak of failed polls is over, and a task that started says so.
      const { unreachable: _streak, ...answered } = entry;
      if (entry.unreachable || (state.state === 'running' && entry.status === 'submitted')) {
        void record(ctx, (entry = { ...answered, status: state.state === 'running' ? 'running' : entry.status }));
      }
    },
    onFailure: async (error) => void (entry = await pollFailed(ctx, job, entry, error)),
  }).catch(async (error: unknown) => {
    if (ctx.signal.aborted) await cancelAtProvider(ctx, job, http, entry, task);
    throw stillRecorded(error);
  });
  if (final.state === 'failed') {
    const why = final.moderated ? `${provider.name} refused it under its content rules: ${final.reason}` : `${provider.name} could not make the video: ${final.reason}`;
    await record(ctx, { ...entry, status: 'failed', error: why, ...(final.moderated ? { moderated: true } : {}), ...(final.billed === undefined ? {} : { billed: final.billed }) });
    throw final.gone ? new TaskGone(why) : new NodeError(why);
  }
  if (final.state === 'cancelled') {
    await record(ctx, { ...entry, status: 'cancelled' });
    throw new NodeError(`${provider.name} cancelled the task`);
  }
  ctx.progress(0.92, 'downloading');
  const blob = await fetchResult(final.result, http, job, ctx).catch(async (error: unknown) => {
    // A link that no longer works is a result lost (and paid for); anything else may pass, and
    // the entry stays as it is so a rerun fetches the finished task again.
    if (!ctx.signal.aborted && error instanceof ProviderError && !error.transient) await record(ctx, { ...entry, status: 'failed', error: error.message });
    throw asNodeError(error);
  });
  return keep(ctx, entry, blob);
}

function fetchResult(result: ResultLocation, http: ProviderHttp, job: GenerationJob, ctx: GenerationContext): Promise<Blob> {
  return 'blob' in result ? Promise.resolve(result.blob) : http.download(result.url, { signal: ctx.signal, timeoutMs: job.timing.deadlineMs });
}

/**
 * A failed poll, counted in the journal across runs. A task the provider no longer knows, or
 * has not answered about for `unknownAfterMs` and many tries, becomes unknown: it is not resumed
 * again, and the user decides in Generations. Failures that say nothing about the task (a key to
 * fix, this machine's connection) do not count.
 */
async function pollFailed(ctx: GenerationContext, job: GenerationJob, entry: JournalEntry, error: unknown): Promise<JournalEntry> {
  if (!(error instanceof ProviderError) || UNCOUNTED.has(error.kind)) return entry;
  const now = Date.now();
  const unreachable = { since: entry.unreachable?.since ?? now, failures: (entry.unreachable?.failures ?? 0) + 1, last: error.message };
  const lost = error.kind === 'not-found';
  if (lost || (unreachable.failures >= UNKNOWN_AFTER_FAILURES && now - unreachable.since >= job.timing.unknownAfterMs)) {
    const reason = lost
      ? `${job.provider.name} no longer knows the task (${error.message})`
      : `${job.provider.name} has not answered about the task for ${Math.round((now - unreachable.since) / 60_000)} min (${unreachable.failures} tries; the last: ${error.message})`;
    await record(ctx, { ...entry, status: 'unknown', unreachable, error: reason });
    throw new NodeError(unknownMessage(job.provider.name, entry, reason));
  }
  const next = { ...entry, unreachable };
  await record(ctx, next);
  return next;
}

/** Kinds of failed poll that say nothing about the task: the user's key, this machine's connection. */
const UNCOUNTED: ReadonlySet<ProviderErrorKind> = new Set(['auth', 'missing-key', 'network']);

/** Polls in a row that must fail, besides the time, before a task is given up as unknown. */
const UNKNOWN_AFTER_FAILURES = 10;

/** A poll that ended in error leaves the task as it was: said so, since the user may think the money lost. */
function stillRecorded(error: unknown): unknown {
  if (!(error instanceof ProviderError)) return error;
  return new NodeError(`${error.message}, while waiting for the task; it stays recorded, so running this node again resumes it rather than paying again`);
}

/**
 * What an earlier run of the same work left: a finished video, a task to go on polling, or
 * nothing to go on. A request whose answer never arrived is recovered or reported, not re-sent.
 */
async function settledEarlier(ctx: GenerationContext, job: GenerationJob, call: ProviderCall): Promise<Blob | { entry: JournalEntry; task: SubmittedTask } | undefined> {
  for (;;) {
    const [latest] = await ctx.journal.forKey(ctx.key);
    if (!latest) return undefined;
    if (latest.status === 'succeeded' && latest.assetHash) {
      const blob = await ctx.assets.get(latest.assetHash);
      if (blob) return blob;
      return undefined; // the file was removed: a new generation is what the user asked for
    }
    if (latest.status === 'unknown') throw new NodeError(unknownMessage(job.provider.name, latest, latest.error ?? 'its state is unknown'));
    if ((latest.status === 'submitted' || latest.status === 'running') && latest.providerTaskId !== null) {
      ctx.progress(0.05, 'resuming a task submitted earlier');
      return { entry: latest, task: { id: latest.providerTaskId, ...(latest.data === undefined ? {} : { data: latest.data }) } };
    }
    if (latest.status !== 'submitting') return undefined; // failed, cancelled, unconfirmed or abandoned: running again means a new request
    // Another tab may be sending it right now: give it the time a request may take.
    const age = Date.now() - latest.updatedAt;
    if (age < requestTimeoutMs(job) + 2000) {
      ctx.progress(0.02, 'waiting for a request sent from another tab');
      await sleep(Math.min(1000, requestTimeoutMs(job) + 2000 - age), ctx.signal);
      continue;
    }
    const found = await job.provider.adapter.recover?.(latest.id, call).catch(() => undefined);
    if (found) {
      const entry: JournalEntry = { ...latest, status: 'submitted', providerTaskId: found.id, ...(found.data === undefined ? {} : { data: found.data }), updatedAt: Date.now() };
      await record(ctx, entry);
      return { entry, task: found };
    }
    await record(ctx, { ...latest, status: 'unconfirmed', error: 'the answer to the request never arrived' });
    throw new NodeError(unconfirmedMessage(job.provider, latest));
  }
}

async function submit(ctx: GenerationContext, job: GenerationJob, call: ProviderCall): Promise<{ result?: Blob; entry: JournalEntry; task?: SubmittedTask }> {
  const now = Date.now();
  let entry: JournalEntry = {
    id: crypto.randomUUID(),
    nodeKey: ctx.key,
    nodeId: ctx.nodeId,
    provider: job.provider.id,
    model: job.model,
    providerTaskId: null,
    status: 'submitting',
    submittedAt: now,
    updatedAt: now,
    request: describeRequest(job.request),
    ...(job.costUsd === undefined ? {} : { costUsd: job.costUsd }),
  };
  await record(ctx, entry);
  ctx.progress(0.01, `sending to ${job.provider.name}`);
  const answer = await sendOnce(ctx, job, call, entry);
  // Accepted: from here on nothing of ours may mark it failed, or a rerun would pay again.
  if ('done' in answer) return { result: await keep(ctx, entry, answer.done), entry };
  entry = { ...entry, status: 'submitted', providerTaskId: answer.id, ...(answer.data === undefined ? {} : { data: answer.data }) };
  await record(ctx, entry);
  return { entry, task: answer };
}

/** The submit itself, retried only when the provider said it is busy (then nothing was accepted). */
async function sendOnce(ctx: GenerationContext, job: GenerationJob, call: ProviderCall, entry: JournalEntry): Promise<SubmittedTask | { done: Blob }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await job.provider.adapter.submit({ ...job.request, clientRef: entry.id }, call);
    } catch (error) {
      if (ctx.signal.aborted) {
        // Cancelled while the request was out: whether it arrived is unknown, so say so.
        await record(ctx, { ...entry, status: 'unconfirmed', error: 'cancelled while the request was being sent' });
        throw error;
      }
      if (error instanceof ProviderError && error.kind === 'rate-limit' && attempt < SUBMIT_ATTEMPTS) {
        ctx.progress(0.01, `${job.provider.name} is busy; trying again`);
        await sleep(error.details.retryAfterMs ?? job.timing.pollMs * 2 ** attempt, ctx.signal);
        continue;
      }
      // No answer, or one we cannot read: the provider may have accepted (and billed) it.
      if (error instanceof ProviderError && (error.kind === 'timeout' || error.kind === 'malformed')) {
        await record(ctx, { ...entry, status: 'unconfirmed', error: error.message });
        throw new NodeError(`${error.message}. ${unconfirmedMessage(job.provider, entry)}`);
      }
      await record(ctx, { ...entry, status: 'failed', error: error instanceof Error ? error.message : String(error) });
      throw asNodeError(error);
    }
  }
}

/** How long one request may take: a synchronous provider's submit is the whole generation. */
function requestTimeoutMs(job: GenerationJob): number {
  return job.provider.synchronous ? job.timing.deadlineMs : job.timing.requestTimeoutMs;
}

/** The video goes into the asset store before the journal says done: it cannot be lost between. */
async function keep(ctx: GenerationContext, entry: JournalEntry, blob: Blob): Promise<Blob> {
  const kind = videoContainer(new Uint8Array(await blob.slice(0, 16).arrayBuffer()));
  if (!kind) {
    await record(ctx, { ...entry, status: 'failed', error: 'the result is not a video file' });
    throw new NodeError(`the provider's result is not a video file (${blob.size} bytes of ${blob.type || 'unknown type'})`);
  }
  const typed = blob.type.startsWith('video/') ? blob : new Blob([blob], { type: kind });
  const ref = await ctx.assets.put(typed, `${entry.provider}-${entry.model}-${entry.id}.${kind === 'video/webm' ? 'webm' : 'mp4'}`);
  await record(ctx, { ...entry, status: 'succeeded', assetHash: ref.hash });
  ctx.progress(1, 'done');
  return typed;
}

/** MP4/MOV (an ftyp box) or WebM/Matroska (EBML), by their first bytes. */
function videoContainer(head: Uint8Array): 'video/mp4' | 'video/webm' | undefined {
  if (head.length >= 8 && String.fromCharCode(...head.subarray(4, 8)) === 'ftyp') return 'video/mp4';
  if (head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return 'video/webm';
  return undefined;
}

async function cancelAtProvider(ctx: GenerationContext, job: GenerationJob, http: ProviderHttp, entry: JournalEntry, task: SubmittedTask): Promise<void> {
  // Until the provider confirms (ComfyUI stops between nodes), the node says it is stopping.
  ctx.progress(0, 'stopping');
  // The run's signal is aborted; the cancel request gets its own short one.
  await job.provider.adapter.cancel?.(task, { http, signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
  await record(ctx, { ...entry, status: 'cancelled' });
}

/** Progress that never falls back: a later phase reporting less keeps the bar where it was. */
function monotone(progress: ProgressReporter): ProgressReporter {
  let high = 0;
  return (fraction, message) => {
    high = Math.max(high, fraction);
    progress(high, message);
  };
}

function report(progress: ProgressReporter, state: TaskState): void {
  if (state.state === 'queued') progress(0.05, state.position === undefined ? 'queued' : `queued (${state.position} ahead)`);
  else if (state.state === 'running') progress(0.1 + 0.8 * (state.fraction ?? 0), state.message ?? 'generating');
}

function record(ctx: GenerationContext, entry: JournalEntry): Promise<void> {
  return ctx.journal.put({ ...entry, updatedAt: Date.now() });
}

function unknownMessage(provider: string, entry: JournalEntry, reason: string): string {
  return `unknown: check with the provider. ${reason}, so whether the task sent at ${new Date(entry.submittedAt).toISOString()} finished, and was charged, is unknown. Check your ${provider} dashboard, then abandon it or resubmit it in Generations; nothing is sent again until you do`;
}

function unconfirmedMessage(provider: ProviderInfo, entry: JournalEntry): string {
  const sent = `The request sent to ${provider.name} at ${new Date(entry.submittedAt).toISOString()} got no answer`;
  // The user's own server (ComfyUI) was asked by our own id before this is said, and charges nothing.
  if (provider.keyless) return `${sent}, and the server does not have it; running this node again sends it again (your own server charges nothing).`;
  return `${sent}, so it may or may not have been accepted (and charged). Check your ${provider.name} dashboard; running this node again sends a new request.`;
}

/** The request as the journal keeps it: what was asked, never image bytes. */
function describeRequest(request: GenerationJob['request']): JsonValue {
  const { image, endImage, fields: _fields, ...rest } = request;
  return JSON.parse(JSON.stringify({ ...rest, image: `${image.width}x${image.height} ${image.mime}`, ...(endImage ? { endImage: `${endImage.width}x${endImage.height} ${endImage.mime}` } : {}) })) as JsonValue;
}

function asNodeError(error: unknown): unknown {
  return error instanceof ProviderError ? new NodeError(error.message) : error;
}
