import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * The built app's Content-Security-Policy. Only our own origin serves code; media shows from
 * blob: URLs. Styles allow inline attributes because React Flow positions nodes with them.
 * Connections go to providers over HTTPS (their APIs, and the CDNs their results sit on, which
 * vary by region and over time, so no fixed list would hold) and to ComfyUI servers and local
 * test servers on this machine. Keys are confined to each provider's origin by the code
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

/** Puts the policy into the built index.html; the dev server needs inline scripts for HMR. */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'stillmotion-csp',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' }],
  };
}

export default defineConfig({
  plugins: [react(), contentSecurityPolicy()],
  worker: { format: 'es' },
  // Pre-bundling breaks ffmpeg.wasm's class worker ("Outdated Optimize Dep"); it loads lazily anyway.
  optimizeDeps: { exclude: ['@ffmpeg/ffmpeg'] },
  build: { target: 'es2022', sourcemap: true },
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173, headers: { 'Content-Security-Policy': CONTENT_SECURITY_POLICY } },
});
