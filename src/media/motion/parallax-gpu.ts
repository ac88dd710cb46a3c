/**
 * The depth renderer of parallax.ts on WebGPU: one compute pass per frame samples the source and
 * the depth grid, displaces, and writes RGBA8, which is read back for the video encoder.
 *
 * Agreement with the CPU path (renderFrameCpu): at most GPU_CPU_MAX_DIFF levels per channel and
 * a mean absolute difference under GPU_CPU_MEAN_DIFF (checked in
 * test/browser/local-motion-gpu.test.ts). The maths is the same; f32 against f64 moves a
 * sample position by ~1e-4 px, and the CPU's blend weights are in 1/4096 px where these are in
 * f32, so a bilinear result crosses a rounding boundary now and then: measured on SwiftShader,
 * at most 1 level, on about 1 value in 11,000.
 *
 * The source, depth, result and readback buffers live as long as the renderer and are destroyed
 * by destroy(); only the shared device and the compiled pipeline outlive it.
 */
import { NodeError } from '../../engine';
import type { DepthMap } from '../depth/estimate-depth';
import type { RgbaImage } from '../resample/lanczos';
import { bufferLimit, explainGpuFailure, gpuDevice, reserveGpuMemory } from '../gpu';
import { WAVES, type Pose } from './parallax';

/** Largest per-channel difference allowed between GPU and CPU frames, in 8-bit levels. */
export const GPU_CPU_MAX_DIFF = 2;
/** Largest mean absolute difference per channel allowed between GPU and CPU frames. */
export const GPU_CPU_MEAN_DIFF = 0.05;

const WORKGROUP = 8;
/** Bytes of the `Params` uniform below. */
const PARAMS_SIZE = 96;

const f = (v: number) => v.toFixed(9);

const SHADER = /* wgsl */ `
struct Params {
  outSize: vec2u,
  sourceSize: vec2u,
  depthSize: vec2u,
  unused: vec2u,
  view: vec4f,
  scale: f32,
  shiftX: f32,
  shiftY: f32,
  pivot: f32,
  shimmer: f32,
  sway: f32,
  seconds: f32,
  unused2: f32,
  phases: vec4f,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> source: array<u32>;
@group(0) @binding(2) var<storage, read> depth: array<f32>;
@group(0) @binding(3) var<storage, read_write> result: array<u32>;

fn nearness(u: f32, v: f32) -> f32 {
  let size = vec2f(params.depthSize);
  let g = clamp(vec2f(u, v) * size - 0.5, vec2f(0.0), size - 1.0);
  let c0 = min(vec2u(floor(g)), params.depthSize - 2u);
  let a = g - vec2f(c0);
  let i = c0.y * params.depthSize.x + c0.x;
  let top = depth[i] + (depth[i + 1u] - depth[i]) * a.x;
  let w = params.depthSize.x;
  let bottom = depth[i + w] + (depth[i + w + 1u] - depth[i + w]) * a.x;
  return top + (bottom - top) * a.y;
}

fn smoothstep01(a: f32, b: f32, v: f32) -> f32 {
  let u = clamp((v - a) / (b - a), 0.0, 1.0);
  return u * u * (3.0 - 2.0 * u);
}

fn texel(x: u32, y: u32) -> vec3f {
  let p = source[y * params.sourceSize.x + x];
  return vec3f(f32(p & 0xffu), f32((p >> 8u) & 0xffu), f32((p >> 16u) & 0xffu));
}

@compute @workgroup_size(${WORKGROUP}, ${WORKGROUP})
fn render(@builtin(global_invocation_id) id: vec3u) {
  if (id.x >= params.outSize.x || id.y >= params.outSize.y) { return; }
  let view = params.view;
  let X = (f32(id.x) + 0.5) / f32(params.outSize.x);
  let Y = (f32(id.y) + 0.5) / f32(params.outSize.y);
  let bx = view.x + X * view.z;
  let by = view.y + Y * view.w;
  let n = nearness(bx, by);
  let d = n - params.pivot;
  let cx = view.x + view.z / 2.0;
  let cy = view.y + view.w / 2.0;
  let radial = 1.0 - params.scale * d;
  var u = cx + (bx - cx) * radial + params.shiftX * d;
  var v = cy + (by - cy) * radial + params.shiftY * d;
  if (params.shimmer > 0.0) {
    let far = params.shimmer * (1.0 - smoothstep01(0.2, 0.5, n));
    u += far * sin(${f(WAVES.shimmerRate)} * params.seconds + ${f(WAVES.shimmerY)} * by + ${f(WAVES.shimmerX)} * bx + params.phases.x);
    v += 0.5 * far * sin(${f(WAVES.shimmerRate * 1.3)} * params.seconds + ${f(WAVES.shimmerX2)} * bx + ${f(WAVES.shimmerY2)} * by + params.phases.y);
  }
  if (params.sway > 0.0) {
    let near = params.sway * smoothstep01(0.5, 0.8, n);
    u += near * sin(${f(WAVES.swayRate)} * params.seconds + ${f(WAVES.swayY)} * by + ${f(WAVES.swayX)} * bx + params.phases.z);
  }
  let size = vec2f(params.sourceSize);
  let g = clamp(vec2f(u, v) * size - 0.5, vec2f(0.0), size - 1.0);
  let c0 = min(vec2u(floor(g)), params.sourceSize - 2u);
  let a = g - vec2f(c0);
  let top = mix(texel(c0.x, c0.y), texel(c0.x + 1u, c0.y), a.x);
  let bottom = mix(texel(c0.x, c0.y + 1u), texel(c0.x + 1u, c0.y + 1u), a.x);
  // round() is half to even, as the CPU path's Uint8ClampedArray stores are.
  let c = vec3u(round(clamp(mix(top, bottom, a.y), vec3f(0.0), vec3f(255.0))));
  result[id.y * params.outSize.x + id.x] = c.r | (c.g << 8u) | (c.b << 16u) | (255u << 24u);
}
`;

