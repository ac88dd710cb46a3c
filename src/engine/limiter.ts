/**
 * Concurrency limits: a global cap on running nodes plus a cap per resource key (one provider,
 * one ComfyUI server, the GPU). Waiters are served first come first served, except that a waiter
 * whose resource is full never blocks one behind it whose resource has room.
 */

export interface ConcurrencyLimits {
  /** Nodes running at once, across all resources. */
  global: number;
  /** Caps per resource key, e.g. `{ 'provider:fal': 2, gpu: 1 }`. */
  resources?: Readonly<Record<string, number>>;
  /** Cap for resource keys not listed in `resources`. */
  defaultPerResource?: number;
}

export const DEFAULT_LIMITS: ConcurrencyLimits = { global: 4, defaultPerResource: 2, resources: { gpu: 1 } };

interface Waiter {
  resource: string | undefined;
  signal: AbortSignal | undefined;
  grant: (release: () => void) => void;
  reject: (reason: unknown) => void;
}

export class Limiter {
  readonly #limits: ConcurrencyLimits;
  #running = 0;
  readonly #byResource = new Map<string, number>();
  readonly #waiters: Waiter[] = [];
  /** One abort listener per signal, however many nodes of that run are waiting. */
  readonly #bySignal = new Map<AbortSignal, { waiters: Set<Waiter>; onAbort: () => void }>();

  constructor(limits: ConcurrencyLimits = DEFAULT_LIMITS) {
    if (!(limits.global >= 1)) throw new RangeError('the global concurrency limit must be at least 1');
    this.#limits = limits;
  }

  /** Resolves with a release function once a slot is free; rejects if `signal` aborts first. */
  acquire(resource: string | undefined, signal?: AbortSignal): Promise<() => void> {
    return new Promise((grant, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      if (this.#waiters.length === 0 && this.#hasRoom(resource)) return grant(this.#take(resource));
      const waiter: Waiter = { resource, signal, grant, reject };
      this.#waiters.push(waiter);
      if (signal) this.#watch(signal).add(waiter);
      this.#pump();
    });
  }

  #watch(signal: AbortSignal): Set<Waiter> {
    let entry = this.#bySignal.get(signal);
    if (!entry) {
      const waiters = new Set<Waiter>();
      const onAbort = () => {
        this.#bySignal.delete(signal);
        for (const waiter of waiters) {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          waiter.reject(signal.reason);
        }
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#bySignal.set(signal, (entry = { waiters, onAbort }));
    }
    return entry.waiters;
  }

  #unwatch(waiter: Waiter): void {
    if (!waiter.signal) return;
    const entry = this.#bySignal.get(waiter.signal);
    if (!entry) return;
    entry.waiters.delete(waiter);
    if (entry.waiters.size === 0) {
      waiter.signal.removeEventListener('abort', entry.onAbort);
      this.#bySignal.delete(waiter.signal);
    }
  }

  get running(): number {
    return this.#running;
  }

  #capacity(resource: string): number {
    return this.#limits.resources?.[resource] ?? this.#limits.defaultPerResource ?? Infinity;
  }

  #pump(): void {
    for (let i = 0; i < this.#waiters.length && this.#running < this.#limits.global; ) {
      const waiter = this.#waiters[i]!;
      if (!this.#hasRoom(waiter.resource)) {
        i++;
        continue;
      }
      this.#waiters.splice(i, 1);
      this.#unwatch(waiter);
      waiter.grant(this.#take(waiter.resource));
    }
  }

  #hasRoom(resource: string | undefined): boolean {
    if (this.#running >= this.#limits.global) return false;
    return resource === undefined || (this.#byResource.get(resource) ?? 0) < this.#capacity(resource);
  }

  /** Occupies a slot and returns the function that frees it (idempotent). */
  #take(resource: string | undefined): () => void {
    this.#running++;
    if (resource !== undefined) this.#byResource.set(resource, (this.#byResource.get(resource) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#running--;
      if (resource !== undefined) this.#byResource.set(resource, this.#byResource.get(resource)! - 1);
      this.#pump();
    };
  }
}
