/**
 * Progress in the terminal: a bar per photo in flight and one for the batch, with the money this
 * run has spent and about how much is left; plain lines when not a terminal, each finished photo
 * with the same totals.
 */
export interface ItemProgress {
  name: string;
  fraction: number;
  message: string;
}

const BAR = 24;

/** Dollars as the plan and the progress print them. */
export function usd(amount: number): string {
  return `$${amount.toFixed(2)}`;
}

function bar(fraction: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * BAR);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}%`;
}

export class ProgressView {
  readonly #active = new Map<number, ItemProgress>();
  /** Money spent per photo in this run. */
  readonly #spent = new Map<number, number>();
  #drawn = 0;
  #done = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    readonly total: number,
    readonly out: NodeJS.WriteStream = process.stdout,
    /** What each photo was estimated to pay when the run started, by photo. */
    readonly estimates: ReadonlyMap<number, number> = new Map(),
  ) {
    if (out.isTTY) this.#timer = setInterval(() => this.#draw(), 200);
  }

  update(index: number, progress: ItemProgress): void {
    this.#active.set(index, progress);
  }

  /** A paid take arrived for photo `index`. */
  spend(index: number, amount: number): void {
    this.#spent.set(index, (this.#spent.get(index) ?? 0) + amount);
  }

  /** An item finished: said on its own line, above the bars, with the batch's totals. */
  finish(index: number, line: string): void {
    this.#active.delete(index);
    this.#done++;
    this.#clear();
    const spent = this.#spent.get(index);
    this.out.write(`${line}${spent ? ` (${usd(spent)})` : ''} · ${this.#overall()}\n`);
    this.#draw();
  }

  close(): void {
    clearInterval(this.#timer);
    this.#clear();
  }

  /** A photo's spending so far against its estimate: ` $1.40 of $2.80`, or nothing for a photo that pays nothing. */
  #money(index: number): string {
    const spent = this.#spent.get(index) ?? 0;
    const estimate = this.estimates.get(index) ?? 0;
    return estimate > 0 || spent > 0 ? ` ${usd(spent)} of ${usd(Math.max(estimate, spent))}` : '';
  }

  #overall(): string {
    const spent = [...this.#spent.values()].reduce((a, b) => a + b, 0);
    const estimate = [...this.estimates.values()].reduce((a, b) => a + b, 0);
    const money = estimate > 0 || spent > 0 ? ` · ${usd(spent)} spent, about ${usd(Math.max(0, estimate - spent))} left` : '';
    return `${this.#done} of ${this.total} photos${money}`;
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
    const lines = [...this.#active].map(([index, p]) => `${bar(p.fraction)} ${p.name}${this.#money(index)}: ${p.message}`.slice(0, width - 1));
    lines.push(`${bar(this.total === 0 ? 1 : this.#done / this.total)} ${this.#overall()}`.slice(0, width - 1));
    this.out.write(`${lines.join('\n')}\n`);
    this.#drawn = lines.length;
  }
}
