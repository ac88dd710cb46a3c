/**
 * ffmpeg.wasm (single-thread core), loaded only when a node first needs it and served entirely by
 * our own build: the core script, its 32 MB wasm and the class worker are `?url` assets, so it
 * works offline and under our CSP ('wasm-unsafe-eval'; no CDN). The multi-thread core would need
 * COOP/COEP and is known to hang silently in Chromium.
 *
 * One job at a time: inputs are mounted read-only (WORKERFS reads slices of the Blobs, so they
 * never enter ffmpeg's memory), the output is read back and deleted, and a watchdog terminates
 * the core when it stops reporting progress. A terminated core is loaded afresh by the next job.
 */
import type { FFFSType, FFmpeg, LogEvent, ProgressEvent } from '@ffmpeg/ffmpeg';
import { NodeError } from '../../engine';

/**
 * Largest input total taken. WORKERFS keeps inputs out of the wasm heap, but the output lives in
 * it and the core's memory stops at 2 GiB; an input this big would make an output that cannot fit.
 */
export const MAX_INPUT_BYTES = 1024 * 2 ** 20;

/** Silence (no progress, no log line) after which a run is taken to have hung. */
export const DEFAULT_STALL_MS = 30_000;

export interface FfmpegInput {
  /** File name inside the input folder; referred to in `args` as `inputPath(name)`. */
  name: string;
  blob: Blob;
}

export interface FfmpegJob {
  inputs: readonly FfmpegInput[];
  /** ffmpeg's arguments after `ffmpeg -nostdin -y`; write the result to `outputPath(output.name)`. */
  args: readonly string[];
  output: { name: string; mime: string };
  /** Seconds of media the run produces, to turn ffmpeg's output time into a fraction. */
  duration?: number;
  signal?: AbortSignal;
  onProgress?(fraction: number): void;
  stallMs?: number;
}

const INPUT_DIR = '/input';
const OUTPUT_DIR = '/output';

export const inputPath = (name: string): string => `${INPUT_DIR}/${name}`;
export const outputPath = (name: string): string => `${OUTPUT_DIR}/${name}`;

let loaded: Promise<FFmpeg> | undefined;
/** The job before this one; jobs run one after another on the one core. */
let queue: Promise<unknown> = Promise.resolve();

/** Runs one ffmpeg command and returns its output file; throws NodeError when ffmpeg fails. */
export function runFfmpeg(job: FfmpegJob): Promise<Blob> {
  const total = job.inputs.reduce((sum, input) => sum + input.blob.size, 0);
  if (total > MAX_INPUT_BYTES) {
    const mib = (bytes: number) => Math.ceil(bytes / 2 ** 20);
    return Promise.reject(new NodeError(`the input is ${mib(total)} MiB; ffmpeg.wasm takes at most ${mib(MAX_INPUT_BYTES)} MiB, as it must hold its output in 2 GiB of memory`));
  }
  const run = queue.then(() => runJob(job));
  queue = run.catch(() => undefined);
  return run;
}

function load(): Promise<FFmpeg> {
  loaded ??= (async () => {
    const [{ FFmpeg }, { coreURL, wasmURL, classWorkerURL }] = await Promise.all([import('@ffmpeg/ffmpeg'), import('./core-urls')]);
    const ffmpeg = new FFmpeg();
    await ffmpeg.load({ coreURL, wasmURL, classWorkerURL });
    await ffmpeg.createDir(INPUT_DIR);
    await ffmpeg.createDir(OUTPUT_DIR);
    return ffmpeg;
  })();
  loaded.catch(() => (loaded = undefined));
  return loaded;
}

/** Ends the core (and its worker, and all the memory it holds); the next job loads a new one. */
function terminate(ffmpeg: FFmpeg): void {
  ffmpeg.terminate();
  loaded = undefined;
}

async function runJob(job: FfmpegJob): Promise<Blob> {
  job.signal?.throwIfAborted();
  job.onProgress?.(0);
  const ffmpeg = await load().catch((error: unknown) => {
    throw new NodeError(`ffmpeg.wasm could not be loaded: ${String(error)}`);
  });
  job.signal?.throwIfAborted();
  const log: string[] = [];
  const watchdog = new Watchdog(job.stallMs ?? DEFAULT_STALL_MS, () => terminate(ffmpeg));
  const onLog = ({ message }: LogEvent) => {
    watchdog.feed();
    log.push(message);
    if (log.length > 20) log.shift();
  };
  const onProgress = ({ progress, time }: ProgressEvent) => {
    watchdog.feed();
    // `time` is the output's position in microseconds; `progress` is ffmpeg.wasm's own guess.
    const fraction = job.duration ? time / 1e6 / job.duration : progress;
    if (Number.isFinite(fraction)) job.onProgress?.(Math.min(1, Math.max(0, fraction)));
  };
  const abort = () => terminate(ffmpeg);
  ffmpeg.on('log', onLog);
  ffmpeg.on('progress', onProgress);
  job.signal?.addEventListener('abort', abort, { once: true });
  let mounted = false;
  try {
    if (job.inputs.length > 0) {
      await ffmpeg.mount('WORKERFS' as FFFSType, { blobs: job.inputs.map(({ name, blob }) => ({ name, data: blob })) }, INPUT_DIR);
      mounted = true;
    }
    watchdog.start();
    const code = await ffmpeg.exec([...job.args]);
    watchdog.stop();
    if (code !== 0) throw new NodeError(`ffmpeg.wasm failed (exit ${code}): ${lastError(log)}`);
    const data = await ffmpeg.readFile(outputPath(job.output.name));
    if (typeof data === 'string') throw new Error('ffmpeg.wasm returned text for a binary file');
    return new Blob([data as Uint8Array<ArrayBuffer>], { type: job.output.mime });
  } catch (error) {
    job.signal?.throwIfAborted();
    if (watchdog.fired) throw new NodeError(`ffmpeg.wasm stopped making progress for ${Math.round(watchdog.ms / 1000)} s and was ended; last output: ${lastError(log)}`);
    throw error;
  } finally {
    watchdog.stop();
    job.signal?.removeEventListener('abort', abort);
    ffmpeg.off('log', onLog);
    ffmpeg.off('progress', onProgress);
    if (ffmpeg.loaded) await cleanUp(ffmpeg, job.output.name, mounted);
  }
}

/** Frees what the job left in the core: the output file (in its memory) and the input mount. */
async function cleanUp(ffmpeg: FFmpeg, output: string, mounted: boolean): Promise<void> {
  const files = await ffmpeg.listDir(OUTPUT_DIR).catch(() => []);
  if (files.some((file) => file.name === output)) await ffmpeg.deleteFile(outputPath(output));
  if (mounted) await ffmpeg.unmount(INPUT_DIR);
}

/** The most telling of ffmpeg's last lines: an error line when there is one. */
function lastError(log: readonly string[]): string {
  const errors = log.filter((line) => /error|invalid|could not|unknown|failed|no such/i.test(line));
  return (errors.at(-1) ?? log.at(-1) ?? 'no output').trim();
}

/** Calls `onStall` once when `feed` has not been called for `ms`. */
class Watchdog {
  fired = false;
  private running = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly ms: number,
    private readonly onStall: () => void,
  ) {}

  start(): void {
    this.running = true;
    this.feed();
  }

  feed(): void {
    if (!this.running || this.fired) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.fired = true;
      this.onStall();
    }, this.ms);
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
