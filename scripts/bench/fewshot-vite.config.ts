// Builds the few-shot benchmark page (scripts/bench/fewshot-page): tune.ts bundled as the app
// bundles it (same Vite, same target).
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  root: resolve(import.meta.dirname, 'fewshot-page'),
  base: '/',
  publicDir: false,
  appType: 'mpa',
  logLevel: 'warn',
  build: {
    target: 'es2022',
    outDir: resolve(import.meta.dirname, '../../.cache/bench-fewshot-dist'),
    emptyOutDir: true,
    reportCompressedSize: false,
  },
});
