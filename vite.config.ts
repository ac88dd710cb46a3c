import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { CONTENT_SECURITY_POLICY } from './src/server/security-headers.ts';


/** Puts the policy into the built index.html; the dev server needs inline scripts for HMR. */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'stillmotion-csp',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' }],
  };
}

/**
 * Two builds: the app (dist/, `vite build`), and the Stillmotion server and the `stillmotion`
 * command (dist-server/main.js and cli.js, `vite build --ssr`), which run with plain Node: a
 * bundle starts faster and holds less memory than the sources under a TypeScript loader. Their
 * dependencies stay in node_modules.
 */
export default defineConfig(({ isSsrBuild }) =>
  isSsrBuild
    ? {
        publicDir: false,
        build: { ssr: true, rolldownOptions: { input: { main: 'src/server/main.ts', cli: 'src/cli/main.ts' } }, outDir: 'dist-server', emptyOutDir: true, target: 'node20', sourcemap: true },
      }
    : {
        plugins: [react(), contentSecurityPolicy()],
        worker: { format: 'es' },
        // Pre-bundling breaks ffmpeg.wasm's class worker ("Outdated Optimize Dep"); it loads lazily anyway.
        optimizeDeps: { exclude: ['@ffmpeg/ffmpeg'] },
        build: { target: 'es2022', sourcemap: true },
        server: { host: '127.0.0.1', port: 5173 },
      },
);
