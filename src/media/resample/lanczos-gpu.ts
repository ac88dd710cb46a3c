/**
 * Lanczos-3 resampling on WebGPU compute: the same maths as lanczos.ts (the CPU reference), on
 * the same weight tables, in the same passes: premultiply and filter rows, filter columns, then
 * sharpen and quantise to straight-alpha RGBA8.
 *
 * Agreement with the CPU path: at most 2 levels per channel anywhere, and a mean absolute
 * difference below 0.5 (GPU_CPU_MAX_DIFF, GPU_CPU_MEAN_DIFF; checked in
 * test/browser/upscale.test.ts and by bench suite `upscale`). The only differences are f32
 * against f64 rounding in the sums, which moves a value across a rounding boundary now and then:
 * measured on SwiftShader, at most 1 level, on about one value in a million.
 *
 * Every buffer made for a call is destroyed before the call returns, whether it succeeds or not;
 * only the device and the compiled pipelines are kept, since making them costs far more than a run.
 */
import { NodeError } from '../../engine';
import { bufferLimit, explainGpuFailure, gpuDevice, reserveGpuMemory } from '../gpu';
import { axisWeights, checkSizes, type ResampleOptions, type RgbaImage } from './lanczos';

/** Largest per-channel difference allowed between GPU and CPU outputs, in 8-bit levels. */
export const GPU_CPU_MAX_DIFF = 2;
/** Largest mean absolute difference per channel allowed between GPU and CPU outputs. */
export const GPU_CPU_MEAN_DIFF = 0.5;

const WORKGROUP = 8;

const SHADER = /* wgsl */ `
struct Params {
  sourceWidth: u32,
  sourceHeight: u32,
  width: u32,
  height: u32,
  xTaps: u32,
  yTaps: u32,
  sharpen: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> source: array<u32>;
@group(0) @binding(2) var<storage, read> xIndices: array<i32>;
@group(0) @binding(3) var<storage, read> xWeights: array<f32>;
@group(0) @binding(4) var<storage, read_write> horizontal: array<vec4f>;
@group(0) @binding(5) var<storage, read> yIndices: array<i32>;
@group(0) @binding(6) var<storage, read> yWeights: array<f32>;
@group(0) @binding(7) var<storage, read_write> vertical: array<vec4f>;
@group(0) @binding(8) var<storage, read_write> result: array<u32>;

// Bytes by shifting, not unpack4x8unorm: v / 255 * 255 is not exactly v in f32.
fn premultiplied(pixel: u32) -> vec4f {
  let c = vec4f(f32(pixel & 0xffu), f32((pixel >> 8u) & 0xffu), f32((pixel >> 16u) & 0xffu), f32(pixel >> 24u));
  return vec4f(c.rgb * c.a / 255.0, c.a);
}

@compute @workgroup_size(${WORKGROUP}, ${WORKGROUP})
fn resampleRows(@builtin(global_invocation_id) id: vec3u) {
  if (id.x >= params.width || id.y >= params.sourceHeight) { return; }
  let row = id.y * params.sourceWidth;
  let first = id.x * params.xTaps;
  var sum = vec4f(0.0);
  for (var k = 0u; k < params.xTaps; k++) {
    sum += xWeights[first + k] * premultiplied(source[row + u32(xIndices[first + k])]);
  }
  horizontal[id.y * params.width + id.x] = sum;
}

@compute @workgroup_size(${WORKGROUP}, ${WORKGROUP})
fn resampleColumns(@builtin(global_invocation_id) id: vec3u) {
  if (id.x >= params.width || id.y >= params.height) { return; }
  let first = id.y * params.yTaps;
  var sum = vec4f(0.0);
  for (var k = 0u; k < params.yTaps; k++) {
    sum += yWeights[first + k] * horizontal[u32(yIndices[first + k]) * params.width + id.x];
  }
  vertical[id.y * params.width + id.x] = sum;
}

fn at(x: i32, y: i32) -> vec4f {
  let cx = u32(clamp(x, 0, i32(params.width) - 1));
  let cy = u32(clamp(y, 0, i32(params.height) - 1));
  return vertical[cy * params.width + cx];
}

// Unsharp mask with the [1 2 1]^T [1 2 1] / 16 blur, then un-premultiply, clamp and round.
@compute @workgroup_size(${WORKGROUP}, ${WORKGROUP})
fn finish(@builtin(global_invocation_id) id: vec3u) {
  if (id.x >= params.width || id.y >= params.height) { return; }
  let x = i32(id.x);
  let y = i32(id.y);
  var value = at(x, y);
  if (params.sharpen > 0.0) {
    let above = at(x - 1, y - 1) + 2.0 * at(x, y - 1) + at(x + 1, y - 1);
    let middle = at(x - 1, y) + 2.0 * value + at(x + 1, y);
    let below = at(x - 1, y + 1) + 2.0 * at(x, y + 1) + at(x + 1, y + 1);
    let blur = (above + 2.0 * middle + below) / 16.0;
    value = value + params.sharpen * (value - blur);
  }
  // round() is half to even, as the CPU path's Uint8ClampedArray stores are.
  let alpha = clamp(value.a, 0.0, 255.0);
  let alpha8 = round(alpha);
  var rgb = vec3f(0.0);
  if (alpha8 > 0.0) {
    rgb = round(clamp(value.rgb * (255.0 / alpha), vec3f(0.0), vec3f(255.0)));
  }
  let c = vec4u(vec4f(rgb, alpha8));
  result[id.y * params.width + id.x] = c.r | (c.g << 8u) | (c.b << 16u) | (c.a << 24u);
}
`;

