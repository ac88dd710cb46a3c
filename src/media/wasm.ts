/**
 * Loading the WebAssembly kernels (NAME.wat, carried as base64 in NAME-wasm.ts) and laying out
 * their memory. Compiled synchronously: each module is far under the 4 KB Chromium allows on a
 * page's main thread, and the CPU paths that call them are synchronous.
 */

/** Modules compiled in this thread: instances of one module share its optimised code. */
const modules = new Map<string, WebAssembly.Module>();

/** A new instance's exports, typed by the caller: an instance has its own memory. */
export function instantiate<T>(base64: string): T {
  let module = modules.get(base64);
  if (!module) {
    module = new WebAssembly.Module(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
    modules.set(base64, module);
  }
  return new WebAssembly.Instance(module).exports as unknown as T;
}

/** A function that instantiates the kernel on first use and returns that one instance ever after. */
export function kernel<T>(base64: string): () => T {
  let instance: T | undefined;
  return () => (instance ??= instantiate<T>(base64));
}

/**
 * Lays out regions of the given byte sizes in a kernel's memory, each 16-byte aligned for v128
 * loads, growing the memory first if they do not fit; returns each region's address. Views of the
 * memory must be made after this call: growing detaches the old ones.
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
