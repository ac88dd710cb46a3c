/**
 * Blob URLs for media shown in the page, one per content hash, and the elements that play them.
 * A URL is revoked only after the elements have moved on to the next one (or unmounted): revoked
 * while a <video> still points at it, the video's next range read fails (net::ERR_FILE_NOT_FOUND),
 * which a busy machine shows.
 */
import { useEffect, useRef, useState, type RefObject } from 'react';
import type { MediaValue } from '../engine';

/** Object URLs for `media`, kept while their content is the same, whatever Blob carries it. */
export function useObjectUrls(media: readonly (MediaValue | undefined)[]): (string | undefined)[] {
  const [urls, setUrls] = useState<(string | undefined)[]>([]);
  const key = media.map((m) => m?.hash ?? '').join(',');
  useEffect(() => {
    setUrls(media.map((m) => (m ? URL.createObjectURL(m.blob) : undefined)));
  }, [key]); // the hashes say when the content changes
  // Runs after the commit that shows the next URLs, or on unmount.
  useEffect(() => () => urls.forEach((u) => u && URL.revokeObjectURL(u)), [urls]);
  return urls;
}

export function useObjectUrl(media: MediaValue): string | undefined {
  return useObjectUrls([media])[0];
}

/**
 * A ref for the <video> or <audio> that plays an object URL. Unmounted, a media element is only
 * detached and goes on reading its URL, revoked by then; this stops it.
 */
export function useMediaElement<T extends HTMLMediaElement>(): RefObject<T | null> {
  const element = useRef<T>(null);
  useEffect(() => {
    const media = element.current;
    return () => {
      if (!media) return;
      media.removeAttribute('src');
      media.load();
    };
  }, []);
  return element;
}
