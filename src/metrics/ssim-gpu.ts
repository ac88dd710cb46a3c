/**
 * SSIM on WebGPU compute, the same sums and formula as ssim.ts (the CPU reference): one pass sums
 * each 4x4 block in integers, a second walks each row of 8x8 windows adding their SSIM in f32 as
 * ffmpeg does; the row totals come back and are added in double here. Integer sums are exact on
 * both paths; the only differences are WGSL's division (within 2.5 ULP, not IEEE exact), so the
 * two agree to about 1e-6 (GPU_CPU_SSIM_DIFF; checked in test/browser/compare.test.ts and by
 * bench suite `metrics`).
 *
 * It takes the GPUDevice from its caller, so this module stays free of navigator and the DOM.
 * Every buffer made for a call is destroyed before it returns; only pipelines are kept.
 */
import { sameSize, type PlanarFrame, type Plane } from './frame';
import { weighted, type FrameSsim } from './ssim';

/** Largest difference allowed between GPU and CPU SSIM, per plane and overall. */
export const GPU_CPU_SSIM_DIFF = 1e-5;

const SHADER = /* wgsl */ `
struct Params { strideA: u32, strideB: u32, blocksX: u32, blocksY: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<u32>;
@group(0) @binding(2) var<storage, read> b: array<u32>;
@group(0) @binding(3) var<storage, read_write> sums: array<vec4i>;
@group(0) @binding(4) var<storage, read_write> rows: array<f32>;

// Planes arrive as bytes packed four to a word.
fn sampleA(i: u32) -> i32 { return i32((a[i >> 2u] >> ((i & 3u) * 8u)) & 0xffu); }
fn sampleB(i: u32) -> i32 { return i32((b[i >> 2u] >> ((i & 3u) * 8u)) & 0xffu); }

@compute @workgroup_size(8, 8)
fn blockSums(@builtin(global_invocation_id) id: vec3u) {
  if (id.x >= params.blocksX || id.y >= params.blocksY) { return; }
  var s = vec4i(0);
  for (var y = 0u; y < 4u; y++) {
    let ra = (id.y * 4u + y) * params.strideA + id.x * 4u;
    let rb = (id.y * 4u + y) * params.strideB + id.x * 4u;
    for (var x = 0u; x < 4u; x++) {
      let va = sampleA(ra + x);
      let vb = sampleB(rb + x);
      s += vec4i(va, vb, va * va + vb * vb, va * vb);
    }
  }
  sums[id.y * params.blocksX + id.x] = s;
}

// x264's ssim_end1 on the sums of one 8x8 window, integers then f32 as in C.
fn windowSsim(s: vec4i) -> f32 {
  let c1 = 416;
  let c2 = 235963;
  let vars = s.z * 64 - s.x * s.x - s.y * s.y;
  let covar = s.w * 64 - s.x * s.y;
  return (f32(2 * s.x * s.y + c1) * f32(2 * covar + c2)) / (f32(s.x * s.x + s.y * s.y + c1) * f32(vars + c2));
}

@compute @workgroup_size(64)
fn rowTotals(@builtin(global_invocation_id) id: vec3u) {
  let row = id.x + 1u;
  if (row >= params.blocksY) { return; }
  let above = (row - 1u) * params.blocksX;
  let here = row * params.blocksX;
  var total = 0.0;
  for (var i = 0u; i + 1u < params.blocksX; i++) {
    total += windowSsim(sums[above + i] + sums[above + i + 1u] + sums[here + i] + sums[here + i + 1u]);
  }
  rows[id.x] = total;
}
`;

interface Pipelines {
  blocks: GPUComputePipeline;
  rows: GPUComputePipeline;
}

const pipelineCache = new WeakMap<GPUDevice, Promise<Pipelines>>();

function pipelines(device: GPUDevice): Promise<Pipelines> {
  let cached = pipelineCache.get(device);
  if (!cached) {
    const module = device.createShaderModule({ label: 'ssim', code: SHADER });
    const make = (entryPoint: string) => device.createComputePipelineAsync({ label: `ssim ${entryPoint}`, layout: 'auto', compute: { module, entryPoint } });
    cached = Promise.all([make('blockSums'), make('rowTotals')]).then(([blocks, rows]) => ({ blocks, rows }));
    pipelineCache.set(device, cached);
  }
  return cached;
}

