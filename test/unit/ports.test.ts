import { describe, expect, it } from 'vitest';
import { canConnect, coerce, definePortKind, matchesPortType, portTypes } from '../../src/engine';

describe('port connections', () => {
  it('accept the same type', () => {
    for (const t of portTypes()) expect(canConnect(t, t)).toEqual({ ok: true });
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

// A kind added by a module of its own, as a depth-map node would: the engine is not edited.
declare module '../../src/engine/values' {
  interface ScalarValues {
    'test-depth': { readonly depth: Float32Array };
  }
}

describe('a port kind registered from outside the engine', () => {
  definePortKind({
    name: 'test-depth',
    colour: '#123456',
    matches: (value): value is { depth: Float32Array } => typeof value === 'object' && value !== null && 'depth' in value,
    feeds: { text: (value) => `depth map of ${value.depth.length} samples` },
  });

  it('connects like the built-in kinds, into itself, a list of itself, and what it says it feeds', () => {
    expect(canConnect('test-depth', 'test-depth')).toEqual({ ok: true });
    expect(canConnect('test-depth', 'list<test-depth>')).toEqual({ ok: true });
    expect(canConnect('test-depth', 'text')).toEqual({ ok: true });
    expect(canConnect('test-depth', 'image')).toEqual({ ok: false, reason: 'a test-depth cannot feed an image input' });
    expect(portTypes()).toContain('list<test-depth>');
  });

  it('checks outputs by its own rule and converts as it registered', () => {
    const value = { depth: new Float32Array(4) };
    expect(matchesPortType(value, 'test-depth')).toBe(true);
    expect(matchesPortType('flat', 'test-depth')).toBe(false);
    expect(coerce(value as never, 'text')).toBe('depth map of 4 samples');
  });
});

