/**
 * The built app's Content-Security-Policy and the other headers every answer carries. The
 * policy is in the built index.html too (vite.config.ts), so dist/ on any static host keeps it;
 * the server adds what only a header can say (frame-ancestors) and the rest of the set.
 *
 * Only our own origin serves code; media shows from blob: URLs. Styles allow inline attributes
 * because React Flow positions nodes with them. Connections, in the built index.html: our own
 * origin, and, for dist/ on a static host, HTTPS and ComfyUI on this machine (providers that
 * answer browsers, a user's own proxy). Keys are confined to each provider's origin by the code
 * (src/providers/http.ts), not by this policy.
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

/**
 * The policy the server sends: the page it serves connects to its own origin only, since every
 * provider, ComfyUI server and proxy of the user's is reached through the relay there. A page
 * keeps both policies (this header and the built index.html's), so each connection must pass
 * both: a script injected into the page could send a key nowhere but the relay, which passes it
 * only to that provider's API or a proxy the user set. No site may frame the app, which holds
 * keys and a Run button.
 */
export const SERVED_CONTENT_SECURITY_POLICY = `${CONTENT_SECURITY_POLICY.replace(/connect-src [^;]*/, "connect-src 'self' blob: data:")}; frame-ancestors 'none'`;

/** What the server sends with every answer. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': SERVED_CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=()',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
