/**
 * The GPU service: the one WebGPU device the GPU paths share (Lanczos, depth parallax; SSIM takes
 * it from its caller), asked for once with the adapter's largest buffers, replaced after a loss,
 * and a memory budget the work on it shares, so two nodes' buffers never add up past what the
 * device can hold. A pipeline cache keyed by device drops a lost device's pipelines by itself.
 */
import { NodeError } from '../engine';

/** What the GPU paths may hold at once: well inside any discrete or integrated GPU's memory. */
export const GPU_BUDGET_BYTES = 1024 ** 3;

let devicePromise: Promise<GPUDevice | undefined> | undefined;
/** Devices that were lost, and why: said to the work that was using one. */
const lost = new WeakMap<GPUDevice, string>();

/** The shared device, asked for once; undefined when WebGPU is absent or refuses. */
export function gpuDevice(): Promise<GPUDevice | undefined> {
  devicePromise ??= requestDevice();
  return devicePromise;
}

async function requestDevice(): Promise<GPUDevice | undefined> {
  if (typeof navigator === 'undefined' || !navigator.gpu) return undefined;
  const adapter = await navigator.gpu.requestAdapter().catch(() => null);
  if (!adapter) return undefined;
  // Images are big: ask for the adapter's largest buffers, not the 128 MiB default.
  const { maxBufferSize, maxStorageBufferBindingSize } = adapter.limits;
  const device = await adapter.requestDevice({ requiredLimits: { maxBufferSize, maxStorageBufferBindingSize } }).catch(() => undefined);
  // A lost device (driver reset, tab backgrounded on some systems) is replaced on the next call.
  void device?.lost.then((info) => {
    lost.set(device, info.message || info.reason);
    devicePromise = undefined;
  });
  return device;
}

/** Whether this browser or worker can run the GPU paths (an adapter and a device were granted). */
export async function isWebGpuAvailable(): Promise<boolean> {
  return (await gpuDevice()) !== undefined;
}

/**
 * Whether the GPU path is worth taking: false for a fallback adapter such as SwiftShader, which
 * runs shaders on the CPU and is about 4x slower than the CPU path (bench suite `upscale`).
 */
export async function isGpuAccelerated(): Promise<boolean> {
  const info = (await gpuDevice())?.adapterInfo;
  return info !== undefined && !info.isFallbackAdapter && info.architecture !== 'swiftshader';
}

/** Whether to take the GPU path: asked for by name, or on Auto when the adapter is hardware. */
export async function wantsGpu(choice: 'auto' | 'gpu' | 'cpu'): Promise<boolean> {
  return choice === 'gpu' || (choice === 'auto' && (await isGpuAccelerated()));
}

/** The largest single buffer the device allows (storage-bound and plain). */
export function bufferLimit(device: GPUDevice): number {
  return Math.min(device.limits.maxBufferSize, device.limits.maxStorageBufferBindingSize);
}

/** Bytes of the budget held now, and the work waiting for room, first come first served. */
let held = 0;
const waiting: { bytes: number; grant: () => void }[] = [];

/**
 * Holds `bytes` of the GPU budget until the returned release is called; waits while others hold
 * too much. A request bigger than the whole budget goes alone rather than never.
 */
export async function reserveGpuMemory(bytes: number): Promise<() => void> {
  await new Promise<void>((grant) => {
    waiting.push({ bytes, grant });
    grantWaiting();
  });
  let released = false;
  return () => {
    if (released) return;
    released = true;
    held -= bytes;
    grantWaiting();
  };
}

function grantWaiting(): void {
  while (waiting.length > 0 && (held === 0 || held + waiting[0]!.bytes <= GPU_BUDGET_BYTES)) {
    const next = waiting.shift()!;
    held += next.bytes;
    next.grant();
  }
}

/**
 * The user's words for a failure on `device`: a lost device says so, and that running again gets
 * a new one; anything else is passed on as it is.
 */
export function explainGpuFailure(device: GPUDevice, error: unknown): unknown {
  const reason = lost.get(device);
  if (reason === undefined) return error;
  return new NodeError(`the GPU was reset while this ran (${reason}); run it again to use a new device, or choose the CPU backend`);
}
