/**
 * Threads for the CPU kernels (Lanczos bands, depth-move bands): workers made once per pool, each
 * answering its requests in order. The buffers a request carries move to the worker and back
 * (transferred, never copied). A worker that fails fails every pending and later request at once,
 * so nothing waits forever; `close()` ends the threads.
 */

/** A worker's answer to request `id`: its reply, or what it threw. */
export type PoolReply<Reply> = { id: number; reply: Reply } | { id: number; error: string };

/** Threads worth using here: one per core, when there is more than one and workers exist. */
export function poolSize(): number {
  if (typeof Worker === 'undefined' || typeof navigator === 'undefined') return 1;
  return Math.max(1, Math.min(8, navigator.hardwareConcurrency || 1));
}

/** Where `count` bands of `rows` rows split them, as even as can be: band b is rows [edges[b], edges[b + 1]). */
export function bandEdges(rows: number, count: number): number[] {
  return Array.from({ length: count + 1 }, (_, b) => Math.round((b * rows) / count));
}

export class WorkerPool<Request, Reply> {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, { resolve(reply: Reply): void; reject(error: Error): void }>();
  private nextId = 0;
  /** Set once a worker has failed or the pool was closed: later requests fail at once, never wait. */
  private failure: Error | undefined;

  /**
   * `size` workers made by `create` (which must hold the `new Worker(new URL(...))` expression: that
   * is the form the bundler recognises as a worker to build); `what` names them in errors ("a
   * Lanczos worker failed") and `script` names the file that may fail to load.
   */
  constructor(size: number, private readonly what: string, private readonly script: string, create: () => Worker) {
    this.workers = Array.from({ length: size }, () => {
      const worker = create();
      worker.onmessage = ({ data }: MessageEvent<PoolReply<Reply>>) => this.settle(data);
      worker.onerror = (event) => this.failAll(new Error(`a ${what} worker failed: ${this.explain(event)}`));
      worker.onmessageerror = () => this.failAll(new Error(`a ${what} worker failed: its reply could not be read`));
      return worker;
    });
  }

  get size(): number {
    return this.workers.length;
  }

  /** Sends `message` to worker `index` with `transfer` moved there (detached here until the reply). */
  request(index: number, message: Request, transfer: Transferable[] = []): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.workers[index]!.postMessage({ id, request: message }, transfer);
    });
  }

  /** Ends the threads; pending requests fail. */
  close(): void {
    for (const worker of this.workers) worker.terminate();
    this.failAll(new Error(`the ${this.what} pool was closed`));
  }

  private settle(answer: PoolReply<Reply>): void {
    const waiting = this.pending.get(answer.id);
    this.pending.delete(answer.id);
    if ('error' in answer) waiting?.reject(new Error(answer.error));
    else waiting?.resolve(answer.reply);
  }

  private failAll(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }

  /**
   * What went wrong, in words: an error thrown in the worker carries its message, but a worker
   * whose script never loaded (not served, refused by the page's policy) fires a bare Event.
   */
  private explain(event: Event): string {
    const message = (event as Partial<ErrorEvent>).message;
    return message ? message : `its script (${this.script}) did not load: not served, or refused by the page's Content-Security-Policy`;
  }
}

/** The worker's global scope, typed by hand: tsconfig's libs are the page's DOM ones. */
interface WorkerScope {
  onmessage: ((event: MessageEvent<{ id: number; request: unknown }>) => void) | null;
  postMessage(message: PoolReply<unknown>, transfer: Transferable[]): void;
}

/**
 * The worker's side of a pool: answers each request with `handle`'s reply and the buffers that
 * go back with it, or with the message of what it threw.
 */
export function serve<Request, Reply>(handle: (request: Request) => { reply: Reply; transfer: Transferable[] }): void {
  const scope = self as unknown as WorkerScope;
  scope.onmessage = ({ data: { id, request } }) => {
    let answer: { reply: Reply; transfer: Transferable[] } | { error: string };
    try {
      answer = handle(request as Request);
    } catch (error) {
      answer = { error: error instanceof Error ? error.message : String(error) };
    }
    if ('error' in answer) scope.postMessage({ id, error: answer.error }, []);
    else scope.postMessage({ id, reply: answer.reply }, answer.transfer);
  };
}
