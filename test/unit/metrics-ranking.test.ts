/**
 * The take scores on synthetic takes whose faults are known, made by native ffmpeg from one
 * still: clean camera moves (push-in, pull-out from 1.4x, pan), and the still with flicker, with
 * drift (a slow turn away from the source), blurred, and upscaled from half size. Each fault
 * shows in its own score, and the clean push-in ranks first.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { i420, i420Size, luma, rankTakes, TakeAnalyser, type TakeScores } from '../../src/metrics';

const W = 320;
const H = 180;
const FRAMES = 30;
const dir = mkdtempSync(join(tmpdir(), 'ranking-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);
}

// A detailed still, twice the clip's size so the push-in stays sharp.
const still = join(dir, 'still.png');
ffmpeg(['-f', 'lavfi', '-i', `mandelbrot=size=${2 * W}x${2 * H}:end_pts=1`, '-frames:v', '1', still]);

/** `FRAMES` frames of the still through `filter`, as raw yuv420p at W x H. */
function take(name: string, filter: string): string {
  const file = join(dir, `${name}.yuv`);
  ffmpeg(['-loop', '1', '-framerate', '30', '-i', still, '-vf', `${filter},format=yuv420p`, '-frames:v', String(FRAMES), '-f', 'rawvideo', file]);
  return file;
}

function score(file: string, source: ReturnType<typeof sourceLuma>): TakeScores {
  const bytes = new Uint8Array(readFileSync(file));
  const size = i420Size(W, H);
  const analyser = new TakeAnalyser(source);
  for (let i = 0; i * size < bytes.length; i++) analyser.add(i420(bytes.subarray(i * size, (i + 1) * size), W, H), i / 30);
  return analyser.finish();
}

function sourceLuma() {
  const file = join(dir, 'source.yuv');
  ffmpeg(['-i', still, '-vf', `scale=${W}:${H}:flags=area,format=yuv420p`, '-frames:v', '1', '-f', 'rawvideo', file]);
  return luma(i420(new Uint8Array(readFileSync(file)), W, H));
}

const fit = `scale=${W}:${H}:flags=area`;
const source = sourceLuma();
const takes = {
  // zoompan on the 2x still: a smooth push-in to 1.3x, the kind of move Local motion makes.
  clean: score(take('clean', `zoompan=z='1+0.01*on':d=1:s=${W}x${H}:fps=30:x='iw/2-iw/zoom/2':y='ih/2-ih/zoom/2'`), source),
  flicker: score(take('flicker', `${fit},eq=eval=frame:brightness='0.08*mod(n,2)'`), source),
  drift: score(take('drift', `rotate=a='0.006*n':fillcolor=gray,${fit}`), source),
  blur: score(take('blur', `${fit},gblur=sigma=2.5`), source),
};

describe('take scores on takes with known faults', () => {
  it('follow a camera push-in: the clean take keeps its identity with the source', () => {
    expect(takes.clean.identity).toBeGreaterThan(0.85);
    expect(Math.abs(takes.clean.drift)).toBeLessThan(0.05);
    expect(takes.clean.motion).toBeGreaterThan(0);
  });

  it('follow a pull-out that starts zoomed in, and a pan', () => {
    const pullOut = score(take('pull-out', `zoompan=z='1.4-0.01*on':d=1:s=${W}x${H}:fps=30:x='iw/2-iw/zoom/2':y='ih/2-ih/zoom/2'`), source);
    const pan = score(take('pan', `zoompan=z='1.25':d=1:s=${W}x${H}:fps=30:x='2*on':y='ih/2-ih/zoom/2'`), source);
    expect(pullOut.identity).toBeGreaterThan(0.85);
    expect(pan.identity).toBeGreaterThan(0.85);
  });

  it('see flicker as brightness change: the flickering take has by far the most', () => {
    expect(takes.flicker.flicker).toBeGreaterThan(10 * Math.max(takes.clean.flicker, takes.drift.flicker, takes.blur.flicker));
    expect(takes.flicker.flicker).toBeGreaterThan(5);
  });

  it('see drift as identity lost over the clip: the turning take drifts most', () => {
    expect(takes.drift.drift).toBeGreaterThan(0.1);
    for (const other of [takes.clean, takes.flicker, takes.blur]) expect(takes.drift.drift).toBeGreaterThan(other.drift + 0.05);
  });

  it('see blur as lost high-frequency energy: the blurred take is the least sharp', () => {
    for (const other of [takes.clean, takes.flicker, takes.drift]) expect(takes.blur.sharpness).toBeLessThan(other.sharpness / 2);
  });

  it('see an upscaled soft clip for what it is: half the detail, though the same pixel count', () => {
    const soft = score(take('upscaled', `scale=${W / 2}:${H / 2}:flags=area,scale=${W}:${H}:flags=bicubic`), source);
    const sharp = score(take('native', fit), source);
    expect(soft.sharpness).toBeLessThan(sharp.sharpness / 2);
    expect(soft.identity).toBeGreaterThan(0.5);
  });

  it('rank the clean take first', () => {
    const names = Object.keys(takes);
    const { order, totals } = rankTakes(Object.values(takes));
    console.log('ranking', order.map((i) => `${names[i]} ${totals[i]!.toFixed(3)}`).join(', '));
    expect(names[order[0]!]).toBe('clean');
  });

  it('keep one curve value per frame', () => {
    for (const t of Object.values(takes)) {
      expect(t.frames).toBe(FRAMES);
      for (const curve of Object.values(t.curves)) expect(curve).toHaveLength(FRAMES);
    }
  });
});
