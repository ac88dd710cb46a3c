/**
 * Bundled into a blank page by local-motion-gpu.test.ts: renders the same poses on the WebGPU
 * and CPU paths of the depth renderer and reports how far their pixels differ.
 */
import { estimateDepth } from '../../src/media/depth/estimate-depth';
import { depthLimit, framePose, renderFrameCpu, type MotionSpec } from '../../src/media/motion/parallax';
import { createParallaxGpu } from '../../src/media/motion/parallax-gpu';
import { renderSampleScene } from '../../src/media/sample-scene';

export interface Agreement {
  label: string;
  max: number;
  mean: number;
  /** Share of channel values that differ at all. */
  differing: number;
}

async function compare(sourceSize: [number, number], size: [number, number], cases: { label: string; spec: MotionSpec; t: number }[]) {
  const [sw, sh] = sourceSize;
  const [width, height] = size;
  const source = { data: renderSampleScene(sw, sh, 7), width: sw, height: sh };
  const depth = estimateDepth(source);
  const gpu = await createParallaxGpu(source, depth, width, height);
  if (!gpu) return { adapter: 'none', agreements: [], destroyed: false };
  const cpuFrame = new Uint8ClampedArray(width * height * 4);
  const gpuFrame = new Uint8ClampedArray(width * height * 4);
  const agreements: Agreement[] = [];
  for (const { label, spec, t } of cases) {
    const pose = framePose(spec, t, depthLimit(spec, depth.maxGradient));
    renderFrameCpu(source, depth, pose, cpuFrame, width, height);
    await gpu.render(pose, gpuFrame);
    let max = 0;
    let sum = 0;
    let differing = 0;
    for (let i = 0; i < cpuFrame.length; i++) {
      const d = Math.abs(cpuFrame[i]! - gpuFrame[i]!);
      max = Math.max(max, d);
      sum += d;
      if (d > 0) differing++;
    }
    agreements.push({ label, max, mean: sum / cpuFrame.length, differing: differing / cpuFrame.length });
  }
  gpu.destroy();
  // Rendering with destroyed buffers must fail: proof that destroy() freed them.
  const destroyed = await gpu.render(framePose(cases[0]!.spec, 0.5, 1), gpuFrame).then(
    () => false,
    () => true,
  );
  const info = (await navigator.gpu.requestAdapter())?.info;
  return { adapter: [info?.vendor, info?.architecture].filter(Boolean).join(' / '), agreements, destroyed };
}

(globalThis as any).compareParallax = compare;
