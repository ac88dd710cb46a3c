/**
 * Suite `preview`: how fast a node's live preview answers a change of params, at 640x360, in the
 * built app's preview worker in headless Chromium, as the editor asks it (PreviewClient.show).
 *
 * For each node and path, a param is changed REPEATS times (one change at a time, each waited
 * for) and two figures are kept, medians:
 * - `_update_ms`: from the page's request to the page hearing it drawn (the param change a user
 *   sees: for Local motion a new painter, its working source and the still; for Upscale the
 *   centre strip resampled; for Conform the frame reframed), the goal being under 100 ms;
 * - `_frame_ms`: drawing one frame of a scene already made (what each frame of a playing move
 *   costs; for the stills it is the putImageData or drawImage alone).
 * Inputs are made first by the app's engine: Sample image at 1920x1080 (seed 7) for Local motion
 * and Upscale, and a 1 s 1280x720 Local motion clip for Conform. Paths: the CPU (what Auto picks
 * here), WebGPU (SwiftShader on this machine: a CPU emulating a GPU, so it is slower than the CPU
 * path and says nothing of a real GPU; see the `gpu` suite for one), and Conform's canvas (it has
 * no GPU path of its own: mediabunny draws with the canvas). Loading (decoding the image, depth)
 * happens once per input and is reported on its own. Canvas draws (flat moves, Conform) are
 * recorded by the canvas and rasterised when it is shown, so their `_frame_ms` is the recording.
 *
 * Then runs: a Local motion run (2 s, 720p, depth on the CPU) is timed alone and while a
 * Local motion preview is asked for every 16 ms (a slider dragged through the whole run), RUNS
 * times each, alternating, each with its own seed so nothing comes from the cache; the node's own
 * `ms` is kept. `run_delay_while_dragging` is the ratio of the medians. The runs go to the engine
 * directly, not through the editor's Runner, so the preview worker is not told a run is active
 * and answers every request without its 150 ms gap: the worst case. On a loaded 2-core machine
 * single runs vary by half their time; read the ratio with the runs listed above the table.
 */
import { loadavg } from 'node:os';
import { launch } from '../../src/cli/chromium';
import { motionGraph } from '../../test/browser/graphs';
import { serveApp } from '../../test/browser/serve-app';
import { report, type BenchResult } from '../lib/report';
import { median, round } from '../lib/timing';

const REPEATS = 15;
const RUNS = 3;

interface Config {
  name: string;
  type: string;
  input: 'image' | 'video';
  /** The params of change number i. */
  params: (i: number) => Record<string, unknown>;
}

const CONFIGS: Config[] = [
  { name: 'local_motion_depth_cpu', type: 'generate.local', input: 'image', params: (i) => ({ renderer: 'cpu', parallax: 0.5, intensity: 0.3 + (i % 7) * 0.1 }) },
  { name: 'local_motion_depth_webgpu', type: 'generate.local', input: 'image', params: (i) => ({ renderer: 'gpu', parallax: 0.5, intensity: 0.3 + (i % 7) * 0.1 }) },
  { name: 'local_motion_flat_canvas', type: 'generate.local', input: 'image', params: (i) => ({ parallax: 0, intensity: 0.3 + (i % 7) * 0.1 }) },
  { name: 'upscale_2x_cpu', type: 'image.upscale', input: 'image', params: (i) => ({ backend: 'cpu', mode: '2x', sharpen: (i % 10) * 0.1 }) },
  { name: 'upscale_2x_webgpu', type: 'image.upscale', input: 'image', params: (i) => ({ backend: 'gpu', mode: '2x', sharpen: (i % 10) * 0.1 }) },
  { name: 'conform_canvas', type: 'video.conform', input: 'video', params: (i) => ({ width: 1920 - (i % 8) * 64, height: 1080, fit: i % 2 ? 'fill' : 'fit' }) },
];

interface Measured {
  loadMs: number;
  update: number[];
  frame: number[];
  label: string;
  size: string;
}

