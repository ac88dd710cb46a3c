/**
 * A ComfyUI server's address as the user types it ("192.168.1.20:8188", "localhost:8188/",
 * "https://gpu.example/comfy") in one normal form: scheme, host, port and any path prefix, no
 * trailing slash. The page and the server's relay compare addresses in this form.
 */
export const DEFAULT_COMFYUI_SERVER = 'http://127.0.0.1:8188';

export type ServerAddress = { ok: true; url: string } | { ok: false; error: string };

export function normalizeServerAddress(text: string): ServerAddress {
  const typed = text.trim();
  const example = 'expected an address such as http://192.168.1.20:8188';
  if (typed === '') return { ok: false, error: `no ComfyUI server address: ${example}` };
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(typed) ? typed : `http://${typed}`);
  } catch {
    return { ok: false, error: `"${typed}" is not a server address: ${example}` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, error: `"${typed}" is not a web address (${url.protocol}): ${example}` };
  // Browsers percent-encode what Node refuses ("gpu box" becomes gpu%20box): a host name is letters, digits, dots and dashes.
  if (!/^([a-z0-9-]+\.)*[a-z0-9-]+$|^\[[0-9a-f:.]+\]$/i.test(url.hostname)) return { ok: false, error: `"${typed}" is not a server address: ${example}` };
  if (url.username || url.password) return { ok: false, error: `"${typed}" carries a user name or password in the address; give the server's token in its own field instead` };
  if (url.search || url.hash) return { ok: false, error: `"${typed}" has a query or fragment (${url.search}${url.hash}); give the server's address alone` };
  return { ok: true, url: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}

/** The addresses a node's server field names: one, or several separated by commas, spaces or lines. */
export function serverList(text: string): string[] {
  return text.split(/[\s,]+/).filter((part) => part !== '');
}

/** The port ComfyUI listens on unless told otherwise (main.py's --port). */
const COMFYUI_PORT = '8188';

/**
 * A ComfyUI server's address: as `normalizeServerAddress`, and a bare host typed without a
 * scheme or port is ComfyUI's own port ("gpu-2" is http://gpu-2:8188), and "localhost" is
 * 127.0.0.1, where ComfyUI listens by default (Node may try localhost's IPv6 address first,
 * which it does not answer on).
 */
export function normalizeComfyuiAddress(text: string): ServerAddress {
  const address = normalizeServerAddress(text);
  if (!address.ok) return address;
  const url = new URL(address.url);
  const typed = text.trim();
  if (url.hostname === 'localhost') url.hostname = '127.0.0.1';
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(typed) && !/^(\[[^\]]*\]|[^/:]*):\d+/.test(typed)) url.port = COMFYUI_PORT;
  return { ok: true, url: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}

/** The address as one path segment of the relay's URL (base64url), and back. */
export function serverSegment(url: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(url)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

export function serverFromSegment(segment: string): string | undefined {
  try {
    const binary = atob(segment.replace(/-/g, '+').replace(/_/g, '/'));
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
}
