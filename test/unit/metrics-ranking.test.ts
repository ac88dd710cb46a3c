/**
 * Compare picks the take a person would pick, and says why. The takes are made by native ffmpeg
 * from one photo-like still (test/metrics/takes.ts): a clean slow push-in, the same push-in with
 * one known fault each (flicker, hue drift, geometry drift, exposure drift, jitter, stutter, a
 * freeze, a crossfade to another picture, blur, blocking, grain), a static take, and takes with
 * no fault (an eased push-in, a pull-out, a pan, a still camera on a moving subject). Scored as
 * the Compare node scores them, against the still.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_WEIGHTS, formatWeights, moveInPrompt, parseWeights, rankTakes, type TakeScores } from '../../src/metrics';
import { FAULTY, faultyTakes, GOOD, scoreInNode, TAKE } from '../metrics/takes';

const files = faultyTakes();
const clean = scoreInNode(files.clean, files.still);
const faulty = Object.fromEntries(FAULTY.map(({ name }) => [name, scoreInNode(files.faulty[name]!, files.still)]));
const good = Object.fromEntries(GOOD.map(({ name }) => [name, scoreInNode(files.good[name]!, files.still)]));

/** The ranking of named takes, best first, with each one's Overall and verdict. */
function ranked(takes: Record<string, TakeScores>, options?: Parameters<typeof rankTakes>[1]) {
  const names = Object.keys(takes);
  const { order, takes: scored } = rankTakes(Object.values(takes), options);
  return order.map((i) => ({ name: names[i]!, ...scored[i]! }));
}

describe('each fault, against the clean push-in', () => {
  it('the clean push-in has no visible fault and full marks', () => {
    const [only] = ranked({ clean });
    expect(only).toMatchObject({ total: 1, rank: 1, verdict: { text: 'no visible fault' } });
    expect(clean.camera.move).toBe('push-in');
    expect(clean.camera.zoom).toBeCloseTo(1.15, 2);
  });

  for (const { name, fault, says } of FAULTY) {
    it(`${name}: the clean take ranks above it, and its verdict names the fault (${fault})`, () => {
      const [first, second] = ranked({ [name]: faulty[name]!, clean });
      expect(first!.name).toBe('clean');
      expect(second!.rank).toBe(2);
      expect(second!.verdict.fault).toBe(fault);
      expect(second!.verdict.text).toMatch(says);
    });
  }
});

describe('all of them together', () => {
  it('rank the clean push-in first, alone, and every faulty take below it', () => {
    const all = ranked({ ...faulty, clean });
    console.log(all.map((t) => `${t.rank}. ${t.name} ${t.total.toFixed(3)}: ${t.verdict.text}`).join('\n'));
    expect(all[0]).toMatchObject({ name: 'clean', rank: 1, total: 1 });
    for (const take of all.slice(1)) expect(take.rank).toBeGreaterThan(1);
  });

  it('rank the same whatever order they are wired in', () => {
    const names = ['grain', 'blur', 'static', 'freeze'];
    const forward = ranked(Object.fromEntries([...names.map((n) => [n, faulty[n]!] as const), ['clean', clean] as const]));
    const backward = ranked(Object.fromEntries([['clean', clean] as const, ...names.reverse().map((n) => [n, faulty[n]!] as const)]));
    expect(backward.map((t) => t.name)).toEqual(forward.map((t) => t.name));
  });
});

describe('takes without a fault', () => {
  for (const { name, move } of GOOD) {
    it(`${name}: full marks, and the camera read as ${move}`, () => {
      const [take] = ranked({ [name]: good[name]! });
      expect(take).toMatchObject({ total: 1, verdict: { text: 'no visible fault' } });
      expect(good[name]!.camera.move).toBe(move);
    });
  }

  it('a pull-out that starts pushed in is followed from its first frame', () => {
    expect(good['pull-out']!.identity).toBeGreaterThan(0.95);
    expect(good['pull-out']!.camera.zoom).toBeCloseTo(1 / 1.3, 2);
  });
});

