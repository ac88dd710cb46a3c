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
  grant: (release: () => void) => void;
}

export class Limiter {
  readonly #limits: ConcurrencyLimits;
  #running = 0;
  readonly #byResource = new Map<string, number>();
  readonly #waiters: Waiter[] = [];

  constructor(limits: ConcurrencyLimits = DEFAULT_LIMITS) {
    if (!(limits.global >= 1)) throw new RangeError('the global concurrency limit must be at least 1');
    this.#limits = limits;
  }

  /** Resolves with a release function once a slot is free; rejects if `signal` aborts first. */
  acquire(resource: string | undefined, signal?: AbortSignal): Promise<() => void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const waiter: Waiter = { resource, grant: resolve };
      const onAbort = () => {
        const at = this.#waiters.indexOf(waiter);
        if (at >= 0) this.#waiters.splice(at, 1);
        reject(signal!.reason);
      };
      waiter.grant = (release) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(release);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
      this.#pump();
    });
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
      const { resource } = waiter;
      if (resource !== undefined && (this.#byResource.get(resource) ?? 0) >= this.#capacity(resource)) {
        i++;
        continue;
      }
      this.#waiters.splice(i, 1);
      this.#running++;
      if (resource !== undefined) this.#byResource.set(resource, (this.#byResource.get(resource) ?? 0) + 1);
      waiter.grant(this.#releaser(resource));
    }
  }

  #releaser(resource: string | undefined): () => void {
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
