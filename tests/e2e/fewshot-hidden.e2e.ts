// The hidden vector at [Z] in the browser: the app's runtime worker (onnxruntime-web, WASM) returns
// it through the real postMessage (its buffer transferred), the same alone and inside mixed, padded
// batches (≤ 1e-6 relative to the vector's largest entry, q8 included: fp32 WASM kernels may differ
// in the last bit with padding), and as Node's onnxruntime-node computes it (printed and bounded). Uses the benchmark page's hiddenRequests (scripts/bench/page/main.ts).
import { join } from 'node:path';
import { env } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RenderedPrompt } from '../../src/core/types.ts';
import type { EngineInfo } from '../../src/runtime/protocol.ts';
import { MaskedLMEngine } from '../../src/runtime/engine.ts';
import { openBenchPage, REPO_ROOT as root, type BenchPage } from './bench-page.ts';

let bench: BenchPage;

beforeAll(async () => {
  bench = await openBenchPage();
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${join(root, 'public/models')}/`;
});

afterAll(async () => {
  await bench?.close();
});

const prompt = (input: string, demo?: string): RenderedPrompt => ({
  parts: [
    { kind: 'input', slot: 'X', text: input },
    { kind: 'template', text: ' It was ' },
    { kind: 'mask', count: 1 },
    { kind: 'template', text: '.' },
    ...(demo
      ? ([
          { kind: 'separator', demo: 1 },
          { kind: 'input', slot: 'X', text: demo, demo: 1 },
          { kind: 'template', text: ' It was great.', demo: 1 },
        ] as const)
      : []),
  ],
});

const TARGET = prompt('The movie was fun, if a little long', 'Lovely music.');
const OTHERS = [
  prompt('bad'),
  prompt('A long and winding review of a film that nobody asked for, and yet here we are'),
];
const REQUESTS: RenderedPrompt[][] = [[TARGET], [OTHERS[0]!, TARGET, OTHERS[1]!], [OTHERS[1]!, TARGET]];

function browserHidden(
  id: string,
  dtype: 'q8' | 'fp32',
): Promise<{ info: EngineInfo; hidden: number[][][]; typed: boolean }> {
  return bench.browser.page.evaluate(
    ([i, d, requests]) =>
      (
        globalThis as unknown as {
          bench: {
            hiddenRequests(
              id: string,
              dtype: string,
              requests: unknown,
              ids: number[],
            ): Promise<{ info: EngineInfo; hidden: number[][][]; typed: boolean }>;
          };
        }
      ).bench.hiddenRequests(i, d, requests, [5, 6]),
    [id, dtype, REQUESTS] as const,
  );
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
};

describe('the hidden vector at [Z] in the browser (WASM)', () => {
  for (const dtype of ['q8', 'fp32'] as const) {
    it(`bert-tiny ${dtype}: transferred as Float32Array, alone = batched (≤ 1e-6 relative), and as in Node`, async () => {
      const id = 'clozelab-test/bert-tiny';
      const { info, hidden, typed } = await browserHidden(id, dtype);
      expect(info).toMatchObject({ device: 'wasm', head: 'mask-rows', hiddenAtMask: true });
      expect(typed).toBe(true);
      const target = hidden.map((vectors, r) => vectors[REQUESTS[r]!.indexOf(TARGET)]!);
      expect(target[0]!.length).toBe(32);
      const scale = Math.max(1, ...target[0]!.map(Math.abs));
      let inBrowser = 0;
      for (const v of target.slice(1)) inBrowser = Math.max(inBrowser, maxDiff(v, target[0]!) / scale);

      const engine = await MaskedLMEngine.load({ kind: 'local', id }, { dtype });
      const [node] = await engine.score([TARGET], [5, 6], { topK: 0, hidden: true });
      await engine.dispose();
      const nodeVsBrowser = maxDiff(node!.masks[0]!.hidden!, target[0]!);
      console.info(
        `[fewshot-hidden] ${id} ${dtype}: max |Δh| / max(1, max |h|) alone vs batched in Chromium ${inBrowser.toExponential(2)} (max |h| ${scale.toFixed(2)}); max |Δh| Node vs Chromium ${nodeVsBrowser.toExponential(2)}`,
      );
      expect(inBrowser).toBeLessThanOrEqual(1e-6);
      // WASM and native kernels round differently; under q8 a last-bit difference can move a quantized value.
      expect(nodeVsBrowser).toBeLessThanOrEqual(dtype === 'fp32' ? 1e-5 : 1e-2);
    });
  }
});
