/**
 * Suite `export`: a 1080p30 10 s clip with audio (native ffmpeg's testsrc2 and a tone: easy
 * content, H.264 CRF 12 + AAC) exported to H.264 MP4 at BITRATE, audio copied, three ways:
 * - ours: WebCodecs through convertVideo, as the Export node runs it, in headless Chromium;
 * - ffmpeg.wasm: libx264 veryfast through our lazy loader, in the same Chromium (start-up excluded);
 * - native ffmpeg: libx264 veryfast, timed whole (process start and file I/O included).
 * Each timed from source file to output file, once (each takes seconds to minutes).
 *
 * Ratios: `export_vs_ffmpeg_wasm` = ours / ffmpeg.wasm (goal <= 0.25),
 * `export_vs_native_x264_veryfast` = ours / native (goal <= 0.5) and `export_psnr_gap_db` = native's
 * PSNR - ours (goal <= 1). PSNR of each output against the source (native ffmpeg's psnr filter,
 * limited range 4:2:0) and each output's real video bitrate, since WebCodecs H.264 can miss the
 * rate asked for. Then SETTINGS: the video alone re-encoded with one WebCodecs setting changed at a
 * time, each with its PSNR and time, and whether the encoder takes a quantizer per frame. Last,
 * the same export to the Export node's other formats (VP9 WebM, AV1 MP4), with time and PSNR.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from '../../src/cli/chromium';
import { psnr } from '../../test/browser/psnr';
import type { EncoderSetting, ExportBench } from '../pages/export/main';
import { report, type BenchResult } from '../lib/report';
import { servePage } from '../../test/browser/serve-page';
import { clip1080p } from '../lib/sources';
import { now, nsToMs, round } from '../lib/timing';

const SECONDS = 10;
const BITRATE = 8_000_000;

/** One change each from mediabunny's defaults, which the Export node uses. */
const SETTINGS: Record<string, EncoderSetting> = {
  defaults: {},
  latency_quality: { latencyMode: 'quality' },
  bitrate_constant: { bitrateMode: 'constant' },
  keyframe_10s: { keyFrameInterval: 10 },
  profile_baseline: { fullCodecString: 'avc1.42002a' },
  profile_main: { fullCodecString: 'avc1.4d0028' },
  hint_detail: { contentHint: 'detail' },
  hint_detail_latency_quality: { contentHint: 'detail', latencyMode: 'quality' },
};

/** The Export node's formats besides H.264, by result name. */
const OTHER_FORMATS = { vp9: 'webm-vp9', av1: 'mp4-av1' } as const;

interface PageScope {
  exportBench: ExportBench;
}

function native(source: string, out: string): number {
  const started = now();
  const run = spawnSync('ffmpeg', ['-v', 'error', '-y', '-i', source, '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', String(BITRATE), '-c:a', 'copy', out], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`native ffmpeg failed: ${run.stderr}`);
  return nsToMs(now() - started);
}