describe('fixed scales, not stretched between the takes at hand', () => {
  it('a take alone, and identical takes, score full marks; identical takes tie', () => {
    const [one, two] = ranked({ a: clean, b: clean });
    expect([one!.total, two!.total]).toEqual([1, 1]);
    expect([one!.rank, two!.rank]).toEqual([1, 1]);
  });

  it('differences the eye does not see are ties: two good takes share the first rank', () => {
    const [one, two] = ranked({ eased: good['eased-push-in']!, clean });
    expect([one!.rank, two!.rank]).toEqual([1, 1]);
  });

  it("a faulty take scores the same whether or not a clean one is beside it", () => {
    const [alone] = ranked({ blur: faulty.blur! });
    const beside = ranked({ blur: faulty.blur!, clean }).find((t) => t.name === 'blur')!;
    expect(alone!.total).toBe(beside.total);
    expect(alone!.total).toBeLessThan(0.95);
  });
});

describe('motion counts', () => {
  it("reads VBench's dynamic degree: none for the static take, all of the push-in, and a still camera's moving subject", () => {
    expect(faulty.static!.motion).toBe(0);
    expect(clean.motion).toBe(1);
    expect(good['moving-subject']!.motion).toBeGreaterThan(0.75);
    expect(faulty.freeze!.motion).toBeLessThan(0.5);
  });

  it('a static take is not faulted when a still camera was asked for, and a push-in is', () => {
    const still = ranked({ static: faulty.static!, clean }, { move: 'static' });
    expect(still.map((t) => t.name)).toEqual(['static', 'clean']);
    expect(still[0]!.verdict.text).toBe('no visible fault');
    expect(still[1]!.verdict).toMatchObject({ fault: 'camera', text: 'wrong camera move: push in, asked to hold still' });
  });

  it('the camera move asked for is checked: a push-in asked to pan left says so', () => {
    const [take] = ranked({ clean }, { move: 'pan-left' });
    expect(take!.verdict).toMatchObject({ fault: 'camera', text: 'wrong camera move: push in, asked to pan left' });
    expect(ranked({ clean }, { move: 'push-in' })[0]!.total).toBe(1);
  });

  it('reads the camera move a prompt asks for', () => {
    expect(moveInPrompt('Slow push in on the red house, golden light')).toBe('push-in');
    expect(moveInPrompt('the camera zooms out to reveal the valley')).toBe('pull-out');
    expect(moveInPrompt('pan to the left across the hills, then tilt up')).toBe('pan-left');
    expect(moveInPrompt('locked-off shot, static camera, grass sways')).toBe('static');
    expect(moveInPrompt('a red house on a hill')).toBeUndefined();
  });
});

describe('weights', () => {
  it('change the Overall; every fault can be made not to count', () => {
    const none = ranked({ blur: faulty.blur! }, { weights: { ...DEFAULT_WEIGHTS, detail: 0, identity: 0 } })[0]!;
    expect(none.total).toBe(1);
  });

  it('are written as name=number, and wrong ones are refused by name', () => {
    expect(parseWeights('identity=5, motion: 0.5')).toMatchObject({ identity: 5, motion: 0.5, drift: DEFAULT_WEIGHTS.drift });
    expect(formatWeights(parseWeights('identity=5'))).toBe('identity=5');
    expect(() => parseWeights('sharpnes=2')).toThrow(/"sharpnes" is not a ranked score; use one of identity, drift/);
    expect(() => parseWeights('identity')).toThrow(/not a weight; write name=number/);
    expect(() => parseWeights(Object.keys(DEFAULT_WEIGHTS).map((n) => `${n}=0`).join(','))).toThrow(/every weight is 0/);
  });
});

describe('the take scores', () => {
  it('keep one curve value per frame', () => {
    for (const take of [clean, ...Object.values(faulty)]) {
      expect(take.frames).toBe(TAKE.frames);
      for (const curve of Object.values(take.curves)) expect(curve).toHaveLength(TAKE.frames);
    }
  });

  it('see grain as grain, not detail: the grainy take has no more detail than the clean one allows', () => {
    expect(faulty.grain!.sharpness).toBeGreaterThan(1.5 * clean.sharpness);
    expect(faulty.grain!.grain).toBeGreaterThan(10 * clean.grain);
    expect(ranked({ grain: faulty.grain! })[0]!.marks.detail).toBe(1);
  });

  it('do not call a push-in soft for magnifying, nor reward blur and blocking with a low warp error', () => {
    expect(clean.detail).toBeGreaterThan(0.9);
    expect(faulty.blur!.warpError).toBeLessThan(clean.warpError);
    const marks = ranked({ clean, blur: faulty.blur!, blocking: faulty.blocking! }).map((t) => t.marks.warpError);
    expect(marks).toEqual([1, 1, 1]);
  });
});
