/**
 * Batch-invariant scoring (src/runtime/row-quant.ts), in Node with the real onnxruntime-node:
 *  - the rewrite's arithmetic: quantize_dynamic-style linear layers (int8 / uint8 / per-channel
 *    weights, a shared quantizer, a product without the usual Cast → Mul → Add chain) against an
 *    independent JS reference of per-row DynamicQuantizeLinear — integer sums exactly, float
 *    outputs to float tolerance; rows do not see each other;
 *  - through MaskedLMEngine and RuntimeClient: the same prompts alone and inside mixed, padded
 *    batches of several compositions, q8 and fp32 — label probabilities and top-k identical
 *    (≤ 1e-6); live lane vs evaluation lane; fp32 still equals the plain model (≤ 1e-5);
 *  - EngineInfo says whether scoring is batch-invariant, and why not.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PromptScores, RenderedPrompt } from '../../src/core/types.ts';
import { RuntimeClient } from '../../src/runtime/client.ts';
import { InProcessWorker } from '../../src/runtime/in-process.ts';
import { MASK_ROWS_INPUT, rewriteForMaskRows } from '../../src/runtime/mask-rows.ts';
import { defaultRowQuantVariant, rewriteForRowQuant, ROW_QUANT_DOMAIN } from '../../src/runtime/row-quant.ts';
import { DataType, GraphBuilder, modelBytesOf } from '../../scripts/fixtures/onnx.ts';
import { Rng } from '../../scripts/fixtures/prng.ts';
import { maxScoreDiff } from '../score-diff.ts';
import {
  FIXTURE_MODELS as MODELS,
  loadFixture as load,
  MODELS_DIR,
  modelFile as file,
  expectInPlaceLikeCopy,
  useModelsDir,
} from './fixture-models.ts';

beforeAll(() => useModelsDir(), 180_000);

// ---- the rewrite's arithmetic against a JS reference ---------------------------------------------

const f = Math.fround;

/** Round half to even (what DynamicQuantizeLinear and QuantizeLinear do). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** DynamicQuantizeLinear's formula over one row, in float32 like the kernel. */
function quantizeRow(row: Float32Array): { q: number[]; scale: number; zp: number } {
  let lo = 0;
  let hi = 0;
  for (const v of row) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (hi === lo) return { q: Array.from(row, () => 0), scale: 1, zp: 0 };
  const scale = f(f(hi - lo) / 255);
  const zp = Math.min(255, Math.max(0, roundHalfEven(f(0 - f(lo / scale)))));
  const q = Array.from(row, (v) => Math.min(255, Math.max(0, roundHalfEven(f(v / scale)) + zp)));
  return { q, scale, zp };
}

/** The symmetric variant over one row: scale max|x| / 127, zero point 128 for every row. */
function quantizeRowSymmetric(row: Float32Array): { q: number[]; scale: number; zp: number } {
  let amax = 0;
  for (const v of row) amax = Math.max(amax, Math.abs(v));
  if (amax === 0) return { q: Array.from(row, () => 128), scale: 1, zp: 128 };
  const scale = f(amax / 127);
  const q = Array.from(row, (v) => Math.min(255, Math.max(0, roundHalfEven(f(v / scale)) + 128)));
  return { q, scale, zp: 128 };
}

interface Weight {
  name: string;
  q: Int8Array | Uint8Array;
  /** Per tensor (length 1) or per output column. */
  scale: Float32Array;
  zp: Int8Array | Uint8Array;
  bias: Float32Array;
}

function makeWeight(rng: Rng, name: string, K: number, N: number, kind: 'int8' | 'uint8' | 'per-channel'): Weight {
  const q = kind === 'uint8' ? new Uint8Array(K * N) : new Int8Array(K * N);
  for (let i = 0; i < q.length; i++)
    q[i] = kind === 'uint8' ? Math.floor(rng.next() * 256) : Math.floor(rng.next() * 255) - 127;
  const scale =
    kind === 'per-channel'
      ? Float32Array.from({ length: N }, () => 0.001 + rng.next() * 0.02)
      : Float32Array.of(0.001 + rng.next() * 0.02);
  const zp = kind === 'uint8' ? Uint8Array.of(131) : kind === 'per-channel' ? new Int8Array(N) : Int8Array.of(0);
  return { name, q, scale, zp, bias: Float32Array.from({ length: N }, () => rng.next() - 0.5) };
}

