/** A parameter kind added outside the engine is checked like the kinds that ship. */
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineParamKind, resolveParams, type ParamSpecs } from '../../src/engine';

interface ColourParam {
  kind: 'test-colour';
  label: string;
  default: string;
  description?: string;
}

declare module '../../src/engine/params' {
  interface ParamKinds {
    'test-colour': ColourParam;
  }
}

defineParamKind('test-colour', () => z.string().regex(/^#[0-9a-f]{6}$/, 'expected a colour like #1a2b3c'));

const specs: ParamSpecs = { tint: { kind: 'test-colour', label: 'Tint', default: '#000000' } };

describe('a parameter kind registered from outside the engine', () => {
  it('fills its default and keeps a valid saved value', () => {
    expect(resolveParams(specs, {}).values).toEqual({ tint: '#000000' });
    expect(resolveParams(specs, { tint: '#ff8800' }).values).toEqual({ tint: '#ff8800' });
  });

  it('refuses a bad value with its own message, naming the param', () => {
    expect(resolveParams(specs, { tint: 'orange' }).issues).toEqual([{ path: ['tint'], message: 'expected a colour like #1a2b3c' }]);
  });

  it('cannot be registered twice', () => {
    expect(() => defineParamKind('test-colour', () => z.string())).toThrow('registered twice');
  });
});
