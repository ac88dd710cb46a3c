/** Shows a node's output: media from blob URLs (revoked when unmounted), text as text. */
import { useEffect, useRef, useState } from 'react';
import { fileExtension, isMedia, type AudioValue, type MediaValue, type PortValue, type VideoValue } from '../engine';
import { useMediaElement, useObjectUrl } from './object-urls';

export function OutputPreview({ value, large = false }: { value: PortValue; large?: boolean }) {
  if (Array.isArray(value)) {
    return (
      <div className="preview-list">
        {value.map((item, i) => (
          <OutputPreview key={i} value={item} large={large} />
        ))}
      </div>
    );
  }
  if (isMedia(value)) return <MediaPreview media={value} large={large} />;
  return <p className="preview-text">{String(value)}</p>;
}

function MediaPreview({ media, large }: { media: MediaValue; large: boolean }) {
  const url = useObjectUrl(media);
  if (!url) return null;
  const className = large ? 'preview-media large' : 'preview-media nodrag';
  switch (media.kind) {
    case 'image':
      return <img className={className} src={url} width={media.width} height={media.height} alt={`${media.width}×${media.height} image`} draggable={false} />;
    case 'video':
      return <VideoPreview video={media} url={url} className={className} />;
    case 'audio':
      return <AudioPreview audio={media} url={url} />;
  }
}

/** Play/pause, a scrub bar over every frame, and frame stepping with the arrow buttons. */
function VideoPreview({ video, url, className }: { video: VideoValue; url: string; className: string }) {
  const element = useMediaElement<HTMLVideoElement>();
  const [time, setTime] = useState(0);
  const [playing, setPlaying] = useState(false);
  const frames = Math.max(1, Math.round(video.duration * video.fps));
  const frame = Math.min(frames - 1, Math.round(time * video.fps));
  const seekFrame = (f: number) => {
    const v = element.current;
    if (!v) return;
    v.pause();
    // Aim at the middle of the frame so rounding never lands on its neighbour.
    v.currentTime = (Math.max(0, Math.min(frames - 1, f)) + 0.5) / video.fps;
  };
  return (
    <div className="video-preview nodrag">
      <video ref={element} className={className} src={url} loop muted playsInline onTimeUpdate={(e) => setTime(e.currentTarget.currentTime)} onPlay={() => setPlaying(true)} onPause={() => setPlaying(false)} onClick={(e) => (e.currentTarget.paused ? void e.currentTarget.play() : e.currentTarget.pause())} />
      <div className="video-controls">
        <button type="button" onClick={() => (playing ? element.current?.pause() : void element.current?.play())} aria-label={playing ? 'Pause' : 'Play'}>
          {playing ? '❚❚' : '▶'}
        </button>
        <button type="button" onClick={() => seekFrame(frame - 1)} aria-label="Previous frame">
          ‹
        </button>
        <input type="range" min={0} max={frames - 1} value={frame} onChange={(e) => seekFrame(Number(e.target.value))} aria-label="Frame" />
        <button type="button" onClick={() => seekFrame(frame + 1)} aria-label="Next frame">
          ›
        </button>
        <span className="frame-counter">
          {frame + 1}/{frames}
        </span>
      </div>
    </div>
  );
}

/** A waveform drawn from the decoded samples (peak per pixel column), with the player under it. */
function AudioPreview({ audio, url }: { audio: AudioValue; url: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [error, setError] = useState<string>();
  useEffect(() => {
    let live = true;
    const context = new OfflineAudioContext(1, 1, audio.sampleRate);
    audio.blob
      .arrayBuffer()
      .then((bytes) => context.decodeAudioData(bytes))
      .then((buffer) => live && canvas.current && drawWaveform(canvas.current, buffer))
      .catch((e: unknown) => live && setError(`cannot draw the waveform: ${e instanceof Error ? e.message : String(e)}`));
    return () => {
      live = false;
    };
  }, [audio]);
  const player = useMediaElement<HTMLAudioElement>();
  return (
    <div className="audio-preview nodrag">
      {error ? <p className="preview-text">{error}</p> : <canvas ref={canvas} width={480} height={64} className="waveform" />}
      <audio ref={player} src={url} controls />
    </div>
  );
}

function drawWaveform(canvas: HTMLCanvasElement, buffer: AudioBuffer): void {
  const g = canvas.getContext('2d')!;
  const { width, height } = canvas;
  const channels = Array.from({ length: buffer.numberOfChannels }, (_, c) => buffer.getChannelData(c));
  const per = Math.max(1, Math.floor(buffer.length / width));
  g.clearRect(0, 0, width, height);
  g.fillStyle = '#b18cff';
  for (let x = 0; x < width; x++) {
    let peak = 0;
    for (const data of channels) for (let i = x * per; i < Math.min((x + 1) * per, data.length); i++) peak = Math.max(peak, Math.abs(data[i]!));
    const h = Math.max(1, peak * height);
    g.fillRect(x, (height - h) / 2, 1, h);
  }
}

/**
 * Saves a media output as a file named after its node. An earlier result (its node runs again, or
 * would) is offered as such, never as the current one: said on the button, and in the file's name.
 */
export function DownloadLink({ media, name, earlier }: { media: MediaValue; name: string; earlier?: string }) {
  const url = useObjectUrl(media);
  const extension = fileExtension(media.mime) ?? media.mime.split('/')[1] ?? 'bin';
  const file = `${name.replace(/[^\w\- ]+/g, '').trim() || 'output'}${earlier ? '-earlier' : ''}.${extension}`;
  return url ? (
    <a className={earlier ? 'button download earlier' : 'button download'} href={url} download={file} {...(earlier ? { title: `Earlier result: ${earlier}` } : {})}>
      {earlier ? 'Download earlier result' : 'Download'}
    </a>
  ) : null;
}

export function describeMedia(value: PortValue): string | undefined {
  if (!isMedia(value)) return undefined;
  const size = `${(value.blob.size / 1024).toFixed(0)} KiB`;
  switch (value.kind) {
    case 'image':
      return `${value.width}×${value.height} · ${size}`;
    case 'video':
      return `${value.width}×${value.height} · ${value.duration.toFixed(1)} s · ${value.fps} fps · ${size}`;
    case 'audio':
      return `${AUDIO_FORMATS[value.mime] ?? value.mime} · ${value.duration.toFixed(1)} s · ${(value.sampleRate / 1000).toFixed(1)} kHz ${CHANNELS[value.channels] ?? `${value.channels} channels`} · ${size}`;
  }
}

/** A sound file's format as people name it, by its type. */
const AUDIO_FORMATS: Readonly<Record<string, string>> = { 'audio/mpeg': 'MP3', 'audio/wav': 'WAV', 'audio/x-wav': 'WAV', 'audio/wave': 'WAV', 'audio/ogg': 'Ogg', 'audio/flac': 'FLAC', 'audio/mp4': 'M4A (AAC)', 'audio/aac': 'AAC', 'audio/webm': 'WebM' };
const CHANNELS: Readonly<Record<number, string>> = { 1: 'mono', 2: 'stereo' };
