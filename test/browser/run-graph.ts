/**
 * Running a graph in the app's engine worker from a test, and looking at what it made with
 * native ffprobe. Shared by the media tests so each one states only what it checks.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { fileExtension, type WorkflowDocument } from '../../src/engine';
import { freshApp } from './fresh-app';

export interface NodeOutcome {
  state: string;
  error?: string;
  /** The node's last progress message. */
  message?: string;
  /** How long its own work took (0 when it came from the cache). */
  ms?: number;
  /** Its media output's metadata, without the blob. */
  meta?: Record<string, unknown>;
  /** Where its media output's bytes were written. */
  file?: string;
}


/** A file put into the app's asset store before a run, as the file picker would. */
export interface TestAsset {
  path: string;
  name: string;
  mime: string;
}

/** The parameter value that refers to `asset` once stored: content hash, name, type, size. */
export function assetRef(asset: TestAsset): { hash: string; name: string; mime: string; size: number } {
  const bytes = readFileSync(asset.path);
  return { hash: createHash('sha256').update(bytes).digest('hex'), name: asset.name, mime: asset.mime, size: bytes.length };
}

/**
 * Runs `document` in the app with empty storage (freshApp) and writes every node's media
 * output into `dir` as `<tag>-<node>.<ext>`. `assets` are stored first, so params made with
 * `assetRef` find them.
 */
export async function runGraph(browser: Browser, document: WorkflowDocument, dir: string, tag: string, assets: TestAsset[] = []): Promise<{ ms: number; nodes: Record<string, NodeOutcome> }> {
  const { page, errors } = await freshApp(browser);
  await storeAssets(page, assets);
  const result = await page.evaluate(async (document) => {
    const { engine } = (globalThis as any).stillmotion;
    const base64 = async (blob: Blob) => {
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let text = '';
      for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(text);
    };
    const messages: Record<string, string> = {};
    const times: Record<string, number> = {};
    const onEvents = (events: any[]) => {
      for (const e of events) {
        if (e.type !== 'node') continue;
        if (e.message) messages[e.nodeId] = e.message;
        if (e.state === 'done' || e.state === 'cached') times[e.nodeId] = e.ms;
      }
    };
    const started = performance.now();
    const summary = await engine.run(document, { onEvents }).done;
    const ms = performance.now() - started;
    const nodes: Record<string, { state: string; error?: string; message?: string; ms?: number; meta?: Record<string, unknown>; data?: string }> = {};
    for (const [id, result] of Object.entries<any>(summary.nodes)) {
      const media = result.outputs?.video ?? result.outputs?.image ?? result.outputs?.audio;
      const { blob, ...meta } = media ?? {};
      nodes[id] = { state: result.state, message: messages[id], ms: times[id], ...(result.error ? { error: result.error } : {}), ...(media ? { meta, data: await base64(blob) } : {}) };
    }
    return { ms, nodes };
  }, document);
  expect(errors).toEqual([]);
  const nodes: Record<string, NodeOutcome> = {};
  for (const [id, { data, ...rest }] of Object.entries(result.nodes)) {
    const file = data ? join(dir, `${tag}-${id}.${fileExtension(String(rest.meta?.mime)) ?? 'bin'}`) : undefined;
    if (file) writeFileSync(file, Buffer.from(data!, 'base64'));
    nodes[id] = { ...rest, ...(file ? { file } : {}) };
  }
  return { ms: result.ms, nodes };
}

export interface Probe {
  streams: { codec_name: string; width: number; height: number; r_frame_rate: string; nb_read_frames: string }[];
  format: { format_name: string; duration: string; tags?: Record<string, string> };
}

/** ffprobe's view of a video's first video stream (frames counted) and its container. */
export function probe(file: string): Probe {
  const args = ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height,r_frame_rate,nb_read_frames', '-show_entries', 'format=format_name,duration:format_tags', '-of', 'json', file];
  return JSON.parse(execFileSync('ffprobe', args, { encoding: 'utf8' })) as Probe;
}

