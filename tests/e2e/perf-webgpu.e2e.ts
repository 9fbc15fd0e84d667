// Smoke test of the WebGPU path and its one-time parity check against WASM, on Chromium's software
// WebGPU adapter (--enable-unsafe-webgpu: SwiftShader, a fallback adapter). Correctness only — the
// software adapter is never benchmarked. Uses the benchmark page (scripts/bench/page), whose
// parity-worker.ts can force the tolerance to exercise the fall-back to WASM.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBenchPage, type BenchPage } from './bench-page.ts';

let bench: BenchPage;

interface Smoke {
  adapter: { fallback: boolean | null } | null;
  info?: { device: string; deviceNote?: string; head?: string };
  probs?: number[];
  error?: string;
}

beforeAll(async () => {
  bench = await openBenchPage({ extraArgs: ['--enable-unsafe-webgpu'] });
});

afterAll(async () => {
  await bench?.close();
});

const smoke = (dtype: 'fp32' | 'q8', tolerance?: number): Promise<Smoke> =>
  bench.browser.page.evaluate(
    ([d, t]) =>
      (
        globalThis as unknown as { bench: { webgpuSmoke(id: string, d: string, t?: number): Promise<Smoke> } }
      ).bench.webgpuSmoke('clozelab-test/bert-tiny', d, t ?? undefined),
    [dtype, tolerance ?? null] as const,
  );

describe('WebGPU (software adapter): parity check against WASM', () => {
  it('runs on WebGPU when it matches WASM, and says so', async () => {
    for (const dtype of ['fp32', 'q8'] as const) {
      const r = await smoke(dtype);
      expect(r.error).toBeUndefined();
      expect(r.adapter, 'Chromium gave no WebGPU adapter even with --enable-unsafe-webgpu').not.toBeNull();
      expect(r.info?.device, r.info?.deviceNote).toBe('webgpu');
      expect(r.info?.deviceNote).toMatch(/WebGPU matches WASM on a fixed input/);
      expect(r.info?.head).toBe('mask-rows');
      expect(r.probs?.every((p) => p > 0 && p < 1)).toBe(true);
    }
  });

  it('falls back to WASM and says why when the results differ', async () => {
    const r = await smoke('fp32', -1); // every difference is "too large"
    expect(r.error).toBeUndefined();
    expect(r.info?.device).toBe('wasm');
    expect(r.info?.deviceNote).toMatch(/WebGPU gave different results from WASM .*; using WASM/);
    expect(r.probs?.every((p) => p > 0 && p < 1)).toBe(true);
  });
});