/** The video stream's bitrate in Mb/s, from its size and duration. */
function videoMbps(file: string): number {
  const out = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=bit_rate', '-of', 'csv=p=0', file], { encoding: 'utf8' });
  return Number(out.trim()) / 1e6;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'stillmotion-bench-export-'));
  try {
    const source = clip1080p(dir, SECONDS);
    // Other work on the machine slows every path; the load says how busy it was.
    const load = loadavg()[0]!;
    const nativeOut = join(dir, 'native.mp4');
    const nativeMs = native(source, nativeOut);
    console.log(`native x264 veryfast: ${nativeMs.toFixed(0)} ms`);

    const served = await servePage(fileURLToPath(new URL('../pages/export/', import.meta.url)), [source]);
    const browser = await launch();
    const outputs: Record<'webcodecs' | 'wasm', string> = { webcodecs: join(dir, 'webcodecs.mp4'), wasm: join(dir, 'wasm.mp4') };
    let ms: Record<'webcodecs' | 'wasm' | 'warm', number>;
    const sweep: BenchResult[] = [];
    let takesQuantizer: boolean;
    try {
      const page = await browser.newPage();
      await page.goto(served.url);
      await page.waitForFunction(() => 'exportBench' in globalThis);
      const ours = await page.evaluate(([s, b]) => (globalThis as unknown as PageScope).exportBench.webcodecs(s, b), ['source.mp4', BITRATE] as const);
      writeFileSync(outputs.webcodecs, Buffer.from(ours.data, 'base64'));
      console.log(`ours (WebCodecs): ${ours.ms.toFixed(0)} ms`);
      const warm = await page.evaluate(() => (globalThis as unknown as PageScope).exportBench.warmFfmpeg());
      console.log(`ffmpeg.wasm load: ${warm.toFixed(0)} ms`);
      const wasm = await page.evaluate(([s, b]) => (globalThis as unknown as PageScope).exportBench.ffmpegWasm(s, b), ['source.mp4', BITRATE] as const);
      writeFileSync(outputs.wasm, Buffer.from(wasm.data, 'base64'));
      console.log(`ffmpeg.wasm x264 veryfast: ${wasm.ms.toFixed(0)} ms`);
      ms = { webcodecs: ours.ms, wasm: wasm.ms, warm };
      for (const [name, setting] of Object.entries(SETTINGS)) {
        const out = join(dir, `setting-${name}.mp4`);
        const run = await page.evaluate(([s, b, c]) => (globalThis as unknown as PageScope).exportBench.setting(s, b, c), ['source.mp4', BITRATE, setting] as const);
        writeFileSync(out, Buffer.from(run.data, 'base64'));
        const db = psnr(out, source).average;
        console.log(`setting ${name}: ${db.toFixed(2)} dB, ${videoMbps(out).toFixed(2)} Mb/s, ${run.ms.toFixed(0)} ms`);
        sweep.push({ name: `setting_${name}_psnr`, value: round(db, 2), unit: 'dB' }, { name: `setting_${name}_ms`, value: round(run.ms, 0), unit: 'ms (video only, no sound)' });
      }
      for (const [name, target] of Object.entries(OTHER_FORMATS)) {
        const out = join(dir, `format-${target}.${target.startsWith('webm') ? 'webm' : 'mp4'}`);
        const run = await page.evaluate(([s, b, t]) => (globalThis as unknown as PageScope).exportBench.webcodecs(s, b, t), ['source.mp4', BITRATE, target] as const);
        writeFileSync(out, Buffer.from(run.data, 'base64'));
        const db = psnr(out, source).average;
        console.log(`format ${target}: ${db.toFixed(2)} dB, ${run.ms.toFixed(0)} ms`);
        sweep.push(
          { name: `ours_webcodecs_${name}_ms`, value: round(run.ms, 0), unit: 'ms' },
          { name: `ours_webcodecs_${name}_fps`, value: round((SECONDS * 30 * 1000) / run.ms, 1), unit: 'frames/s' },
          { name: `ours_webcodecs_${name}_psnr`, value: round(db, 2), unit: 'dB' },
        );
      }
      takesQuantizer = await page.evaluate(() => (globalThis as unknown as PageScope).exportBench.takesQuantizer(1920, 1080));
    } finally {
      await browser.close();
      await served.close();
    }

    const quality = { webcodecs: psnr(outputs.webcodecs, source), wasm: psnr(outputs.wasm, source), native: psnr(nativeOut, source) };
    const results: BenchResult[] = [
      { name: 'ours_webcodecs_ms', value: round(ms.webcodecs, 0), unit: 'ms' },
      { name: 'ffmpeg_wasm_x264_veryfast_ms', value: round(ms.wasm, 0), unit: 'ms' },
      { name: 'ffmpeg_wasm_load_ms', value: round(ms.warm, 0), unit: 'ms' },
      { name: 'native_x264_veryfast_ms', value: round(nativeMs, 0), unit: 'ms' },
      { name: 'ours_webcodecs_psnr', value: round(quality.webcodecs.average, 2), unit: 'dB' },
      { name: 'ffmpeg_wasm_psnr', value: round(quality.wasm.average, 2), unit: 'dB' },
      { name: 'native_x264_veryfast_psnr', value: round(quality.native.average, 2), unit: 'dB' },
      { name: 'ours_webcodecs_video_bitrate', value: round(videoMbps(outputs.webcodecs), 2), unit: 'Mb/s' },
      { name: 'ffmpeg_wasm_video_bitrate', value: round(videoMbps(outputs.wasm), 2), unit: 'Mb/s' },
      { name: 'native_x264_veryfast_video_bitrate', value: round(videoMbps(nativeOut), 2), unit: 'Mb/s' },
      ...sweep,
      { name: 'avc_quantizer_mode_supported', value: takesQuantizer ? 1 : 0, unit: '1 yes, 0 no' },
      { name: 'load_average_1m_at_start', value: round(load, 2), unit: 'runnable tasks' },
    ];
    report('export', results, {
      export_vs_ffmpeg_wasm: round(ms.webcodecs / ms.wasm),
      export_vs_native_x264_veryfast: round(ms.webcodecs / nativeMs),
      export_psnr_gap_db: round(quality.native.average - quality.webcodecs.average, 2),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
