import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { contentSecurityPolicy, cspPlugin } from './scripts/csp.ts';

// Cross-origin isolation lets ONNX Runtime's WASM backend use threads (SharedArrayBuffer).
// Production hosts must send the same two headers (see README, "Hosting").
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  // The built app carries its Content-Security-Policy (scripts/csp.ts; README, "Privacy and security").
  plugins: [react(), cspPlugin()],
  // 'mpa' so that a missing model file is a real 404 instead of index.html (which ORT would
  // report as "protobuf parsing failed").
  appType: 'mpa',
  server: { headers: isolationHeaders },
  preview: { headers: { ...isolationHeaders, 'Content-Security-Policy': contentSecurityPolicy() } },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['@huggingface/transformers', 'onnxruntime-web'] },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
});
