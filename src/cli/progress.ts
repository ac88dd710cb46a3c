/** Progress in the terminal: a bar per photo in flight and one for the batch; plain lines when not a terminal. */
export interface ItemProgress {
  name: string;
  fraction: number;
  message: string;
}

const BAR = 24;

function bar(fraction: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * BAR);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}%`;
}

export class ProgressView {
  readonly #active = new Map<number, ItemProgress>();
  #drawn = 0;
  #done = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    readonly total: number,
    readonly out: NodeJS.WriteStream = process.stdout,
  ) {
    if (out.isTTY) this.#timer = setInterval(() => this.#draw(), 200);
  }

  update(index: number, progress: ItemProgress): void {
    this.#active.set(index, progress);
  }

  /** An item finished: said on its own line, above the bars. */
  finish(index: number, line: string): void {
    this.#active.delete(index);
    this.#done++;
    this.#clear();
    this.out.write(`${line}\n`);
    this.#draw();
  }

  close(): void {
    clearInterval(this.#timer);
    this.#clear();
  }

  #clear(): void {
    if (!this.out.isTTY || this.#drawn === 0) return;
    this.out.write(`\x1b[${this.#drawn}F\x1b[J`);
    this.#drawn = 0;
  }

  #draw(): void {
    if (!this.out.isTTY) return;
    this.#clear();
    const width = this.out.columns ?? 100;
    const lines = [...this.#active.values()].map((p) => `${bar(p.fraction)} ${p.name}: ${p.message}`.slice(0, width - 1));
    lines.push(`${bar(this.total === 0 ? 1 : this.#done / this.total)} ${this.#done} of ${this.total} photos`);
    this.out.write(`${lines.join('\n')}\n`);
    this.#drawn = lines.length;
  }
}