/**
 * A quantize_dynamic-style graph: x [B, S, K] → one shared DynamicQuantizeLinear → for each weight
 * MatMulInteger → Cast → Mul(·, Mul(x_scale, w_scale)) → Add(bias) → output; plus, when `raw`, a
 * product whose int32 result is a graph output (no Cast → Mul → Add chain).
 */
function linearGraph(weights: Weight[], K: number, raw: Weight | null, opset = 17): Uint8Array {
  const g = new GraphBuilder('linear');
  const x = g.input('x', DataType.FLOAT, ['batch', 'seq', K]);
  const [xq, xs, xz] = g.nodeN('DynamicQuantizeLinear', [x], 3) as [string, string, string];
  for (const w of weights) {
    const N = w.bias.length;
    const wq = g.initializer(`${w.name}_q`, w.q, [K, N]);
    const ws = g.initializer(`${w.name}_scale`, w.scale, w.scale.length === 1 ? [] : [N]);
    const wz = g.initializer(`${w.name}_zp`, w.zp, w.zp.length === 1 ? [] : [N]);
    const acc = g.node('Cast', [g.node('MatMulInteger', [xq, wq, xz, wz])], { to: DataType.FLOAT });
    const scaled = g.node('Mul', [acc, g.node('Mul', [xs, ws])]);
    g.nodeNamed('Add', [scaled, g.initializer(`${w.name}_bias`, w.bias, [N])], w.name);
    g.output(w.name, DataType.FLOAT, ['batch', 'seq', N]);
  }
  if (raw) {
    const N = raw.bias.length;
    const wq = g.initializer(`${raw.name}_q`, raw.q, [K, N]);
    const wz = g.initializer(`${raw.name}_zp`, raw.zp, []);
    g.nodeNamed('MatMulInteger', [xq, wq, xz, wz], raw.name);
    g.output(raw.name, DataType.INT32, ['batch', 'seq', N]);
  }
  const out = modelBytesOf(g, {
    opset,
    irVersion: 8,
    producerName: 'test',
    producerVersion: '1',
    docString: '',
    metadata: {},
  });
  return out;
}