/** A metric printed by one of ffmpeg's comparison filters ('ssim' All, 'psnr' average) for two images. */
export function compare(a: string, b: string, metric: 'ssim' | 'psnr'): number {
  // SSIM in 4:2:0 YUV, the space H.264 stores, so chroma subsampling does not count as a difference.
  const filter = metric === 'ssim' ? '[0]format=yuv420p[a];[1]format=yuv420p[b];[a][b]ssim' : '[0][1]psnr';
  const { stderr } = spawnSync('ffmpeg', ['-i', a, '-i', b, '-lavfi', filter, '-f', 'null', '-'], { encoding: 'utf8' });
  const match = (metric === 'ssim' ? /All:([\d.]+)/ : /average:([\d.]+|inf)/).exec(stderr);
  if (!match) throw new Error(`ffmpeg printed no ${metric}:\n${stderr}`);
  return match[1] === 'inf' ? Infinity : Number(match[1]);
}

/** The colour tags of a file's first video stream, as ffprobe reads them. */
export function probeColour(file: string): Record<'pix_fmt' | 'color_range' | 'color_space' | 'color_transfer' | 'color_primaries', string> {
  const args = ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=pix_fmt,color_range,color_space,color_transfer,color_primaries', '-of', 'json', file];
  return JSON.parse(execFileSync('ffprobe', args, { encoding: 'utf8' })).streams[0];
}

/** What players assume of video without asking: 4:2:0, limited range, BT.709 throughout. */
export const REC709_TAGS = { pix_fmt: 'yuv420p', color_range: 'tv', color_space: 'bt709', color_transfer: 'bt709', color_primaries: 'bt709' };

export interface AudioProbe {
  codec_name: string;
  sample_rate: string;
  channels: number;
  /** Seconds, as ffprobe prints them. */
  duration: string;
}

/** ffprobe's view of a file's first audio stream, or undefined when it has none. */
export function probeAudio(file: string): AudioProbe | undefined {
  const args = ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=codec_name,sample_rate,channels,duration', '-of', 'json', file];
  const { streams } = JSON.parse(execFileSync('ffprobe', args, { encoding: 'utf8' })) as { streams: AudioProbe[] };
  return streams[0];
}

/**
 * Mean loudness in dBFS of a file's audio between `from` and `to` seconds (ffmpeg volumedetect),
 * after `filter` (say a band-pass that keeps one tone); -91 is digital silence.
 */
export function meanVolume(file: string, from: number, to: number, filter?: string): number {
  const chain = [`atrim=${from}:${to}`, ...(filter ? [filter] : []), 'volumedetect'].join(',');
  const { stderr } = spawnSync('ffmpeg', ['-hide_banner', '-i', file, '-map', '0:a:0', '-af', chain, '-f', 'null', '-'], { encoding: 'utf8' });
  const match = /mean_volume: (-?[\d.]+|-inf) dB/.exec(stderr);
  if (!match) throw new Error(`ffmpeg printed no volume:\n${stderr}`);
  return match[1] === '-inf' ? -Infinity : Number(match[1]);
}

/**
 * Runs `document` in the app with empty storage and cancels as soon as node `nodeId` reports more
 * than `fraction` done; returns how the run ended and how long it took to stop.
 */
export async function runAndCancel(browser: Browser, document: WorkflowDocument, nodeId: string, fraction: number, assets: TestAsset[] = []): Promise<{ status: string; state: string; stopMs: number }> {
  const { page } = await freshApp(browser);
  await storeAssets(page, assets);
  return await page.evaluate(
    async ({ document, nodeId, fraction }) => {
      const { engine } = (globalThis as any).stillmotion;
      let cancelledAt = 0;
      const handle = engine.run(document, {
        onEvents: (events: any[]) => {
          if (!cancelledAt && events.some((e) => e.nodeId === nodeId && e.state === 'running' && e.fraction > fraction)) {
            cancelledAt = performance.now();
            handle.cancel();
          }
        },
      });
      const summary = await handle.done;
      return { status: summary.status, state: summary.nodes[nodeId].state, stopMs: performance.now() - cancelledAt };
    },
    { document, nodeId, fraction },
  );
}

/** Puts `assets` into the page's engine asset store, as the file picker would. */
async function storeAssets(page: Page, assets: TestAsset[]): Promise<void> {
  const files = assets.map(({ name, mime, path }) => ({ name, mime, data: readFileSync(path).toString('base64') }));
  await page.evaluate(async (files) => {
    const { engine } = (globalThis as any).stillmotion;
    for (const { name, mime, data } of files) await engine.putAsset(new Blob([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], { type: mime }), name);
  }, files);
}