/** SSIM of two frames per plane and overall on `device`; matches ssimFrame within GPU_CPU_SSIM_DIFF. */
export async function ssimFrameGpu(device: GPUDevice, a: PlanarFrame, b: PlanarFrame): Promise<FrameSsim> {
  if (a.planes.length !== b.planes.length) throw new RangeError(`SSIM: frames have ${a.planes.length} and ${b.planes.length} planes`);
  const compiled = await pipelines(device);
  const owned: GPUBuffer[] = [];
  try {
    device.pushErrorScope('validation');
    const encoder = device.createCommandEncoder({ label: 'ssim' });
    const reads = a.planes.map((p, i) => encodePlane(device, encoder, compiled, owned, p, b.planes[i]!));
    device.queue.submit([encoder.finish()]);
    const error = await device.popErrorScope();
    if (error) throw new Error(`WebGPU rejected the SSIM passes: ${error.message}`);
    const planes: number[] = [];
    for (const { readback, rows, windows } of reads) {
      await readback.mapAsync(GPUMapMode.READ);
      const totals = new Float32Array(readback.getMappedRange(), 0, rows);
      let sum = 0;
      for (const t of totals) sum += t;
      readback.unmap();
      planes.push(sum / windows);
    }
    return { planes, all: weighted(a.planes, planes) };
  } finally {
    for (const buffer of owned) buffer.destroy();
  }
}

function encodePlane(device: GPUDevice, encoder: GPUCommandEncoder, compiled: Pipelines, owned: GPUBuffer[], a: Plane, b: Plane) {
  sameSize(a, b, 'SSIM');
  const blocksX = a.width >> 2;
  const blocksY = a.height >> 2;
  const rows = Math.max(1, blocksY - 1);
  const buffer = (label: string, size: number, usage: number) => {
    const made = device.createBuffer({ label, size: Math.max(16, Math.ceil(size / 4) * 4), usage });
    owned.push(made);
    return made;
  };
  const upload = (label: string, data: Uint8Array | Uint32Array, usage = GPUBufferUsage.STORAGE) => {
    const made = buffer(label, data.byteLength, usage | GPUBufferUsage.COPY_DST);
    device.queue.writeBuffer(made, 0, data.buffer, data.byteOffset, data.byteLength);
    return made;
  };
  const params = upload('ssim params', new Uint32Array([a.stride, b.stride, blocksX, blocksY]), GPUBufferUsage.UNIFORM);
  const pa = upload('ssim a', wordAligned(a));
  const pb = upload('ssim b', wordAligned(b));
  const sums = buffer('ssim sums', blocksX * blocksY * 16, GPUBufferUsage.STORAGE);
  const totals = buffer('ssim rows', rows * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
  const readback = buffer('ssim readback', rows * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
  const pass = encoder.beginComputePass();
  const bind = (pipeline: GPUComputePipeline, entries: Record<number, GPUBuffer>) =>
    device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: Object.entries(entries).map(([binding, b]) => ({ binding: Number(binding), resource: { buffer: b } })) });
  pass.setPipeline(compiled.blocks);
  pass.setBindGroup(0, bind(compiled.blocks, { 0: params, 1: pa, 2: pb, 3: sums }));
  pass.dispatchWorkgroups(Math.ceil(blocksX / 8), Math.ceil(blocksY / 8));
  pass.setPipeline(compiled.rows);
  pass.setBindGroup(0, bind(compiled.rows, { 0: params, 3: sums, 4: totals }));
  pass.dispatchWorkgroups(Math.ceil(rows / 64));
  pass.end();
  encoder.copyBufferToBuffer(totals, 0, readback, 0, rows * 4);
  return { readback, rows: blocksY - 1, windows: (blocksY - 1) * (blocksX - 1) };
}

/** The plane's bytes as uploaded: the whole strided span, padded to whole 32-bit words. */
function wordAligned(p: Plane): Uint8Array {
  const span = p.stride * (p.height - 1) + p.width;
  const bytes = p.data.subarray(0, span);
  if (span % 4 === 0 && bytes.byteOffset % 4 === 0) return bytes;
  const padded = new Uint8Array(Math.ceil(span / 4) * 4);
  padded.set(bytes);
  return padded;
}