describe('rewriteForRowQuant: arithmetic against a JS reference of per-row quantization', () => {
  const K = 48;
  const rng = new Rng(20261202);
  const weights = [
    makeWeight(rng, 'w_int8', K, 20, 'int8'),
    makeWeight(rng, 'w_uint8', K, 12, 'uint8'),
    makeWeight(rng, 'w_channel', K, 16, 'per-channel'),
  ];
  const raw = makeWeight(rng, 'w_raw', K, 8, 'int8');
  const model = linearGraph(weights, K, raw);
  // [2, 4, K] rows: random, all positive (zero point 0), all negative (zero point 255), all zero, tiny, large
  const B = 2;
  const S = 4;
  const x = new Float32Array(B * S * K);
  for (let r = 0; r < B * S; r++) {
    for (let k = 0; k < K; k++) {
      const u = rng.next() * 2 - 1;
      const v = [u, Math.abs(u) + 0.1, -Math.abs(u) - 0.1, 0, u * 1e-6, u * 300, u * 3, u + 0.5][r % 8] as number;
      x[r * K + k] = v;
    }
  }

  it('the default variant is exact; symmetric needs opset 13 (QuantizeLinear has no axis before)', () => {
    expect(defaultRowQuantVariant()).toBe('exact');
    expect(rewriteForRowQuant(linearGraph(weights, K, raw, 12), { variant: 'symmetric' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/opset 12/) as unknown,
    });
  });

  it.each([
    [17, 'exact'],
    [17, 'symmetric'],
    [12, 'exact'],
  ] as const)(
    'opset %i, %s: quantizes every row by itself; products equal the reference (int32 exactly, float to float32 rounding)',
    async (opset, variant) => {
      const rewritten = rewriteForRowQuant(opset === 17 ? model : linearGraph(weights, K, raw, opset), { variant });
      expect(rewritten).toMatchObject({ ok: true, quantizers: 1, matmuls: 4 });
      if (!rewritten.ok) return;
      const session = await ort.InferenceSession.create(rewritten.bytes);
      const out = await session.run({ x: new ort.Tensor('float32', x, [B, S, K]) });
      const reference = variant === 'exact' ? quantizeRow : quantizeRowSymmetric;
      const rows = Array.from({ length: B * S }, (_, r) => reference(x.subarray(r * K, (r + 1) * K)));
      let worst = 0;
      for (const w of weights) {
        const N = w.bias.length;
        const got = out[w.name]!.data as Float32Array;
        expect(out[w.name]!.dims).toEqual([B, S, N]);
        rows.forEach(({ q, scale, zp }, r) => {
          for (let n = 0; n < N; n++) {
            const wzp = w.zp.length === 1 ? (w.zp[0] as number) : (w.zp[n] as number);
            let acc = 0;
            let size = 0; // Σ (|q| + |zp|)·|w − w_zp|: the size of the terms ONNX Runtime adds in float32
            for (let k = 0; k < K; k++) {
              const wk = (w.q[k * N + n] as number) - wzp;
              acc += ((q[k] as number) - zp) * wk;
              size += ((q[k] as number) + zp) * Math.abs(wk);
            }
            const ws = w.scale.length === 1 ? (w.scale[0] as number) : (w.scale[n] as number);
            const want = scale * ws * acc + (w.bias[n] as number);
            // float32 rounding of the terms (ε = 6e-8, a few operations), relative to their size
            const err =
              Math.abs((got[r * N + n] as number) - want) / (scale * ws * size + Math.abs(w.bias[n] as number));
            worst = Math.max(worst, err);
          }
        });
      }
      console.info(`[row-quant] worst float error relative to the terms: ${worst.toExponential(2)}`);
      expect(worst).toBeLessThan(1e-6);
      // The product without the usual chain is corrected in int32: exact.
      const N = raw.bias.length;
      const ints = out[raw.name]!.data as Int32Array;
      rows.forEach(({ q, zp }, r) => {
        for (let n = 0; n < N; n++) {
          let acc = 0;
          for (let k = 0; k < K; k++) acc += ((q[k] as number) - zp) * (raw.q[k * N + n] as number);
          expect(ints[r * N + n]).toBe(acc);
        }
      });
      // Each row alone gives the same numbers as inside the [B, S] batch, bit for bit.
      const all = out[weights[0]!.name]!.data as Float32Array;
      const N0 = weights[0]!.bias.length;
      for (const r of [0, 5]) {
        const one = await session.run({ x: new ort.Tensor('float32', x.slice(r * K, (r + 1) * K), [1, 1, K]) });
        expect(Array.from(one[weights[0]!.name]!.data as Float32Array)).toEqual(
          Array.from(all.subarray(r * N0, (r + 1) * N0)),
        );
      }
      await session.release();
    },
  );

  it('the original graph is batch-dependent (per-tensor scale), which is what the rewrite removes', async () => {
    const session = await ort.InferenceSession.create(model);
    const all = (await session.run({ x: new ort.Tensor('float32', x, [B, S, K]) }))[weights[0]!.name]!
      .data as Float32Array;
    const one = (await session.run({ x: new ort.Tensor('float32', x.slice(0, K), [1, 1, K]) }))[weights[0]!.name]!
      .data as Float32Array;
    let d = 0;
    one.forEach((v, n) => (d = Math.max(d, Math.abs(v - (all[n] as number)))));
    expect(d).toBeGreaterThan(1e-3);
    await session.release();
  });

  it('rewrites in place and restores the buffer; refuses a second rewrite and unknown shapes, with reasons', async () => {
    const rewrite = (bytes: Uint8Array, inPlace: boolean) => rewriteForRowQuant(bytes, { inPlace });
    const copied = await expectInPlaceLikeCopy(fs.readFileSync(file(MODELS[0]!, 'q8')), rewrite);

    // As the engine does it: mask rows first, then per-row quantization of the result, both in place.
    for (const id of MODELS) {
      const original = fs.readFileSync(file(id, 'q8'));
      const whole = Uint8Array.from(original);
      const rows = rewriteForMaskRows(whole, { inPlace: true });
      expect(rows.ok && rows.inPlace).toBe(true);
      if (!rows.ok) return;
      const both = rewriteForRowQuant(rows.bytes, { inPlace: true });
      expect(both.ok && both.inPlace, `${id}: both rewrites in place`).toBe(true);
      if (!both.ok) return;
      expect(both.bytes.buffer).toBe(whole.buffer);
      const s = await ort.InferenceSession.create(both.bytes);
      expect(s.inputNames).toContain(MASK_ROWS_INPUT);
      await s.release();
      both.restore?.();
      rows.restore?.();
      expect(Buffer.compare(Buffer.from(whole), original)).toBe(0);
    }

    expect(rewriteForRowQuant(copied)).toMatchObject({ ok: false, reason: expect.stringContaining('already') });
    const fp32 = fs.readFileSync(file(MODELS[0]!, 'fp32'));
    expect(rewriteForRowQuant(fp32)).toMatchObject({ ok: true, quantizers: 0, bytes: fp32 });
    expect(rewriteForRowQuant(Uint8Array.of(1, 2, 3)).ok).toBe(false);
    // A quantized activation feeding something other than MatMulInteger: left alone, with the reason.
    const g = new GraphBuilder('odd');
    const [xq] = g.nodeN('DynamicQuantizeLinear', [g.input('x', DataType.FLOAT, ['n', 4])], 3);
    g.nodeNamed('Identity', [xq!], 'y');
    g.output('y', DataType.UINT8, ['n', 4]);
    const oddBytes = modelBytesOf(g, {
      opset: 17,
      irVersion: 8,
      producerName: 't',
      producerVersion: '1',
      docString: '',
      metadata: {},
    });
    expect(rewriteForRowQuant(oddBytes)).toMatchObject({ ok: false, reason: expect.stringContaining('Identity') });
  });

  it('uses model-local functions in its own domain (inlined by ONNX Runtime)', () => {
    const rewritten = rewriteForRowQuant(model);
    expect(rewritten.ok).toBe(true);
    if (rewritten.ok) expect(Buffer.from(rewritten.bytes).includes(Buffer.from(ROW_QUANT_DOMAIN))).toBe(true);
  });
});

