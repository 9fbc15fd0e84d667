/**
 * Correctness of the performance paths (src/runtime/mask-rows.ts, runner.ts, the engine's
 * de-duplication and mask-row cache, planBatches limits) on the generated fixtures, in Node with
 * the real onnxruntime-node:
 *  - the rewritten graph's logits at mask rows equal the plain model's full logits there (fp32, 1e-5);
 *  - the engine on the mask-rows path equals the engine on the plain path (logits, probs and top-k;
 *    q8 too, with per-row activation quantization), with several masks per prompt and padding;
 *  - cached rows and duplicate prompts give the same numbers as a fresh run, without forward passes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PromptScores, RenderedPrompt } from '../../src/core/types.ts';
import { MASK_HIDDEN_OUTPUT, MASK_ROWS_INPUT, rewriteForMaskRows } from '../../src/runtime/mask-rows.ts';
import { planBatches } from '../../src/runtime/batching.ts';
import { rewriteForRowQuant } from '../../src/runtime/row-quant.ts';
import {
  BROKEN_DIR,
  FIXTURE_MODELS as MODELS,
  loadFixture as load,
  modelFile as file,
  ortFeeds as feeds,
  expectInPlaceLikeCopy,
  useModelsDir,
} from './fixture-models.ts';

beforeAll(() => useModelsDir(), 180_000);

describe('rewriteForMaskRows (graph surgery)', () => {
  for (const [id, early] of MODELS.flatMap((m) => [[m, false] as const, [m, true] as const])) {
    const where = early ? 'gathered where the row-local tail begins' : 'gathered at the projection';
    it(`${id}: fp32 logits at the rows (${where}) equal the plain model's, to 1e-5`, async () => {
      const bytes = fs.readFileSync(file(id, 'fp32'));
      const rewritten = rewriteForMaskRows(bytes, {
        allowedInputs: ['input_ids', 'attention_mask', 'token_type_ids'],
        ...(early ? { gatherEarly: { quantizers: false } } : {}),
      });
      expect(rewritten.ok, rewritten.ok ? '' : rewritten.reason).toBe(true);
      if (!rewritten.ok) return;
      expect(rewritten.projection).toBe('MatMul');
      // The tail of the fixtures' BERT graph: attention output dense + bias, residual add, layer
      // norm, feed-forward dense + bias, GELU (5 ops), dense + bias, residual add, layer norm; the
      // head's dense + bias, GELU, layer norm.
      expect(rewritten.rowLocalNodes).toBe(early ? 23 : 0);
      expect(rewritten.rowLocalQuantizers).toBe(0);
      const plain = await ort.InferenceSession.create(bytes);
      const rows = await ort.InferenceSession.create(rewritten.bytes);
      expect(rows.inputNames).toContain(MASK_ROWS_INPUT);
      expect([...rows.outputNames].sort()).toEqual([MASK_HIDDEN_OUTPUT, 'logits'].sort());

      // A padded batch of 3 sequences; read 5 rows in an arbitrary order (repeats allowed).
      const len = 9;
      const ids = [
        [2, 40, 41, 42, 4, 43, 3],
        [2, 50, 4, 4, 51, 52, 53, 54, 3],
        [2, 4, 3],
      ];
      const picks = [1 * len + 2, 0 * len + 4, 2 * len + 1, 1 * len + 3, 0 * len + 4];
      const full = await plain.run(feeds(plain, ids, len));
      const sub = await rows.run({
        ...feeds(rows, ids, len),
        [MASK_ROWS_INPUT]: new ort.Tensor('int64', BigInt64Array.from(picks.map(BigInt)), [picks.length]),
      });
      const V = full.logits!.dims[2] as number;
      expect(sub.logits!.dims).toEqual([picks.length, V]);
      const a = full.logits!.data as Float32Array;
      const b = sub.logits!.data as Float32Array;
      let maxDiff = 0;
      picks.forEach((flat, k) => {
        for (let v = 0; v < V; v++)
          maxDiff = Math.max(maxDiff, Math.abs((a[flat * V + v] as number) - (b[k * V + v] as number)));
      });
      expect(maxDiff).toBeLessThan(1e-5);
      await plain.release();
      await rows.release();
    });
  }

  for (const id of MODELS) {
    it(`${id}: q8 (dynamic quantization) is rewritten before its activation quantizer`, () => {
      const rewritten = rewriteForMaskRows(fs.readFileSync(file(id, 'q8')));
      expect(rewritten.ok).toBe(true);
      if (rewritten.ok) expect(rewritten.projection).toBe('MatMulInteger');
      // With per-tensor quantizers the tail cannot move: each one's scale needs every row.
      const tensor = rewriteForMaskRows(fs.readFileSync(file(id, 'q8')), { gatherEarly: { quantizers: false } });
      expect(tensor).toMatchObject({ ok: true, rowLocalNodes: 0 });
    });

    it(`${id}: q8 with per-row quantizers: the row-local tail on the mask rows gives the same numbers bit for bit`, async () => {
      const bytes = fs.readFileSync(file(id, 'q8'));
      const late = rewriteForMaskRows(bytes);
      const early = rewriteForMaskRows(bytes, { gatherEarly: { quantizers: true } });
      if (!late.ok || !early.ok) throw new Error('the fixture must be rewritable');
      // 4 quantized products in the tail (attention output, feed-forward in and out, head dense):
      // each fp32 MatMul is DynamicQuantizeLinear → MatMulInteger → Cast → Mul(·, Mul(scale, weight scale)).
      expect(early.rowLocalQuantizers).toBe(4);
      expect(early.rowLocalNodes).toBe(23 + 4 * 4);
      const sessions = await Promise.all(
        [late, early].map((r) => {
          const rq = rewriteForRowQuant(r.bytes);
          if (!rq.ok) throw new Error(rq.reason);
          return ort.InferenceSession.create(rq.bytes);
        }),
      );
      const len = 9;
      const ids = [
        [2, 40, 41, 42, 4, 43, 3],
        [2, 50, 4, 4, 51, 52, 53, 54, 3],
        [2, 4, 3],
      ];
      const picks = [4, 1 * len + 2, 1 * len + 3, 2 * len + 1];
      const outs = await Promise.all(
        sessions.map((s) =>
          s.run({
            ...feeds(s, ids, len),
            [MASK_ROWS_INPUT]: new ort.Tensor('int64', BigInt64Array.from(picks.map(BigInt)), [picks.length]),
          }),
        ),
      );
      for (const name of ['logits', MASK_HIDDEN_OUTPUT]) {
        const [a, b] = outs.map((o) => o[name]!);
        expect(b!.dims).toEqual(a!.dims);
        expect(Array.from(b!.data as Float32Array)).toEqual(Array.from(a!.data as Float32Array));
      }
      await Promise.all(sessions.map((s) => s.release()));
    });
  }

  it('rewrites in place without copying the weights, gives the same model, and restores the buffer', async () => {
    const rows = { [MASK_ROWS_INPUT]: new ort.Tensor('int64', BigInt64Array.of(3n), [1]) };
    for (const id of MODELS) {
      for (const dtype of ['fp32', 'q8'] as const) {
        const rewrite = (bytes: Uint8Array, inPlace: boolean) =>
          rewriteForMaskRows(bytes, { inPlace, gatherEarly: { quantizers: dtype === 'q8' } });
        await expectInPlaceLikeCopy(fs.readFileSync(file(id, dtype)), rewrite, rows);
      }
    }
  });

  it('refuses graphs it does not understand, with a reason', () => {
    const encoder = rewriteForMaskRows(fs.readFileSync(path.join(BROKEN_DIR, 'not-mlm', 'onnx', 'model.onnx')));
    expect(encoder).toMatchObject({ ok: false, reason: expect.stringContaining('logits') });
    const garbage = rewriteForMaskRows(fs.readFileSync(path.join(BROKEN_DIR, 'corrupt', 'onnx', 'model.onnx')));
    expect(garbage.ok).toBe(false);
    const truncated = rewriteForMaskRows(
      fs.readFileSync(path.join(BROKEN_DIR, 'corrupt', 'onnx', 'model_quantized.onnx')),
    );
    expect(truncated.ok).toBe(false);
    const bytes = fs.readFileSync(file(MODELS[0]!, 'fp32'));
    const narrow = rewriteForMaskRows(bytes, { allowedInputs: ['input_ids', 'attention_mask'] });
    expect(narrow).toMatchObject({ ok: false, reason: expect.stringContaining('token_type_ids') });
    const twice = rewriteForMaskRows((rewriteForMaskRows(bytes) as { bytes: Uint8Array }).bytes);
    expect(twice).toMatchObject({ ok: false, reason: expect.stringContaining('already') });
  });
});

// Prompts with 1–3 masks, several lengths (padding), a repeated prompt.
const PROMPTS: RenderedPrompt[] = [
  {
    parts: [
      { kind: 'input', slot: 'X', text: 'The movie was fun.' },
      { kind: 'template', text: ' It was ' },
      { kind: 'mask', count: 1 },
      { kind: 'template', text: '.' },
    ],
  },
  {
    parts: [
      { kind: 'template', text: 'It was ' },
      { kind: 'mask', count: 2 },
      { kind: 'template', text: '.' },
    ],
  },
  {
    parts: [
      {
        kind: 'input',
        slot: 'X',
        text: 'A long and winding review of a film that nobody asked for, and yet here we are again',
      },
      { kind: 'template', text: ' Overall: ' },
      { kind: 'mask', count: 3 },
      { kind: 'template', text: '!' },
    ],
  },
  {
    parts: [
      { kind: 'template', text: 'It was ' },
      { kind: 'mask', count: 2 },
      { kind: 'template', text: '.' },
    ],
  },
];

function expectSameScores(a: PromptScores[], b: PromptScores[], tol: number): number {
  let maxDiff = 0;
  expect(a).toHaveLength(b.length);
  a.forEach((x, i) => {
    const y = b[i]!;
    expect(x.tokens).toEqual(y.tokens);
    expect(x.maskPositions).toEqual(y.maskPositions);
    expect(x.masks).toHaveLength(y.masks.length);
    x.masks.forEach((m, k) => {
      const n = y.masks[k]!;
      m.logits.forEach((v, j) => (maxDiff = Math.max(maxDiff, Math.abs(v - n.logits[j]!))));
      m.probs.forEach((v, j) => (maxDiff = Math.max(maxDiff, Math.abs(v - n.probs[j]!))));
      if (tol <= 1e-5) expect(m.top.map((t) => t.id)).toEqual(n.top.map((t) => t.id));
      m.top.forEach((t, j) => {
        if (n.top[j]?.id === t.id) maxDiff = Math.max(maxDiff, Math.abs(t.prob - n.top[j].prob));
      });
    });
  });
  expect(maxDiff).toBeLessThan(tol);
  return maxDiff;
}

describe('MaskedLMEngine on the mask-rows path', () => {
  for (const id of MODELS) {
    it(`${id}: fp32 mask-rows engine equals the plain engine (logits, probs, top-k) to 1e-5`, async () => {
      const fast = await load(id);
      const plain = await load(id, { maskRows: false });
      expect(fast.info.head).toBe('mask-rows');
      expect(plain.info).toMatchObject({ head: 'full', headNote: expect.stringContaining('switched off') });
      const V = fast.facts.vocabSize;
      const tokenIds = [0, 5, 17, 42, V - 1];
      const a = await fast.scoreDetailed(PROMPTS, tokenIds, { topK: 8, batchSize: 8 });
      const b = await plain.scoreDetailed(PROMPTS, tokenIds, { topK: 8, batchSize: 8 });
      expectSameScores(a.scores, b.scores, 1e-5);
      expect(a.stats.duplicatePrompts).toBe(1);
      // least-work batching on the mask-rows path never pads more than the greedy plain path
      expect(a.stats.tokensRun).toBeLessThanOrEqual(b.stats.tokensRun);
      await fast.dispose();
      await plain.dispose();
    });
  }

  it('q8: mask-rows equals plain, batched equals one by one (per-row activation quantization)', async () => {
    // Activations are quantized per row (row-quant.ts), so gathering the mask rows before the
    // projection's quantizer changes nothing, and neither does the batch composition.
    const id = MODELS[0]!;
    const fast = await load(id, { dtype: 'q8' });
    const plain = await load(id, { dtype: 'q8', maskRows: false });
    expect(fast.info).toMatchObject({ head: 'mask-rows', batchInvariant: true });
    expect(plain.info).toMatchObject({ head: 'full', batchInvariant: true });
    const V = fast.facts.vocabSize;
    const all = Array.from({ length: V }, (_, i) => i);
    const a = await fast.score(PROMPTS, all, { topK: 5 });
    const b = await plain.score(PROMPTS, all, { topK: 5 });
    const b1 = await plain.score(PROMPTS, all, { topK: 5, batchSize: 1 });
    const a1 = await fast.score(PROMPTS, all, { topK: 5, batchSize: 1 });
    const rewriteVsPlain = expectSameScores(a, b, 1e-5);
    const batching = Math.max(expectSameScores(b, b1, 1e-5), expectSameScores(a, a1, 1e-5));
    console.info(
      `[perf] q8 max |Δ| (logits, probs): mask-rows vs plain ${rewriteVsPlain.toExponential(2)}; batched vs one by one ${batching.toExponential(2)}`,
    );
    for (const s of a)
      for (const m of s.masks) expect(Math.abs(m.probs.reduce((x, y) => x + y, 0) - 1)).toBeLessThan(1e-9);
    await fast.dispose();
    await plain.dispose();
  });

  it('q8 with per-tensor quantization (rowQuant: false): batch composition moves the numbers', async () => {
    // What per-row quantization removes: the plain model's activation scale spans the padded batch.
    const id = MODELS[0]!;
    const plain = await load(id, { dtype: 'q8', maskRows: false, rowQuant: false });
    expect(plain.info).toMatchObject({ batchInvariant: false });
    const V = plain.facts.vocabSize;
    const all = Array.from({ length: V }, (_, i) => i);
    const b = await plain.score(PROMPTS, all, { topK: 5 });
    const b1 = await plain.score(PROMPTS, all, { topK: 5, batchSize: 1 });
    const tv = Math.max(
      ...b.flatMap((s, i) =>
        s.masks.map((m, k) => m.probs.reduce((t, p, j) => t + Math.abs(p - b1[i]!.masks[k]!.probs[j]!), 0) / 2),
      ),
    );
    console.info(`[perf] q8 per-tensor: total variation batched vs one by one ${tv.toFixed(4)}`);
    expect(tv).toBeGreaterThan(1e-4);
    await plain.dispose();
  });

  it('answers repeated prompts from the mask-row cache with other label words, without a forward pass', async () => {
    const engine = await load(MODELS[0]!);
    const first = await engine.scoreDetailed(PROMPTS, [5, 6], { topK: 4, cacheRows: true });
    expect(first.stats.batches).toBeGreaterThan(0);
    const again = await engine.scoreDetailed(PROMPTS, [17, 42, 99], { topK: 6, cacheRows: true });
    expect(again.stats).toMatchObject({ batches: 0, cachedPrompts: 3, duplicatePrompts: 1, modelMs: 0 });
    const fresh = await (await load(MODELS[0]!)).scoreDetailed(PROMPTS, [17, 42, 99], { topK: 6 });
    expectSameScores(again.scores, fresh.scores, 1e-12);
    // Without cacheRows nothing is stored.
    const other: RenderedPrompt[] = [
      {
        parts: [
          { kind: 'template', text: 'Something else ' },
          { kind: 'mask', count: 1 },
        ],
      },
    ];
    await engine.scoreDetailed(other, [5], { topK: 0 });
    expect((await engine.scoreDetailed(other, [6], { topK: 0 })).stats.cachedPrompts).toBe(0);
    await engine.dispose();
  });

  it('serialises concurrent requests on one session (two lanes at once)', async () => {
    const engine = await load(MODELS[1]!);
    const tokenIds = [5, 6, 7];
    const alone = await engine.score(PROMPTS, tokenIds, { topK: 3 });
    const [x, y] = await Promise.all([
      engine.score(PROMPTS, tokenIds, { topK: 3, batchSize: 1 }),
      engine.score([...PROMPTS].reverse(), tokenIds, { topK: 3, batchSize: 2 }),
    ]);
    expectSameScores(x, alone, 1e-5);
    expectSameScores(y, [...alone].reverse(), 1e-5);
    await engine.dispose();
  });
});

describe('planBatches limits', () => {
  it('counts output rows instead of positions when only mask rows come back', () => {
    const lengths = [10, 10, 10, 10];
    // full head: 2 × 10 × 100 floats fit in 2000 → batches of 2
    expect(planBatches(lengths, 8, 100, 2000)).toEqual([
      [0, 1],
      [2, 3],
    ]);
    // mask rows: 1 row each → all four fit (4 × 100 ≤ 2000)
    expect(planBatches(lengths, 8, 100, 2000, { outputRows: [1, 1, 1, 1] })).toEqual([[0, 1, 2, 3]]);
    // rows 3 + 3 > 5 rows of 100 floats → split
    expect(planBatches(lengths, 8, 100, 500, { outputRows: [3, 3, 1, 1] })).toEqual([[0], [1, 2, 3]]);
    // the padded-token cap
    expect(planBatches([5, 6, 7, 8], 8, 1, 1e9, { outputRows: [1, 1, 1, 1], maxTokens: 16 })).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });

  it('least-work planning splits off a long prompt when a run costs less than its padding', () => {
    const lengths = [5, 50, 5, 5, 5];
    const rows = [1, 1, 1, 1, 1];
    // greedy: one batch of 5 × 50 padded tokens
    expect(planBatches(lengths, 8, 1, 1e9, { outputRows: rows })).toEqual([[0, 2, 3, 4, 1]]);
    // run = 10 tokens: 4 × 5 + 10 and 50 + 10 (90) beat 5 × 50 + 10 (260)
    expect(planBatches(lengths, 8, 1, 1e9, { outputRows: rows, runCost: 10 })).toEqual([[0, 2, 3, 4], [1]]);
    // run = 1000 tokens: one run is cheaper
    expect(planBatches(lengths, 8, 1, 1e9, { outputRows: rows, runCost: 1000 })).toEqual([[0, 2, 3, 4, 1]]);
    // limits still hold: at most 2 per batch
    const capped = planBatches(lengths, 2, 1, 1e9, { outputRows: rows, runCost: 10 });
    expect(capped.every((b) => b.length <= 2)).toBe(true);
    expect(capped.flat().sort()).toEqual([0, 1, 2, 3, 4]);
  });
});
