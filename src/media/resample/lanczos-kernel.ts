/** The WebAssembly SIMD kernel of the CPU Lanczos path (lanczos.wat), one instance per thread. */
import { kernel } from '../wasm';
import { LANCZOS_WASM_BASE64 } from './lanczos-wasm';

/** The kernel's exports; every address is a byte offset into `memory`. */
export interface SimdKernel {
  readonly memory: WebAssembly.Memory;
  premultiply(src: number, dst: number, pixels: number): void;
  horizontal(src: number, dst: number, width: number, taps: number, offsets: number, weights: number): void;
  vertical(dst: number, pixels: number, rows: number, weights: number): void;
  accumulate(dst: number, pixels: number, row: number, weight: number): void;
  sharpen(above: number, row: number, below: number, dst: number, pixels: number, amount: number): void;
  quantise(src: number, dst: number, pixels: number): void;
}

export const simdKernel = kernel<SimdKernel>(LANCZOS_WASM_BASE64);
