import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { cspPlugin, contentSecurityPolicy } from './scripts/csp.ts';
import { isolationHeaders, serviceWorkerPlugin } from './scripts/hosting.ts';
import { ASSETS_DIR } from './src/runtime/app-base.ts';

export default defineConfig({
  // Relative: one dist/ works at a host's root, in a GitHub Pages project site (/<repo>/) or in any
  // folder of a school's web server, without a rebuild (src/runtime/app-base.ts finds the folder).
  base: './',
  // The built app carries its Content-Security-Policy (scripts/csp.ts; README, "Privacy and
  // security") and a service worker that adds the headers a static host cannot send and keeps the
  // shell for offline use (scripts/hosting.ts; docs/hosting.md).
  plugins: [react(), cspPlugin(), serviceWorkerPlugin()],
  // 'mpa' so that a missing model file is a real 404 instead of index.html (which ORT would
  // report as "protobuf parsing failed").
  appType: 'mpa',
  server: { headers: isolationHeaders },
  preview: { headers: { ...isolationHeaders, 'Content-Security-Policy': contentSecurityPolicy() } },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['@huggingface/transformers', 'onnxruntime-web'] },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000, assetsDir: ASSETS_DIR },
});
