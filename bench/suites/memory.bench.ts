/**
 * Suite `memory`: peak tab memory while the app upscales a 10 s 1080p30 clip with audio to 4K
 * (Video input -> Upscale video 2x, Auto backend -> Export MP4 H.264, defaults) in headless
 * Chromium. Measured as the proportional set size (Pss from /proc/PID/smaps_rollup: resident
 * memory, pages shared with other processes such as Chromium's own code counted in proportion) of
 * the browser's renderer processes, which hold the page, the engine worker and every decoder,
 * encoder and frame buffer they use, sampled every SAMPLE_MS; the GPU process (WebGPU,
 * compositing) is reported beside it. The clip reaches the page through a routed fetch, not a
 * base64 string, so the harness adds nothing to the page's memory. CDP's
 * JS heap metrics and measureUserAgentSpecificMemory (which needs cross-origin isolation) would
 * miss the native video buffers, which are the point.
 *
 * Ratio `peak_mib_4k_10s` = peak renderer Pss in MiB (goal <= 1024).
 */
import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { WORKFLOW_FORMAT, WORKFLOW_VERSION, type WorkflowDocument } from '../../src/engine';
import { launch } from '../../src/cli/chromium';
import { assetRef, type TestAsset } from '../../test/browser/run-graph';
import { serveApp } from '../../test/browser/serve-app';
import { report } from '../lib/report';
import { clip1080p } from '../lib/sources';
import { round } from '../lib/timing';

const SECONDS = 10;
const SAMPLE_MS = 250;
const GOAL_MIB = 1024;

/** Every process, by pid: parent and command line. */
function processes(): Map<number, { ppid: number; cmdline: string }> {
  const out = new Map<number, { ppid: number; cmdline: string }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      out.set(Number(entry), { ppid, cmdline: readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ') });
    } catch {
      // gone between listing and reading
    }
  }
  return out;
}

/** Proportional set size: resident memory with pages shared between processes split among them. */
function pssMiB(pid: number): number {
  try {
    const kb = /Pss:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** The Chromium this process started (Playwright launches it as our child, over a pipe). */
function browserPid(): number {
  for (const [pid, { ppid, cmdline }] of processes()) if (ppid === process.pid && cmdline.includes('--remote-debugging-pipe')) return pid;
  throw new Error('cannot find the Chromium this bench started');
}

/** Proportional resident MiB of the descendants of `root` whose command line says `--type=TYPE`, summed. */
function memoryOf(root: number): { renderer: number; gpu: number } {
  const all = processes();
  const descends = (pid: number): boolean => {
    for (let at = all.get(pid); at; at = all.get(at.ppid)) if (at.ppid === root) return true;
    return false;
  };
  let renderer = 0;
  let gpu = 0;
  for (const [pid, { cmdline }] of all) {
    if (!descends(pid)) continue;
    if (cmdline.includes('--type=renderer')) renderer += pssMiB(pid);
    if (cmdline.includes('--type=gpu-process')) gpu += pssMiB(pid);
  }
  return { renderer, gpu };
}

function graph(file: TestAsset): WorkflowDocument {
  const at = (x: number) => ({ x, y: 0 });
  return {
    format: WORKFLOW_FORMAT,
    version: WORKFLOW_VERSION,
    id: 'memory-4k',
    name: 'memory-4k',
    nodes: [
      { id: 'input', type: 'video.input', version: 1, position: at(0), params: { file: assetRef(file) } },
      { id: 'upscale', type: 'video.upscale', version: 1, position: at(400), params: { mode: '2x' } },
      { id: 'export', type: 'output.export', version: 1, position: at(800), params: { format: 'mp4-h264' } },
    ],
    edges: [
      { id: 'e1', source: 'input', sourcePort: 'video', target: 'upscale', targetPort: 'video' },
      { id: 'e2', source: 'upscale', sourcePort: 'video', target: 'export', targetPort: 'video' },
    ],
  };
}

async function main(): Promise<void> {
  // Other work on the machine slows every path; the load says how busy it was.
  const load = loadavg()[0]!;
  const dir = mkdtempSync(join(tmpdir(), 'stillmotion-bench-memory-'));
  const app = await serveApp();
  const browser = await launch();
  try {
    const root = browserPid();
    const path = clip1080p(dir, SECONDS);
    const file = { path, name: basename(path), mime: 'video/mp4' };
    const page = await browser.newPage();
    // tsx compiles with keepNames, which wraps functions passed to evaluate() in __name().
    await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
    await page.goto(app.url);
    await page.locator('[data-node-id="image"]').waitFor();
    await page.route('**/bench-source.mp4', (route) => route.fulfill({ path: file.path, contentType: file.mime }));
    await page.evaluate(
      async ({ name, mime }) => {
        const blob = await (await fetch('/bench-source.mp4')).blob();
        await (globalThis as any).stillmotion.assets.put(new Blob([blob], { type: mime }), name);
      },
      { name: file.name, mime: file.mime },
    );
    const before = memoryOf(root);
    const peak = { ...before };
    const sampler = setInterval(() => {
      const now = memoryOf(root);
      peak.renderer = Math.max(peak.renderer, now.renderer);
      peak.gpu = Math.max(peak.gpu, now.gpu);
    }, SAMPLE_MS);
    const started = Date.now();
    const outcome = await page.evaluate(async (document) => {
      const { engine } = (globalThis as any).stillmotion;
      const summary = await engine.run(document, { onEvents: () => undefined }).done;
      const nodes: Record<string, { state: string; error?: string; meta: Record<string, unknown>; bytes?: number }> = {};
      for (const id of ['upscale', 'export']) {
        const { blob, ...meta } = summary.nodes[id].outputs?.video ?? {};
        nodes[id] = { state: summary.nodes[id].state, error: summary.nodes[id].error, meta, bytes: blob?.size };
      }
      return { status: summary.status as string, upscale: nodes.upscale!, export: nodes.export! };
    }, graph(file));
    const seconds = (Date.now() - started) / 1000;
    clearInterval(sampler);
    console.log(JSON.stringify(outcome));
    if (outcome.status !== 'done' || outcome.export.meta.width !== 3840) throw new Error(`the 4K run did not finish: ${JSON.stringify(outcome)}`);
    const peakMiB = round(peak.renderer, 0);
    report(
      'memory',
      [
        { name: 'renderer_pss_before_mib', value: round(before.renderer, 0), unit: 'MiB' },
        { name: 'renderer_pss_peak_mib', value: peakMiB, unit: 'MiB' },
        { name: 'gpu_process_pss_peak_mib', value: round(peak.gpu, 0), unit: 'MiB' },
        { name: 'run_4k_10s_seconds', value: round(seconds, 1), unit: 's' },
        { name: 'export_4k_bytes', value: outcome.export.bytes ?? 0, unit: 'bytes' },
        { name: 'load_average_1m_at_start', value: round(load, 2), unit: 'runnable tasks' },
      ],
      { peak_mib_4k_10s: peakMiB },
    );
    console.log(`\npeak tab memory goal <= ${GOAL_MIB} MiB: ${peakMiB <= GOAL_MIB ? 'met' : 'NOT met'}`);
  } finally {
    await browser.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
