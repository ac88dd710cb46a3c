/**
 * The WebAssembly SIMD kernel of the CPU Lanczos path (lanczos.wat), one instance per thread,
 * made on first use. Compiled synchronously: the module is far under the 4 KB Chromium allows on
 * a page's main thread, and the CPU path's callers are synchronous.
 */
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

let kernel: SimdKernel | undefined;

export function simdKernel(): SimdKernel {
  if (kernel) return kernel;
  const bytes = Uint8Array.from(atob(LANCZOS_WASM_BASE64), (c) => c.charCodeAt(0));
  kernel = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as unknown as SimdKernel;
  return kernel;
}

/**
 * Lays out regions of the given byte sizes in the kernel's memory, each 16-byte aligned for
 * v128 loads, growing the memory first if they do not fit; returns each region's address.
 * Views of the memory must be made after this call: growing detaches the old ones.
 */
export function layout<K extends string>(memory: WebAssembly.Memory, sizes: Record<K, number>): Record<K, number> {
  const addresses = {} as Record<K, number>;
  let end = 0;
  for (const name of Object.keys(sizes) as K[]) {
    addresses[name] = end;
    end += Math.ceil(sizes[name] / 16) * 16;
  }
  const page = 65536;
  if (end > memory.buffer.byteLength) memory.grow(Math.ceil((end - memory.buffer.byteLength) / page));
  return addresses;
}
