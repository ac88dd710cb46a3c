/** The Lanczos SIMD kernel that ships (lanczos-wasm.ts) is the one its text (lanczos.wat) assembles to. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('lanczos-wasm.ts', () => {
  it('is built from lanczos.wat as it stands', () => {
    const check = spawnSync(process.execPath, ['scripts/build-wasm.mjs', '--check'], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });
});
