// Builds the benchmark page (scripts/bench/page) the way the app is built: same Vite, same worker
// format, the app's runtime worker bundled from src/runtime/worker.ts.
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const root = resolve(import.meta.dirname, 'page');

export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  appType: 'mpa',
  logLevel: 'warn',
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['@huggingface/transformers', 'onnxruntime-web'] },
  build: {
    target: 'es2022',
    outDir: resolve(import.meta.dirname, '../../.cache/bench-dist'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
    reportCompressedSize: false,
  },
});
