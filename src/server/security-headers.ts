/**
 * The built app's Content-Security-Policy and the other headers every answer carries. The
 * policy is in the built index.html too (vite.config.ts), so dist/ on any static host keeps it;
 * the server adds what only a header can say (frame-ancestors) and the rest of the set.
 *
 * Only our own origin serves code; media shows from blob: URLs. Styles allow inline attributes
 * because React Flow positions nodes with them. Connections: our own origin (the relay), and,
 * for dist/ on a static host or a user's own proxy, HTTPS and ComfyUI on this machine. Keys are
 * confined to each provider's origin by the code (src/providers/http.ts), not by this policy.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob:",
  "connect-src 'self' blob: data: https: http://127.0.0.1:* http://localhost:* ws://127.0.0.1:* ws://localhost:*",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** What the server sends with every answer: the app holds keys and a Run button, so no site may frame it. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=()',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
