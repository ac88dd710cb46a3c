/** The WebAssembly kernels that ship (NAME-wasm.ts) are the ones their text (NAME.wat) assembles to. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('the WebAssembly kernels', () => {
  it('are built from their .wat text as it stands', () => {
    const check = spawnSync(process.execPath, ['scripts/build-wasm.mjs', '--check'], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });
});