interface Pipelines {
  rows: GPUComputePipeline;
  columns: GPUComputePipeline;
  finish: GPUComputePipeline;
}

const pipelineCache = new WeakMap<GPUDevice, Promise<Pipelines>>();

function pipelines(device: GPUDevice): Promise<Pipelines> {
  let cached = pipelineCache.get(device);
  if (!cached) pipelineCache.set(device, (cached = compile(device)));
  return cached;
}

async function compile(device: GPUDevice): Promise<Pipelines> {
  const module = device.createShaderModule({ label: 'lanczos', code: SHADER });
  const make = (entryPoint: string) => device.createComputePipelineAsync({ label: `lanczos ${entryPoint}`, layout: 'auto', compute: { module, entryPoint } });
  const [rows, columns, finish] = await Promise.all([make('resampleRows'), make('resampleColumns'), make('finish')]);
  return { rows, columns, finish };
}

/** Resamples `image` to `width` x `height` on the GPU, into `into` when given; the result matches resampleLanczos. */
export async function resampleLanczosGpu(image: RgbaImage, width: number, height: number, options: ResampleOptions = {}, into?: Uint8ClampedArray<ArrayBuffer>): Promise<RgbaImage> {
  checkSizes(image, width, height);
  const device = await gpuDevice();
  if (!device) throw new NodeError('WebGPU is not available in this browser; choose the CPU backend (or Auto)');
  checkBufferLimits(device, width, height, width * Math.max(height, image.height) * 16);
  const compiled = await pipelines(device);
  const owned: GPUBuffer[] = [];
  const release = await reserveGpuMemory(gpuBytes(image, width, height));
  try {
    const readback = await scoped(device, width, height, () => submit(device, compiled, owned, image, width, height, options.sharpen ?? 0));
    await readback.mapAsync(GPUMapMode.READ);
    const mapped = new Uint8ClampedArray(readback.getMappedRange());
    const data = into ?? new Uint8ClampedArray(mapped.length);
    data.set(mapped);
    readback.unmap();
    return { data, width, height };
  } catch (error) {
    throw explainGpuFailure(device, error);
  } finally {
    for (const buffer of owned) buffer.destroy();
    release();
  }
}

/** What one call holds on the GPU: the source, both filtered passes (vec4f), the result and its readback. */
function gpuBytes(image: RgbaImage, width: number, height: number): number {
  return image.data.byteLength + width * image.height * 16 + width * height * 16 + 2 * width * height * 4;
}

/** Refuses, before allocating anything, a result whose biggest buffer the device cannot hold. */
function checkBufferLimits(device: GPUDevice, width: number, height: number, largest: number): void {
  const limit = bufferLimit(device);
  if (largest <= limit) return;
  const mib = (bytes: number) => Math.ceil(bytes / 2 ** 20);
  throw new NodeError(`a ${width}x${height} result needs a ${mib(largest)} MiB GPU buffer, more than this GPU allows (${mib(limit)} MiB); choose the CPU backend`);
}

