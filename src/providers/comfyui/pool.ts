/**
 * Several ComfyUI servers as one: each generation goes to the server with the shortest queue
 * among those that have the workflow's models (read from `/queue` and `/object_info`), with at
 * most `perServer` of ours on each at once. A server that does not answer is left out for a
 * while and new work goes to the others. A prompt already sent resumes on the server it went to
 * (the journal says which); one that server lost before anything came of it (a restart) is sent
 * again, to whichever server is best then: ComfyUI charges nothing, and the lost one can no
 * longer finish, so each photo is still made once. Plain TypeScript, for the editor's worker
 * and the command line alike.
 */
import { NodeError, type JournalEntry } from '../../engine';
import type { Connection } from '../connection';
import { ProviderError } from '../errors';
import type { ProviderHttp } from '../http';
import { runGeneration, TaskGone, type GenerationContext, type GenerationJob } from '../generation';
import { sleep } from '../polling';
import { installedModels, missingModels, queueLength, serverHttp, type ModelFolder } from './server-info';

export interface PoolServer {
  url: string;
  connection: Connection;
}

export interface PoolOptions {
  /** Generations of ours on one server at once: one running, one waiting there, by default. */
  perServer: number;
  /** How long a server that did not answer is left out before it is asked again. */
  downForMs: number;
  /** How long what a server has installed is trusted. */
  modelsForMs: number;
  /** One look at a server's queue or models. */
  probeTimeoutMs: number;
}

const DEFAULTS: PoolOptions = { perServer: 2, downForMs: 30_000, modelsForMs: 60_000, probeTimeoutMs: 10_000 };

type Model = { folder: ModelFolder; name: string };

export class ComfyuiPool {
  readonly options: PoolOptions;
  readonly #inFlight = new Map<string, number>();
  readonly #downUntil = new Map<string, number>();
  readonly #models = new Map<string, { at: number; installed: Record<ModelFolder, string[]> }>();
  #freed: (() => void)[] = [];

