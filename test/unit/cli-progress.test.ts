/** The CLI's progress: each photo's money against its estimate, and the batch's spent and left. */
import { describe, expect, it } from 'vitest';
import { ProgressView } from '../../src/cli/progress';

function stream(isTTY: boolean) {
  const written: string[] = [];
  return { written, out: { isTTY, columns: 200, write: (chunk: string) => written.push(chunk) } as unknown as NodeJS.WriteStream };
}

describe('progress', () => {
  it('says, as each photo finishes, what it cost, what the batch has spent, and about how much is left', () => {
    const { written, out } = stream(false);
    const view = new ProgressView(2, out, new Map([[0, 2.8], [1, 2.8]]));
    view.spend(0, 1.4);
    view.spend(0, 1.4);
    view.finish(0, 'done   a.png');
    view.spend(1, 1.4);
    view.finish(1, 'FAILED b.png: Compare takes (cmp): Weights: unknown score "sparkle"');
    view.close();
    expect(written).toEqual(['done   a.png ($2.80) · 1 of 2 photos · $2.80 spent, about $2.80 left\n', 'FAILED b.png: Compare takes (cmp): Weights: unknown score "sparkle" ($1.40) · 2 of 2 photos · $4.20 spent, about $1.40 left\n']);
  });

  it('draws a bar per photo in flight with its money, and one for the batch, in a terminal', () => {
    const { written, out } = stream(true);
    const view = new ProgressView(3, out, new Map([[0, 2.8]]));
    view.spend(0, 1.4);
    view.update(0, { name: 'a.png', fraction: 0.5, message: 'Generate video (hailuo): polling' });
    view.finish(1, 'done   b.png');
    view.close();
    expect(written.join('')).toContain('[############------------]  50% a.png $1.40 of $2.80: Generate video (hailuo): polling\n[########----------------]  33% 1 of 3 photos · $1.40 spent, about $1.40 left\n');
  });

  it('leaves money out for a workflow that pays nothing', () => {
    const { written, out } = stream(false);
    const view = new ProgressView(1, out);
    view.finish(0, 'done   a.png');
    expect(written).toEqual(['done   a.png · 1 of 1 photos\n']);
  });
});