// ---- through the engine and the client ------------------------------------------------------------

const prompt = (input: string, masks = 1, template = ' It was '): RenderedPrompt => ({
  parts: [
    { kind: 'input', slot: 'X', text: input },
    { kind: 'template', text: template },
    { kind: 'mask', count: masks },
    { kind: 'template', text: '.' },
  ],
});

const PROMPTS: RenderedPrompt[] = [
  prompt('The movie was fun.'),
  prompt('bad', 2),
  prompt('A long and winding review of a film that nobody asked for, and yet here we are again, still reading', 1),
  prompt('Great acting, weak plot, lovely music.', 3, ' Overall: '),
  prompt('ok'),
  prompt('It is what it is, I suppose, though the ending was rather abrupt and the middle dragged.', 2),
];

/** Compositions of the prompts (indices), each scored as one request. */
const COMPOSITIONS = [
  [0, 1, 2, 3, 4, 5],
  [5, 4, 3, 2, 1, 0],
  [2, 0, 4],
  [1, 3],
  [3, 5, 0, 2],
];

/** maxScoreDiff, and the same tokens. */
function maxDiff(a: PromptScores, b: PromptScores): number {
  expect(a.tokens).toEqual(b.tokens);
  return maxScoreDiff(a, b);
}

describe('MaskedLMEngine: a prompt scores the same alone and in any batch', () => {
  for (const id of MODELS) {
    for (const dtype of ['q8', 'fp32'] as const) {
      it(`${id} ${dtype}: alone vs mixed padded batches of several compositions, ≤ 1e-6`, async () => {
        const engine = await load(id, { dtype });
        expect(engine.info).toMatchObject({ head: 'mask-rows', batchInvariant: true });
        // The last layer after attention runs on the mask rows only (the batch's other rows never
        // reach it), so this also checks that the gathered tail is batch-invariant.
        expect(engine.info.rowLocalOps).toBe(dtype === 'q8' ? 39 : 23);
        const V = engine.facts.vocabSize;
        const tokenIds = Array.from({ length: 300 }, (_, i) => (i * 7) % V);
        const alone: PromptScores[] = [];
        for (const p of PROMPTS) alone.push((await engine.score([p], tokenIds, { topK: 10 }))[0]!);
        let worst = 0;
        let padded = 0;
        for (const composition of COMPOSITIONS) {
          for (const batchSize of [undefined, 2, 3]) {
            const r = await engine.scoreDetailed(
              composition.map((i) => PROMPTS[i]!),
              tokenIds,
              { topK: 10, ...(batchSize ? { batchSize } : {}) },
            );
            padded += r.stats.paddedTokens;
            r.scores.forEach((s, j) => (worst = Math.max(worst, maxDiff(s, alone[composition[j]!]!))));
          }
        }
        console.info(`[batch-invariance] ${id} ${dtype}: max |Δp| alone vs batched ${worst.toExponential(2)}`);
        expect(padded).toBeGreaterThan(0); // the batches really were padded
        expect(worst).toBeLessThanOrEqual(1e-6);
        await engine.dispose();
      });
    }
  }

  it('q8 without per-row quantization depends on the batch (what this fixes), and says so', async () => {
    const engine = await load(MODELS[0]!, { dtype: 'q8', rowQuant: false });
    expect(engine.info).toMatchObject({ batchInvariant: false, batchNote: expect.stringContaining('switched off') });
    const tokenIds = Array.from({ length: 300 }, (_, i) => i);
    const alone = (await engine.score([PROMPTS[0]!], tokenIds, { topK: 10 }))[0]!;
    const batched = (await engine.score(PROMPTS, tokenIds, { topK: 10 }))[0]!;
    let d = 0;
    alone.masks[0]!.probs.forEach((p, j) => (d = Math.max(d, Math.abs(p - batched.masks[0]!.probs[j]!))));
    expect(d).toBeGreaterThan(1e-5);
    await engine.dispose();
  });

  it('fp32 still equals the plain model (raw ONNX Runtime, full logits) at the mask, ≤ 1e-5', async () => {
    const id = MODELS[0]!;
    const engine = await load(id, { dtype: 'fp32' });
    const V = engine.facts.vocabSize;
    const all = Array.from({ length: V }, (_, i) => i);
    const [s] = await engine.score([PROMPTS[0]!], all, { topK: 0 });
    const session = await ort.InferenceSession.create(file(id, 'fp32'));
    // The prompt's tokens as the engine ran them, back to ids (WordPiece vocabulary).
    const vocab = JSON.parse(fs.readFileSync(path.join(MODELS_DIR, id, 'tokenizer.json'), 'utf8')).model
      .vocab as Record<string, number>;
    const tokenIds = s!.tokens.map((t) => BigInt(vocab[t]!));
    const n = tokenIds.length;
    const out = await session.run({
      input_ids: new ort.Tensor('int64', BigInt64Array.from(tokenIds), [1, n]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
      token_type_ids: new ort.Tensor('int64', new BigInt64Array(n), [1, n]),
    });
    const logits = out.logits!.data as Float32Array;
    const pos = s!.maskPositions[0]!;
    let d = 0;
    s!.masks[0]!.logits.forEach((l, v) => (d = Math.max(d, Math.abs(l - (logits[pos * V + v] as number)))));
    expect(d).toBeLessThanOrEqual(1e-5);
    await session.release();
    await engine.dispose();
  });
});

describe('RuntimeClient: live lane and evaluation lane give the same numbers', () => {
  it('q8: a prompt scored alone on the live lane equals it inside an evaluation request', async () => {
    useModelsDir();
    const client = new RuntimeClient(() => new InProcessWorker());
    try {
      const { info } = await client.load({ kind: 'local', id: MODELS[1]! }, { dtype: 'q8' });
      expect(info.batchInvariant).toBe(true);
      const tokenIds = Array.from({ length: 200 }, (_, i) => i * 3);
      for (const i of [0, 3]) {
        const live = (await client.score([PROMPTS[i]!], tokenIds, { topK: 5, lane: 'preview', cacheRows: true }))[0]!;
        const evaluation = await client.score(PROMPTS, tokenIds, { topK: 5, lane: 'eval' });
        expect(maxDiff(evaluation[i]!, live)).toBeLessThanOrEqual(1e-6);
        // and again from the live lane's row cache
        const cached = (await client.score([PROMPTS[i]!], tokenIds, { topK: 5, lane: 'preview', cacheRows: true }))[0]!;
        expect(maxDiff(cached, live)).toBe(0);
      }
    } finally {
      client.dispose();
    }
  });
});
