/**
 * The page suite `export` drives in headless Chromium: the same H.264 export at the same bitrate
 * by our WebCodecs path (convertVideo, as the Export node runs it) and by ffmpeg.wasm's libx264
 * veryfast (through our loader), each timed with performance.now() from source Blob to output Blob;
 * and the video alone through WebCodecs with one encoder setting changed at a time, to see which
 * settings Chromium's H.264 encoder honours and what each gives.
 */
import { ALL_FORMATS, BlobSource, BufferTarget, Input, Mp4OutputFormat, Output, VideoSampleSink, VideoSampleSource, type VideoEncodingConfig } from 'mediabunny';
import { inputPath, outputPath, runFfmpeg } from '../../../src/media/ffmpeg/ffmpeg';
import { convertVideo, type ConvertTarget } from '../../../src/media/video/convert-video';

export interface Timed {
  ms: number;
  /** The output file, base64, for the suite to measure. */
  data: string;
}

export interface ExportBench {
  /** Loads ffmpeg.wasm with a one-frame job, so its start-up is not timed with the export. */
  warmFfmpeg(): Promise<number>;
  /** The Export node's path: convertVideo to `target` (H.264 MP4 unless named), sound copied or re-encoded as the target needs. */
  webcodecs(source: string, bitrate: number, target?: ConvertTarget): Promise<Timed>;
  ffmpegWasm(source: string, bitrate: number): Promise<Timed>;
  /** The video re-encoded at `bitrate` with `setting` over mediabunny's defaults (High profile, VBR, a key frame every 2 s). */
  setting(source: string, bitrate: number, setting: EncoderSetting): Promise<Timed>;
  /** Whether the encoder takes a quantizer per frame (bitrateMode 'quantizer'), for rate control of our own. */
  takesQuantizer(width: number, height: number): Promise<boolean>;
}

/** What one sweep step changes: WebCodecs config fields, as mediabunny passes them on. */
export type EncoderSetting = Pick<VideoEncodingConfig, 'latencyMode' | 'bitrateMode' | 'keyFrameInterval' | 'fullCodecString' | 'contentHint'>;

async function fetchBlob(name: string): Promise<Blob> {
  const response = await fetch(name);
  if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
  return response.blob();
}

async function base64(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

const bench: ExportBench = {
  async warmFfmpeg() {
    const started = performance.now();
    await runFfmpeg({ inputs: [], args: ['-f', 'lavfi', '-i', 'color=size=16x16', '-frames:v', '1', outputPath('warm.png')], output: { name: 'warm.png', mime: 'image/png' } });
    return performance.now() - started;
  },

  async webcodecs(source, bitrate, target = 'mp4-h264') {
    const blob = await fetchBlob(source);
    const started = performance.now();
    const result = await convertVideo(blob, { target, bitrate });
    const ms = performance.now() - started;
    return { ms, data: await base64(result.blob) };
  },

  async ffmpegWasm(source, bitrate) {
    const blob = await fetchBlob(source);
    const started = performance.now();
    const result = await runFfmpeg({
      inputs: [{ name: 'source.mp4', blob }],
      args: ['-i', inputPath('source.mp4'), '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', String(bitrate), '-c:a', 'copy', outputPath('out.mp4')],
      output: { name: 'out.mp4', mime: 'video/mp4' },
      stallMs: 120_000,
    });
    const ms = performance.now() - started;
    return { ms, data: await base64(result) };
  },

  async setting(source, bitrate, setting) {
    const blob = await fetchBlob(source);
    const started = performance.now();
    const input = new Input({ source: new BlobSource(blob), formats: ALL_FORMATS });
    const track = await input.getPrimaryVideoTrack();
    if (!track) throw new Error(`${source} has no video track`);
    const target = new BufferTarget();
    const output = new Output({ format: new Mp4OutputFormat({ fastStart: 'in-memory' }), target });
    const video = new VideoSampleSource({ codec: 'avc', bitrate, ...setting });
    output.addVideoTrack(video, { frameRate: (await track.computePacketStats(60)).averagePacketRate });
    await output.start();
    for await (const sample of new VideoSampleSink(track).samples()) {
      await video.add(sample);
      sample.close();
    }
    await output.finalize();
    input.dispose();
    const ms = performance.now() - started;
    return { ms, data: await base64(new Blob([target.buffer!])) };
  },

  async takesQuantizer(width, height) {
    const { supported } = await VideoEncoder.isConfigSupported({ codec: 'avc1.640028', width, height, bitrateMode: 'quantizer' });
    return supported === true;
  },
};

(globalThis as { exportBench?: ExportBench }).exportBench = bench;