/** Runs `work` inside validation and out-of-memory error scopes and throws what they caught. */
async function scoped<T>(device: GPUDevice, width: number, height: number, work: () => T): Promise<T> {
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let outcome: { value: T } | { error: unknown };
  try {
    outcome = { value: work() };
  } catch (error) {
    outcome = { error };
  }
  // Popped whatever happened, so the scopes never leak into the next call.
  const validation = await device.popErrorScope();
  const memory = await device.popErrorScope();
  if (memory) throw new NodeError(`the GPU ran out of memory resampling to ${width}x${height}; choose the CPU backend`);
  if (validation) throw new Error(`WebGPU rejected the Lanczos passes: ${validation.message}`);
  if ('error' in outcome) throw outcome.error;
  return outcome.value;
}

/** Uploads the pixels and tables, queues the three passes and the copy out; returns the readback buffer. */
function submit(device: GPUDevice, compiled: Pipelines, owned: GPUBuffer[], image: RgbaImage, width: number, height: number, sharpen: number): GPUBuffer {
  const buffer = (label: string, size: number, usage: number) => {
    const made = device.createBuffer({ label, size, usage });
    owned.push(made);
    return made;
  };
  const upload = (label: string, data: ArrayBufferView, usage: number = GPUBufferUsage.STORAGE) => {
    const made = buffer(label, data.byteLength, usage | GPUBufferUsage.COPY_DST);
    // As bytes of the underlying buffer: accepts any typed array, shared memory included.
    device.queue.writeBuffer(made, 0, data.buffer, data.byteOffset, data.byteLength);
    return made;
  };
  const x = axisWeights(image.width, width);
  const y = axisWeights(image.height, height);
  const params = upload('params', paramsBlock(image, width, height, x.taps, y.taps, sharpen), GPUBufferUsage.UNIFORM);
  const source = upload('source', image.data);
  const xIndices = upload('x indices', x.indices);
  const xWeights = upload('x weights', x.weights);
  const yIndices = upload('y indices', y.indices);
  const yWeights = upload('y weights', y.weights);
  const horizontal = buffer('horizontal', width * image.height * 16, GPUBufferUsage.STORAGE);
  const vertical = buffer('vertical', width * height * 16, GPUBufferUsage.STORAGE);
  const result = buffer('result', width * height * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
  const readback = buffer('readback', width * height * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);

  const encoder = device.createCommandEncoder({ label: 'lanczos' });
  const pass = encoder.beginComputePass();
  const dispatch = (pipeline: GPUComputePipeline, bindings: Record<number, GPUBuffer>, across: number, down: number) => {
    const entries = Object.entries(bindings).map(([binding, resource]) => ({ binding: Number(binding), resource: { buffer: resource } }));
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries }));
    pass.dispatchWorkgroups(Math.ceil(across / WORKGROUP), Math.ceil(down / WORKGROUP));
  };
  // One pass: WebGPU makes each dispatch's writes visible to the next.
  dispatch(compiled.rows, { 0: params, 1: source, 2: xIndices, 3: xWeights, 4: horizontal }, width, image.height);
  dispatch(compiled.columns, { 0: params, 4: horizontal, 5: yIndices, 6: yWeights, 7: vertical }, width, height);
  dispatch(compiled.finish, { 0: params, 7: vertical, 8: result }, width, height);
  pass.end();
  encoder.copyBufferToBuffer(result, 0, readback, 0, result.size);
  device.queue.submit([encoder.finish()]);
  return readback;
}

/** The shader's `Params` uniform: six u32 sizes and the f32 sharpen amount, padded to 32 bytes. */
function paramsBlock(image: RgbaImage, width: number, height: number, xTaps: number, yTaps: number, sharpen: number): Uint32Array {
  const block = new Uint32Array([image.width, image.height, width, height, xTaps, yTaps, 0, 0]);
  new Float32Array(block.buffer)[6] = sharpen;
  return block;
}