async function main() {
  const load = loadavg()[0]!;
  const app = await serveApp();
  const browser = await launch();
  try {
    const page = await (await browser.newContext()).newPage();
    await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
    await page.goto(app.url);
    await page.waitForFunction(() => Boolean((globalThis as any).stillmotion?.preview));
    const inputs = motionGraph('bench-preview-inputs', { image: { height: 1080 }, motion: { duration: 1, resolution: '720p' } });
    const measured: Record<string, Measured> = await page.evaluate(
      async ({ doc, configs, repeats }) => {
        const { engine, preview } = (globalThis as any).stillmotion;
        const summary = await engine.run(doc, { onEvents() {} }).done;
        const values = { image: summary.nodes.image.outputs.image, video: summary.nodes.motion.outputs.video };
        const out: Record<string, unknown> = {};
        for (const config of configs as { name: string; type: string; input: 'image' | 'video'; params: Record<string, unknown>[] }[]) {
          const params = (i: number) => config.params[i]!;
          const canvas = document.createElement('canvas');
          let answer: (report: any) => void = () => {};
          preview.attach(config.name, canvas.transferControlToOffscreen(), (report: any) => answer(report));
          const ask = (seq: number) =>
            new Promise<any>((resolve) => {
              const started = performance.now();
              answer = (report) => report.seq === seq && resolve({ ...report, roundTrip: performance.now() - started });
              preview.show(config.name, { type: config.type, inputs: { [config.input]: values[config.input] }, params: params(seq), box: { width: 640, height: 360 }, seq });
            });
          const first = await ask(0);
          if (!first.drawn) throw new Error(`${config.name}: ${first.error}`);
          const update: number[] = [];
          const frame: number[] = [];
          for (let seq = 1; seq <= repeats + 2; seq++) {
            const report = await ask(seq);
            if (!report.drawn) throw new Error(`${config.name}: ${report.error}`);
            // The first two warm the JIT and the GPU pipeline.
            if (seq > 2) {
              update.push(report.roundTrip);
              frame.push(report.drawMs);
            }
          }
          preview.detach(config.name);
          out[config.name] = { loadMs: first.roundTrip, update, frame, label: first.label, size: `${first.width}x${first.height}` };
        }
        return out as any;
      },
      // Params listed here: the app's CSP forbids eval, so no function crosses as text.
      { doc: inputs, configs: CONFIGS.map((c) => ({ ...c, params: Array.from({ length: REPEATS + 3 }, (_, i) => c.params(i)) })), repeats: REPEATS },
    );
    const runs = Array.from({ length: 2 * RUNS }, (_, i) => {
      const doc = motionGraph(`bench-preview-run-${i}`, { image: { height: 1080 }, motion: { duration: 2, resolution: '720p', renderer: 'cpu', parallax: 0.5, seed: 1000 + i } });
      doc.nodes[1]!.version = 3;
      return doc;
    });
    const runMs: { alone: number[]; dragging: number[] } = await page.evaluate(async (docs) => {
      const { engine, preview } = (globalThis as any).stillmotion;
      const out = { alone: [] as number[], dragging: [] as number[] };
      const image = (await engine.run(docs[0], { targets: ['image'], onEvents() {} }).done).nodes.image.outputs.image;
      for (const [i, doc] of docs.entries()) {
        const dragging = i % 2 === 1;
        let stop = () => {};
        if (dragging) {
          preview.attach('bench-drag', document.createElement('canvas').transferControlToOffscreen(), () => {});
          let seq = 0;
          const timer = setInterval(() => preview.show('bench-drag', { type: 'generate.local', inputs: { image }, params: { renderer: 'cpu', parallax: 0.5, intensity: (++seq % 20) / 20 }, box: { width: 640, height: 360 }, seq }), 16);
          stop = () => (clearInterval(timer), preview.detach('bench-drag'));
        }
        let ms = NaN;
        await engine.run(doc, { onEvents: (events: any[]) => events.forEach((e) => e.nodeId === 'motion' && e.state === 'done' && (ms = e.ms)) }).done;
        stop();
        (dragging ? out.dragging : out.alone).push(ms);
      }
      return out;
    }, runs);
    console.log(`Local motion run alone ${runMs.alone.map((v) => round(v)).join(', ')} ms; while dragging ${runMs.dragging.map((v) => round(v)).join(', ')} ms`);
    const results: BenchResult[] = [];
    for (const config of CONFIGS) {
      const m = measured[config.name]!;
      console.log(`${config.name}: ${m.size}, "${m.label}"; updates ${m.update.map((v) => round(v, 1)).join(', ')} ms`);
      results.push(
        { name: `${config.name}_update_ms`, value: round(median(m.update), 1), unit: `ms from param change to drawn, ${m.size} (median of ${REPEATS})` },
        { name: `${config.name}_frame_ms`, value: round(median(m.frame), 2), unit: `ms to draw one frame, ${m.size} (median of ${REPEATS})` },
        { name: `${config.name}_first_ms`, value: round(m.loadMs, 1), unit: 'ms for the first preview of an input (decode, depth, scene, frame)' },
      );
    }
    results.push(
      { name: 'local_motion_run_alone_ms', value: round(median(runMs.alone)), unit: `ms, 2 s 720p depth on the CPU (median of ${RUNS})` },
      { name: 'local_motion_run_while_dragging_ms', value: round(median(runMs.dragging)), unit: `ms, the same with a preview asked for every 16 ms (median of ${RUNS})` },
      { name: 'load_average_1m_at_start', value: round(load, 2), unit: 'runnable tasks (2 cores)' },
    );
    const update = (name: string) => results.find((r) => r.name === `${name}_update_ms`)!.value;
    report('preview', results, {
      preview_update_ms_cpu_worst: Math.max(update('local_motion_depth_cpu'), update('upscale_2x_cpu'), update('conform_canvas')),
      run_delay_while_dragging: round(median(runMs.dragging) / median(runMs.alone), 3),
      local_motion_preview_fps_cpu: round(1000 / results.find((r) => r.name === 'local_motion_depth_cpu_frame_ms')!.value, 1),
    });
  } finally {
    await browser.close();
    await app.close();
  }
}

await main();