  constructor(
    readonly servers: readonly PoolServer[],
    options: Partial<PoolOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /**
   * A place on the best server for a workflow needing `models`, held until `release`. Waits
   * while every server that could take it is full or down; refuses at once when none has the models.
   */
  async acquire(models: readonly Model[], signal: AbortSignal): Promise<{ server: PoolServer; release: () => void }> {
    for (;;) {
      const looks = await Promise.all(this.servers.map((s) => this.#look(s, models, signal)));
      const lacking = looks.flatMap((l) => (l.state === 'lacks' ? [`${l.server.url} lacks ${l.missing.join(', ')}`] : []));
      if (lacking.length === looks.length) throw new NodeError(`no ComfyUI server of the pool has the workflow's models: ${lacking.join('; ')}`);
      const open = looks.filter((l): l is Extract<typeof l, { state: 'open' }> => l.state === 'open' && (this.#inFlight.get(l.server.url) ?? 0) < this.options.perServer);
      const best = open.sort((a, b) => a.queue - b.queue || (this.#inFlight.get(a.server.url) ?? 0) - (this.#inFlight.get(b.server.url) ?? 0))[0];
      if (best) return { server: best.server, release: this.#hold(best.server.url) };
      // All full or down: wait for a place to free, or for a down server's time out to pass.
      await Promise.race([new Promise<void>((resolve) => this.#freed.push(resolve)), sleep(Math.min(this.options.downForMs, 1000), signal)]);
      signal.throwIfAborted();
    }
  }

  /** A server is not answering: new work goes elsewhere for a while. */
  markDown(url: string): void {
    this.#downUntil.set(url, Date.now() + this.options.downForMs);
  }

  /**
   * A place on the server a prompt already went to, to resume it there: taken whatever the
   * server's state, since the prompt is on its queue already (or the server is down, and the
   * run says so).
   */
  resume(url: string): { server: PoolServer; release: () => void } {
    const server = this.servers.find((s) => s.url === url);
    if (!server) throw new NodeError(`this generation was sent to the ComfyUI server ${url}, which is no longer one of the node's servers: add it back to resume it there`);
    return { server, release: this.#hold(url) };
  }

  #hold(url: string): () => void {
    this.#inFlight.set(url, (this.#inFlight.get(url) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#inFlight.set(url, this.#inFlight.get(url)! - 1);
      const waiting = this.#freed;
      this.#freed = [];
      for (const wake of waiting) wake();
    };
  }

  async #installed(url: string, http: ProviderHttp, signal: AbortSignal): Promise<Record<ModelFolder, string[]>> {
    const cached = this.#models.get(url);
    if (cached && Date.now() - cached.at < this.options.modelsForMs) return cached.installed;
    const installed = await installedModels(http, signal);
    this.#models.set(url, { at: Date.now(), installed });
    return installed;
  }

  async #look(server: PoolServer, models: readonly Model[], signal: AbortSignal): Promise<{ server: PoolServer; state: 'open'; queue: number } | { server: PoolServer; state: 'down' } | { server: PoolServer; state: 'lacks'; missing: string[] }> {
    if ((this.#downUntil.get(server.url) ?? 0) > Date.now()) return { server, state: 'down' };
    const http = serverHttp(server.connection, this.options.probeTimeoutMs);
    try {
      const installed = await this.#installed(server.url, http, signal);
      const missing = missingModels([...models], installed);
      if (missing.length > 0) return { server, state: 'lacks', missing };
      return { server, state: 'open', queue: await queueLength(http, signal) };
    } catch (error) {
      if (signal.aborted || !(error instanceof ProviderError)) throw error;
      this.markDown(server.url);
      return { server, state: 'down' };
    }
  }
}

/** The job, less where it goes: the pool decides that. */
export type PooledJob = Omit<GenerationJob, keyof Connection>;

/**
 * One generation on the pool: resumed on the server an earlier run sent it to, else sent to the
 * best server now; sent again (once per server of the pool at most) when a server lost it, or
 * could not be reached to take it.
 */
export async function runOnPool(ctx: GenerationContext, job: PooledJob, pool: ComfyuiPool, models: readonly Model[]): Promise<Blob> {
  for (let attempt = 1; ; attempt++) {
    const earlier = sentTo(await ctx.journal.forKey(ctx.key));
    const { server, release } = earlier ? pool.resume(earlier) : await pool.acquire(models, ctx.signal);
    try {
      return await runGeneration(ctx, { ...job, ...server.connection });
    } catch (error) {
      const unreachable = !ctx.signal.aborted && error instanceof NodeError && isUnreachable(error);
      if (unreachable) pool.markDown(server.url);
      // Sent again only when the first can never finish: lost by its server, or never sent at all.
      const again = error instanceof TaskGone || (unreachable && neverSent(await ctx.journal.forKey(ctx.key)));
      if (again && attempt <= pool.servers.length) continue;
      throw error;
    } finally {
      release();
    }
  }
}

/** The latest attempt failed before its server took it (no prompt id came back, and none may have: an answer lost is "unconfirmed"). */
function neverSent([latest]: JournalEntry[]): boolean {
  return latest?.status === 'failed' && latest.providerTaskId === null;
}

/** The server a prompt still waiting or running went to, from the latest journal entry. */
function sentTo(entries: JournalEntry[]): string | undefined {
  const [latest] = entries;
  if (!latest || (latest.status !== 'submitted' && latest.status !== 'running')) return undefined;
  const server = (latest.data as { server?: unknown } | undefined)?.server;
  return typeof server === 'string' ? server : undefined;
}

/** A run that ended because the server stopped answering, as runGeneration words it. */
function isUnreachable(error: NodeError): boolean {
  return /could not be reached|did not answer|it stays recorded/.test(error.message);
}

/** One pool per set of servers, shared by every node and photo that names that set, so their limits hold together. */
const pools = new Map<string, ComfyuiPool>();

export function poolFor(servers: readonly PoolServer[]): ComfyuiPool {
  const key = JSON.stringify(servers.map((s) => [s.url, s.connection.relay?.base ?? '']));
  let pool = pools.get(key);
  if (!pool) pools.set(key, (pool = new ComfyuiPool(servers)));
  return pool;
}
