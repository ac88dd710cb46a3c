/**
 * Requests of which only the latest matters (a preview while a slider moves): handled one at a
 * time; at most one waits, a newer one replacing it and aborting the one in flight, whose result
 * the handler then drops. `gap` may ask for a pause after each one while others wait, so a drag
 * during a run costs a frame now and then rather than a core.
 */
export class LatestOnly<T> {
  #waiting: T | undefined;
  #busy = false;
  #controller = new AbortController();

  constructor(
    private readonly handle: (item: T, signal: AbortSignal) => Promise<void>,
    private readonly gap: () => number = () => 0,
  ) {}

  get busy(): boolean {
    return this.#busy;
  }

  push(item: T): void {
    this.#waiting = item;
    this.#controller.abort();
    if (!this.#busy) void this.#pump();
  }

  /** Drops what waits and aborts what runs. */
  close(): void {
    this.#waiting = undefined;
    this.#controller.abort();
  }

  async #pump(): Promise<void> {
    this.#busy = true;
    try {
      while (this.#waiting !== undefined) {
        const item = this.#waiting;
        this.#waiting = undefined;
        this.#controller = new AbortController();
        await this.handle(item, this.#controller.signal);
        const gap = this.gap();
        if (gap > 0 && this.#waiting !== undefined) await new Promise((resolve) => setTimeout(resolve, gap));
      }
    } finally {
      this.#busy = false;
    }
  }
}
