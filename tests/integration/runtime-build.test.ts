/**
 * The runtime worker bundles under Vite: the onnxruntime-web `?url` imports resolve through the
 * package "exports" and the WASM runtime is emitted as an app asset (never loaded from a CDN).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clozelab-worker-build-'));

afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

describe('runtime worker build', () => {
  it('emits the ORT asyncify .wasm/.mjs as assets and references them from the worker', async () => {
    await build({
      configFile: false,
      root: ROOT,
      logLevel: 'silent',
      publicDir: false,
      build: {
        outDir,
        emptyOutDir: true,
        target: 'es2022',
        write: true,
        rolldownOptions: { input: { worker: path.join(ROOT, 'src/runtime/worker.ts') } },
      },
    });
    const assets = fs.readdirSync(path.join(outDir, 'assets'));
    const wasm = assets.find((f) => /^ort-wasm-simd-threaded\.asyncify-.*\.wasm$/.test(f));
    const mjs = assets.find((f) => /^ort-wasm-simd-threaded\.asyncify-.*\.mjs$/.test(f));
    expect(wasm, assets.join(', ')).toBeTruthy();
    expect(mjs, assets.join(', ')).toBeTruthy();
    const worker = assets.find((f) => /^worker-.*\.js$/.test(f));
    expect(worker).toBeTruthy();
    const code = fs.readFileSync(path.join(outDir, 'assets', worker!), 'utf8');
    // (Transformers.js still contains its CDN default; worker.ts overrides it with these URLs.)
    expect(code.includes(`/assets/${wasm!}`), 'worker references the emitted .wasm').toBe(true);
    expect(code.includes(`/assets/${mjs!}`), 'worker references the emitted .mjs').toBe(true);
  }, 120_000);
});
