/** Shows a node's output: media from blob URLs (revoked when unmounted), text as text. */
import { useEffect, useState } from 'react';
import { isMedia, type MediaValue, type PortValue } from '../engine';

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
  const url = useObjectUrl(media.blob);
  if (!url) return null;
  const className = large ? 'preview-media large' : 'preview-media nodrag';
  switch (media.kind) {
    case 'image':
      return <img className={className} src={url} width={media.width} height={media.height} alt={`${media.width}×${media.height} image`} draggable={false} />;
    case 'video':
      return <video className={className} src={url} controls loop muted playsInline />;
    case 'audio':
      return <audio className={className} src={url} controls />;
  }
}

function useObjectUrl(blob: Blob): string | undefined {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    const next = URL.createObjectURL(blob);
    setUrl(next);
    return () => URL.revokeObjectURL(next);
  }, [blob]);
  return url;
}

export function describeMedia(value: PortValue): string | undefined {
  if (!isMedia(value)) return undefined;
  const size = `${(value.blob.size / 1024).toFixed(0)} KiB`;
  return value.kind === 'audio' ? `${value.duration.toFixed(1)} s · ${size}` : `${value.width}×${value.height} · ${size}`;
}
