import { describe, expect, it } from 'vitest';
import { canConnect, PORT_TYPES } from '../../src/engine';

describe('port connections', () => {
  it('accept the same type', () => {
    for (const t of PORT_TYPES) expect(canConnect(t, t)).toEqual({ ok: true });
  });

  it('collect single values into a list input', () => {
    expect(canConnect('video', 'list<video>')).toEqual({ ok: true });
  });

  it('write numbers into text inputs', () => {
    expect(canConnect('number', 'text')).toEqual({ ok: true });
  });

  it('refuse other pairs with a reason a person can act on', () => {
    expect(canConnect('image', 'video')).toEqual({ ok: false, reason: 'an image cannot feed a video input' });
    expect(canConnect('list<video>', 'video')).toEqual({
      ok: false,
      reason: 'a list of videos cannot feed a single video input; pick one item first',
    });
    expect(canConnect('text', 'number').ok).toBe(false);
    expect(canConnect('image', 'list<video>').ok).toBe(false);
  });
});