const pipelineCache = new WeakMap<GPUDevice, Promise<GPUComputePipeline>>();

function pipeline(device: GPUDevice): Promise<GPUComputePipeline> {
  let cached = pipelineCache.get(device);
  if (!cached) {
    const module = device.createShaderModule({ label: 'parallax', code: SHADER });
    pipelineCache.set(device, (cached = device.createComputePipelineAsync({ label: 'parallax', layout: 'auto', compute: { module, entryPoint: 'render' } })));
  }
  return cached;
}

export interface ParallaxRenderer {
  /** Renders `pose` into `out` (RGBA8, the renderer's width x height). */
  render(pose: Pose, out: Uint8ClampedArray): Promise<void>;
  /** Frees every GPU buffer the renderer made. */
  destroy(): void;
}

/**
 * A GPU renderer of `source` displaced by `depth` into width x height frames; undefined when this
 * browser or worker has no WebGPU device.
 */
export async function createParallaxGpu(source: RgbaImage, depth: DepthMap, width: number, height: number): Promise<ParallaxRenderer | undefined> {
  const device = await gpuDevice();
  if (!device) return undefined;
  const limit = bufferLimit(device);
  if (source.data.byteLength > limit || width * height * 4 > limit) {
    throw new NodeError(`a ${source.width}x${source.height} px picture needs a bigger GPU buffer than this GPU allows (${Math.floor(limit / 2 ** 20)} MiB); choose the CPU renderer`);
  }
  const compiled = await pipeline(device);
  const owned: GPUBuffer[] = [];
  // Held for the renderer's life: its buffers stay allocated until destroy().
  const release = await reserveGpuMemory(source.data.byteLength + depth.data.byteLength + 2 * width * height * 4 + PARAMS_SIZE);
  const free = () => {
    for (const b of owned) b.destroy();
    release();
  };
  const buffer = (label: string, size: number, usage: number) => {
    const made = device.createBuffer({ label, size, usage });
    owned.push(made);
    return made;
  };
  const upload = (label: string, data: ArrayBufferView) => {
    const made = buffer(label, data.byteLength, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
    device.queue.writeBuffer(made, 0, data.buffer, data.byteOffset, data.byteLength);
    return made;
  };
  try {
    const params = buffer('parallax params', PARAMS_SIZE, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    const sourceBuffer = upload('parallax source', source.data);
    const depthBuffer = upload('parallax depth', depth.data);
    const result = buffer('parallax result', width * height * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
    const readback = buffer('parallax readback', width * height * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
    const bindings = [params, sourceBuffer, depthBuffer, result].map((b, binding) => ({ binding, resource: { buffer: b } }));
    const bindGroup = device.createBindGroup({ layout: compiled.getBindGroupLayout(0), entries: bindings });
    const sizes = new Uint32Array([width, height, source.width, source.height, depth.width, depth.height, 0, 0]);
    let checked = false;

    const render = async (pose: Pose, out: Uint8ClampedArray) => {
      try {
        await renderFrame(pose, out);
      } catch (error) {
        throw explainGpuFailure(device, error);
      }
    };
    const renderFrame = async (pose: Pose, out: Uint8ClampedArray) => {
      device.queue.writeBuffer(params, 0, paramsBlock(sizes, pose));
      const first = !checked;
      if (first) device.pushErrorScope('validation');
      const encoder = device.createCommandEncoder({ label: 'parallax frame' });
      const pass = encoder.beginComputePass();
      pass.setPipeline(compiled);
      pass.setBindGroup(0, bindGroup);
      pass.dispatchWorkgroups(Math.ceil(width / WORKGROUP), Math.ceil(height / WORKGROUP));
      pass.end();
      encoder.copyBufferToBuffer(result, 0, readback, 0, result.size);
      device.queue.submit([encoder.finish()]);
      if (first) {
        const error = await device.popErrorScope();
        if (error) throw new Error(`WebGPU rejected the parallax pass: ${error.message}`);
        checked = true;
      }
      await readback.mapAsync(GPUMapMode.READ);
      try {
        out.set(new Uint8Array(readback.getMappedRange()));
      } finally {
        readback.unmap();
      }
    };
    return { render, destroy: free };
  } catch (error) {
    free();
    throw error;
  }
}

/** The shader's `Params` uniform for one frame. */
function paramsBlock(sizes: Uint32Array, pose: Pose): ArrayBuffer {
  const block = new ArrayBuffer(PARAMS_SIZE);
  new Uint32Array(block, 0, 8).set(sizes);
  const { view } = pose;
  new Float32Array(block, 32, 16).set([
    view.x, view.y, view.width, view.height,
    pose.scale, pose.shiftX, pose.shiftY, pose.pivot,
    pose.shimmer, pose.sway, pose.seconds, 0,
    pose.phases[0], pose.phases[1], pose.phases[2], 0,
  ]);
  return block;
}
