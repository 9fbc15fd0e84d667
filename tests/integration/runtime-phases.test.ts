/**
 * The runtime's load phases and score path, each on its own (no model files): device and dtype
 * choice, progress, tokenizer facts, graph-rewrite bookkeeping, model info, the WebGPU parity
 * verdict, prompt assembly, batch packing, and one score request over a fake runner.
 */
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeField, encodeValueInfo } from '../../src/runtime/onnx/message-encoders.ts';
import { parseModel } from '../../src/runtime/onnx/model-reader.ts';
import { ELEM, GRAPH_OUTPUT } from '../../src/runtime/onnx/schema.ts';
import { writeGraph } from '../../src/runtime/onnx/write-graph.ts';
import { BERT_TINY, modelFile } from './fixture-models.ts';
import type { ModelFacts, RenderedPrompt } from '../../src/core/types.ts';
import { RuntimeError } from '../../src/runtime/errors.ts';
import type { LabelWordStatsArgs } from '../../src/core/label-search.ts';
import { RuntimeClient } from '../../src/runtime/client.ts';
import { LANE_DEFAULTS, type LoadProgress, type WorkerLike, type WorkerRequest } from '../../src/runtime/protocol.ts';
import {
  fallsBackToWasm,
  modelFileFor,
  resolveDeviceAndDtype,
  wasmFallback,
  type GpuProbe,
} from '../../src/runtime/load/device.ts';
import { trackProgress } from '../../src/runtime/load/progress.ts';
import {
  addedTokenFlags,
  maxSequenceLength,
  requireMaskToken,
  specialTokensAround,
  vocabularyOf,
} from '../../src/runtime/load/tokenizer-facts.ts';
import { GraphRewrites, rewriteModelBytes } from '../../src/runtime/load/graph-rewrites.ts';
import { batchInvariance, engineInfo } from '../../src/runtime/load/model-info.ts';
import { compareRunners, parityNote } from '../../src/runtime/load/webgpu-parity.ts';
import { requireMaskedLmArchitecture, validateSource } from '../../src/runtime/load/components.ts';
import { assemblePrompt, charsWithinTokens, type AssemblyTokenizer } from '../../src/runtime/prompt-assembly.ts';
import { packBatch, planModelRuns } from '../../src/runtime/batching.ts';
import { createMaskRowCache, maskRowKey } from '../../src/runtime/mask-row-cache.ts';
import { ModelRunner, type PlainModel } from '../../src/runtime/runner.ts';
import { scorePrompts, type ScoringModel } from '../../src/runtime/score-prompts.ts';
import { warmupInputs } from '../../src/runtime/background-warmup.ts';

const browser = (probe: GpuProbe) => ({ node: false, probeWebGpu: async () => probe });
const hardware: GpuProbe = { available: true, fallback: false, reason: 'a hardware WebGPU adapter is available' };
const software: GpuProbe = { available: true, fallback: true, reason: 'software' };
const none: GpuProbe = { available: false, fallback: false, reason: 'no adapter' };

describe('load phase: device and dtype', () => {
  it('Node runs on the CPU; auto dtype is fp32 there', async () => {
    const where = { node: true, probeWebGpu: async () => hardware };
    expect(await resolveDeviceAndDtype('auto', 'auto', where)).toEqual({
      device: 'cpu',
      dtype: 'fp32',
      modelFile: 'onnx/model.onnx',
    });
    expect((await resolveDeviceAndDtype('wasm', 'q8', where)).note).toMatch(/Node uses onnxruntime-node/);
  });

  it('browser auto: WebGPU on a hardware adapter, WASM (q8) otherwise, with the reason', async () => {
    expect(await resolveDeviceAndDtype('auto', 'auto', browser(hardware))).toMatchObject({
      device: 'webgpu',
      dtype: 'fp32',
    });
    const onSoftware = await resolveDeviceAndDtype('auto', 'auto', browser(software));
    expect(onSoftware).toEqual({
      device: 'wasm',
      dtype: 'q8',
      modelFile: 'onnx/model_quantized.onnx',
      note: 'using WASM: software',
    });
  });

  it('an explicit WebGPU choice without WebGPU fails with webgpu-unavailable', async () => {
    await expect(resolveDeviceAndDtype('webgpu', 'auto', browser(none))).rejects.toMatchObject({
      code: 'webgpu-unavailable',
    });
    expect(await resolveDeviceAndDtype('webgpu', 'fp16', browser(software))).toEqual({
      device: 'webgpu',
      dtype: 'fp16',
      modelFile: 'onnx/model_fp16.onnx',
      note: 'software',
    });
  });

  it('falls back to WASM only when auto picked WebGPU and another device may help', () => {
    const gpu = { device: 'webgpu' as const, dtype: 'fp32' as const, modelFile: modelFileFor('fp32') };
    expect(fallsBackToWasm('auto', gpu, 'unknown')).toBe(true);
    expect(fallsBackToWasm('webgpu', gpu, 'unknown')).toBe(false);
    for (const code of ['file-missing', 'corrupt-model', 'not-masked-lm', 'hub-unreachable', 'cancelled'] as const)
      expect(fallsBackToWasm('auto', gpu, code)).toBe(false);
    expect(wasmFallback('auto', 'boom')).toEqual({
      device: 'wasm',
      dtype: 'q8',
      modelFile: 'onnx/model_quantized.onnx',
      note: 'WebGPU failed (boom); using WASM',
    });
  });
});

describe('load phase: source, architecture and progress', () => {
  it('rejects paths and URLs as model ids, and non-masked-LM architectures', () => {
    for (const id of ['../x', '/abs', 'https://x', 'a\\b', ' '])
      expect(() => validateSource({ kind: 'hub', id })).toThrow(RuntimeError);
    expect(() => validateSource({ kind: 'local', id: 'org/model' })).not.toThrow();
    expect(() => requireMaskedLmArchitecture({ architectures: ['GPT2LMHeadModel'] })).toThrow(/not a masked/);
    expect(() => requireMaskedLmArchitecture({ architectures: ['BertForMaskedLM'] })).not.toThrow();
    expect(() => requireMaskedLmArchitecture({})).not.toThrow();
  });

  it('normalises progress per file, lists finished files once, and says when an ONNX file is being prepared', () => {
    const seen: LoadProgress[] = [];
    const progress = trackProgress((p) => seen.push(p));
    progress.callback({ status: 'initiate', file: 'a.onnx' });
    progress.callback({ status: 'progress', file: 'a.onnx', loaded: 5, total: 10 });
    progress.callback({ status: 'ready', file: 'a.onnx' }); // not a file event
    progress.callback({ status: 'done', file: 'a.onnx' });
    progress.callback({ status: 'done', file: 'a.onnx' });
    progress.callback(null);
    expect(seen.map((p) => [p.status, p.loaded, p.total])).toEqual([
      ['initiate', 0, 0],
      ['progress', 5, 10],
      ['done', 10, 10],
      ['preparing', 0, 0],
      ['done', 10, 10],
    ]);
    expect(progress.files).toEqual(['a.onnx']);
    // Other files are only downloaded: no phase follows them.
    progress.callback({ status: 'done', file: 'tokenizer.json' });
    expect(seen.at(-1)).toMatchObject({ file: 'tokenizer.json', status: 'done' });
  });
});

describe('load phase: tokenizer facts', () => {
  const encode = (text: string, o?: { add_special_tokens?: boolean }): number[] => {
    const ids = text ? text.split(' ').map((w) => w.length + 10) : [];
    return o?.add_special_tokens ? [101, ...ids, 102] : ids;
  };

  it('finds the special tokens around a sequence', () => {
    expect(specialTokensAround({ encode })).toEqual({ prefixIds: [101], suffixIds: [102] });
  });

  it('builds id → token from a Map or an object, with gaps as empty strings', () => {
    expect(
      vocabularyOf({
        get_vocab: () =>
          new Map([
            ['a', 0],
            ['c', 2],
          ]),
      }),
    ).toEqual(['a', '', 'c']);
    expect(vocabularyOf({ get_vocab: () => ({ x: 1 }) })).toEqual(['', 'x']);
  });

  it('requires a mask token', () => {
    const tok = { mask_token: '[MASK]', mask_token_id: 4, model_max_length: 512, encode, get_vocab: () => ({}) };
    expect(requireMaskToken(tok)).toEqual({ maskToken: '[MASK]', maskTokenId: 4 });
    expect(() => requireMaskToken({ ...tok, mask_token: null })).toThrow(/no mask token/);
  });

  it('max length: position embeddings, minus RoBERTa’s offset, capped by the tokenizer', () => {
    expect(
      maxSequenceLength(
        { max_position_embeddings: 514, model_type: 'roberta', pad_token_id: 1 },
        { model_max_length: 1e30 },
      ),
    ).toBe(512);
    expect(maxSequenceLength({ max_position_embeddings: 512, model_type: 'bert' }, { model_max_length: 128 })).toBe(
      128,
    );
    expect(maxSequenceLength({}, { model_max_length: NaN })).toBe(512);
  });

  it('reads an added token’s strip flags', () => {
    const json = { added_tokens: [{ content: '<mask>', lstrip: true }] };
    expect(addedTokenFlags(json, '<mask>')).toEqual({ lstrip: true, rstrip: false });
    expect(addedTokenFlags(json, '[MASK]')).toBeNull();
  });
});

describe('load phase: graph rewrites and model info', () => {
  it('leaves bytes it cannot read alone, and says why per rewrite', () => {
    const done = rewriteModelBytes(new Uint8Array([1, 2, 3]), { maskRows: true, rowQuant: true });
    expect(done.result).toBeNull();
    expect(done.headNote).toMatch(/^full head: /);
    expect(done.rowQuant).toHaveProperty('reason');
    const off = rewriteModelBytes(new Uint8Array([1, 2, 3]), { maskRows: false, rowQuant: false });
    expect(off).toEqual({ result: null, headNote: undefined, rowQuant: null, rowLocalOps: 0 });
  });

  it('q8: the mask rows are gathered where the row-local tail begins, quantizers made per-row', () => {
    // A Node Buffer, as fs gives it: restore() must not rely on slice() copying (a Buffer's is a view).
    const bytes = fs.readFileSync(modelFile(BERT_TINY, 'q8'));
    const copy = Uint8Array.from(bytes);
    const done = rewriteModelBytes(bytes, { maskRows: true, rowQuant: true });
    expect(done.headNote).toBeUndefined();
    expect(done.rowQuant).toEqual({ quantizers: expect.any(Number) });
    expect(done.rowLocalOps).toBe(39);
    done.result?.restore();
    expect(Buffer.compare(bytes, copy)).toBe(0);
    // Per-tensor quantizers (rowQuant off) need every row: gathered at the projection.
    expect(rewriteModelBytes(bytes, { maskRows: true, rowQuant: false }).rowLocalOps).toBe(0);
  });

  it('q8 that per-row quantization refuses: the rows are gathered at the projection again', () => {
    // The first quantizer's scale as a graph output: row-quant.ts leaves such a model alone.
    const original = fs.readFileSync(modelFile(BERT_TINY, 'q8'));
    const parsed = parseModel(original);
    if ('error' in parsed) throw new Error(parsed.error);
    const scale = parsed.nodes.find((n) => n.opType === 'DynamicQuantizeLinear')!.outputs[1]!;
    const extra = [encodeField(GRAPH_OUTPUT, encodeValueInfo(scale, ELEM.FLOAT, null))];
    const bytes = writeGraph(parsed, { replace: new Map(), extra }, false).bytes;
    const copy = bytes.slice();
    const done = rewriteModelBytes(bytes, { maskRows: true, rowQuant: true });
    expect(done.rowQuant).toEqual({ reason: 'a quantized tensor is a graph output' });
    expect(done.headNote).toBeUndefined();
    expect(done.rowLocalOps).toBe(0);
    expect(done.result).not.toBeNull();
    done.result?.restore();
    expect(Buffer.compare(bytes, copy)).toBe(0);
  });

  it('without ONNX Runtime nothing is rewritten, and info says why', () => {
    const rewrites = new GraphRewrites({ maskRows: true, rowQuant: true }, null);
    expect(rewrites.sessionOptions()).toBeNull();
    expect(rewrites.headNote).toBe('full head (no direct ONNX Runtime access)');
    expect(rewrites.rowQuantOutcome()).toBe('no-ort');
    expect(new GraphRewrites({ maskRows: false, rowQuant: false }, null).rowQuantOutcome()).toBe('off');
  });

  it('batch invariance follows the row-quant finding, the dtype and the device', () => {
    expect(batchInvariance('cpu', 'q8', { quantizers: 3 })).toEqual({
      batchInvariant: true,
      batchNote: 'per-row activation quantization (3 quantizers)',
    });
    expect(batchInvariance('cpu', 'q8', { reason: 'odd graph' }).batchInvariant).toBe(false);
    expect(batchInvariance('cpu', 'fp32', 'off')).toEqual({ batchInvariant: true });
    expect(batchInvariance('wasm', 'q8', 'off').batchNote).toMatch(/switched off/);
    expect(batchInvariance('webgpu', 'fp32', null).batchInvariant).toBe(false);
  });

  it('engine info: default file list, threads only on WASM, head note only with the full head', () => {
    const info = engineInfo({
      source: { kind: 'local', id: 'm' },
      device: 'cpu',
      dtype: 'fp32',
      modelFile: 'onnx/model.onnx',
      threads: 4,
      files: [],
      loadMs: 1,
      deviceNote: undefined,
      maskRowsOnly: true,
      hiddenAtMask: true,
      headNote: 'ignored',
      rowLocalOps: 23,
      loadPhases: {},
      rowQuant: null,
    });
    expect(info.threads).toBeNull();
    expect(info.rowLocalOps).toBe(23);
    expect(info.files).toEqual(['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx']);
    expect(info.head).toBe('mask-rows');
    expect(info).not.toHaveProperty('headNote');
    expect(info).not.toHaveProperty('deviceNote');
  });
});

/** A plain model whose logits at each position depend on the row's ids (V = 10). */
function fakePlainModel(calls: { n: number }, V = 10): PlainModel {
  return async (inputs) => {
    const ids = inputs.input_ids as { dims: number[]; data: BigInt64Array };
    const [b, len] = ids.dims as [number, number];
    const data = new Float32Array(b * len * V);
    for (let r = 0; r < b; r++) {
      let sum = 0;
      for (let t = 0; t < len; t++) sum += Number(ids.data[r * len + t]);
      for (let t = 0; t < len; t++)
        for (let v = 0; v < V; v++) data[(r * len + t) * V + v] = -((v - ((sum + t) % V)) ** 2 / 10);
    }
    calls.n++;
    return { logits: { type: 'float32', dims: [b, len, V], data } };
  };
}

describe('WebGPU parity verdict', () => {
  it('identical runners match; the note keeps the earlier note', async () => {
    const runner = new ModelRunner(fakePlainModel({ n: 0 }), null);
    const parity = await compareRunners(runner, runner, { ids: [1, 3, 2], maskAt: 1 });
    expect(parity).toEqual({ ok: true, maxAbsDiff: 0, top1Differs: false });
    expect(parityNote(parity, 0.05, 'first')).toMatch(/^first; WebGPU matches WASM/);
  });

  it('a failing runner gives a reason, and the note says WASM is used', async () => {
    const broken = new ModelRunner(async () => Promise.reject(new Error('gpu lost')), null);
    const ok = new ModelRunner(fakePlainModel({ n: 0 }), null);
    const parity = await compareRunners(broken, ok, { ids: [1, 3, 2], maskAt: 1 });
    expect(parity).toEqual({ ok: false, reason: 'gpu lost' });
    expect(parityNote(parity, 0.05, undefined)).toBe('WebGPU could not be checked against WASM (gpu lost); using WASM');
    expect(parityNote({ ok: true, maxAbsDiff: 1, top1Differs: true }, 0.05, undefined)).toMatch(
      /different top prediction\); using WASM$/,
    );
  });
});

describe('score path: assembly, packing, one request', () => {
  const facts: ModelFacts = {
    maskToken: '[MASK]',
    maskTokenId: 3,
    unkTokenId: 1,
    vocabSize: 10,
    tokenizerKind: 'wordpiece',
    maxLength: 12,
  };
  const words = (text: string): number[] =>
    text
      .split(' ')
      .filter(Boolean)
      .map((w) => (w === '[MASK]' ? 3 : 5 + (w.length % 5)));
  const tokenizer: AssemblyTokenizer = {
    rules: { maskLstrip: false, maskRstrip: false, moveTrailingSpace: true },
    prefixIds: [2],
    suffixIds: [4],
    maskTokenId: 3,
    unkTokenId: 1,
    maxLength: 12,
    encode: words,
  };
  const prompt = (input: string, contentFree?: boolean): RenderedPrompt => ({
    parts: [
      { kind: 'input', slot: 'x', text: input, ...(contentFree !== undefined ? { contentFree } : {}) },
      { kind: 'template', text: ' it was ' },
      { kind: 'mask', count: 1 },
    ],
  });

  it('assembles special tokens, mask positions, a typed mask as unknown (content-free keeps it)', () => {
    expect(assemblePrompt(prompt('a [MASK]'), 0, tokenizer)).toEqual({
      ids: [2, 6, 1, 7, 8, 3, 4],
      maskPositions: [5],
      truncated: 0,
    });
    expect(assemblePrompt(prompt('[MASK]', true), 0, tokenizer).ids).toEqual([2, 3, 7, 8, 3, 4]);
  });

  it('cuts the input to fit, and says which prompt cannot fit at all', () => {
    const long = assemblePrompt(prompt('a b c d e f g h i j'), 0, tokenizer);
    expect(long.ids.length).toBe(12);
    expect(long.truncated).toBe(3);
    // The part the model read, in characters of the input, for the UI to show (and fold the rest).
    expect(long.inputsRead).toEqual([{ chars: 14, dropped: 3 }]);
    expect('a b c d e f g h i j'.slice(0, 14)).toBe('a b c d e f g ');
    const tight = { ...tokenizer, maxLength: 4 };
    expect(() => assemblePrompt(prompt('a'), 2, tight)).toThrow(/Prompt 3 is too long/);
  });

  it('finds the characters the model read of a huge input with a few short encodes', () => {
    const text = 'word '.repeat(11_000); // 55,000 characters, 11,000 tokens
    const lengths: number[] = [];
    const counting = (s: string) => {
      lengths.push(s.length);
      return words(s);
    };
    const chars = charsWithinTokens(text, 509, 11_000, counting);
    expect(chars).toBe(509 * 5);
    expect(lengths.length).toBeLessThan(40);
    expect(Math.max(...lengths)).toBeLessThan(4 * 509 * 5);
    // With a template part before the input, the space it hands over is not counted as the input's.
    const moved = assemblePrompt(
      {
        parts: [
          { kind: 'template', text: 'Review: ' },
          { kind: 'input', slot: 'x', text: 'a b c d e f g h i j' },
          { kind: 'template', text: ' it was ' },
          { kind: 'mask', count: 1 },
        ],
      },
      0,
      tokenizer,
    );
    expect(moved.inputsRead).toEqual([{ chars: 12, dropped: 4 }]);
  });

  it('packs a batch with padding and flat mask-row indices', () => {
    const packed = packBatch(
      [
        { ids: [2, 3, 4], maskPositions: [1] },
        { ids: [2, 5, 3, 4], maskPositions: [2] },
      ],
      0,
    );
    expect([packed.size, packed.length, packed.paddedTokens]).toEqual([2, 4, 1]);
    expect(Array.from(packed.inputIds, Number)).toEqual([2, 3, 4, 0, 2, 5, 3, 4]);
    expect(Array.from(packed.attention, Number)).toEqual([1, 1, 1, 0, 1, 1, 1, 1]);
    expect(packed.rows).toEqual([1, 6]);
  });

  it('plans every item exactly once, within the batch size', () => {
    const items = Array.from({ length: 7 }, (_, i) => ({ ids: new Array<number>(3 + i).fill(5), maskPositions: [1] }));
    for (const maskRowsOnly of [true, false]) {
      const runs = planModelRuns(items, { batchSize: 3, vocabSize: 10, maskRowsOnly, native: true });
      expect(runs.flat().sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
      expect(Math.max(...runs.map((r) => r.length))).toBeLessThanOrEqual(3);
    }
  });

  function scoringModel(calls: { n: number }): ScoringModel & { alive: boolean } {
    const model = {
      alive: true,
      facts,
      rules: tokenizer.rules,
      prefixIds: [2],
      suffixIds: [4],
      padId: 0,
      runner: new ModelRunner(fakePlainModel(calls), null),
      rowCache: createMaskRowCache(),
      encode: words,
      tokenOf: (id: number) => `t${id}`,
      loaded: () => model.alive,
      errorContext: { phase: 'score' as const },
    };
    return model;
  }

  it('runs identical prompts once and answers cached mask rows without a forward pass', async () => {
    const calls = { n: 0 };
    const model = scoringModel(calls);
    const prompts = [prompt('good film'), prompt('bad'), prompt('good film')];
    const first = await scorePrompts(model, prompts, [5, 6], { topK: 2, cacheRows: true });
    expect(first.stats.duplicatePrompts).toBe(1);
    expect(first.stats.prompts).toBe(3);
    expect(first.scores[2]).toEqual(first.scores[0]);
    expect(first.scores[2]).not.toBe(first.scores[0]);
    expect(model.rowCache.has(maskRowKey(assemblePrompt(prompts[1]!, 1, tokenizer)))).toBe(true);
    const runs = calls.n;

    const other = await scorePrompts(model, prompts, [7], { topK: 2, cacheRows: true });
    expect(calls.n).toBe(runs);
    expect(other.stats).toMatchObject({ batches: 0, cachedPrompts: 2, duplicatePrompts: 1 });

    const fresh = await scorePrompts(scoringModel({ n: 0 }), prompts, [7], { topK: 2 });
    expect(other.scores).toEqual(fresh.scores);
  });

  it('an unloaded model rejects with not-loaded; invalid token ids are rejected before any run', async () => {
    const calls = { n: 0 };
    const model = scoringModel(calls);
    await expect(scorePrompts(model, [prompt('a')], [10], { topK: 0 })).rejects.toMatchObject({
      code: 'invalid-input',
    });
    model.alive = false;
    await expect(scorePrompts(model, [prompt('a')], [5], { topK: 0 })).rejects.toMatchObject({ code: 'not-loaded' });
    expect(calls.n).toBe(0);
  });

  it('background warm-up prompts: filler with one mask in the middle, special tokens around', () => {
    const [short] = warmupInputs([2], [4], 1, 3);
    expect(short!.ids.length).toBe(18);
    expect(short!.ids[short!.maskAt]).toBe(3);
    expect(short!.ids[0]).toBe(2);
    expect(short!.ids.at(-1)).toBe(4);
  });
});

describe('lanes, declared once (protocol.ts LANE_DEFAULTS)', () => {
  it('the client sends each laned op in its default lane, and a newer request supersedes the older', async () => {
    const posted: WorkerRequest[] = [];
    const worker: WorkerLike = {
      postMessage: (m) => void posted.push(m),
      terminate: () => undefined,
      onmessage: null,
      onerror: null,
    };
    const client = new RuntimeClient(() => worker);
    const args = { prompts: [], groups: [], groupCount: 0 } as unknown as LabelWordStatsArgs;
    const older = client.labelWordStats(args);
    const newer = client.labelWordStats(args);
    const score = client.scoreDetailed([], [], { topK: 0 });
    await expect(older).rejects.toMatchObject({ code: 'superseded' });
    expect(posted.map((m) => [m.op, 'lane' in m ? m.lane : null])).toEqual([
      ['labelWordStats', LANE_DEFAULTS.labelWordStats],
      ['labelWordStats', LANE_DEFAULTS.labelWordStats],
      ['score', LANE_DEFAULTS.score],
    ]);
    expect(client.pendingCount).toBe(2);
    client.dispose();
    await expect(newer).rejects.toMatchObject({ code: 'worker-restarted' });
    await expect(score).rejects.toMatchObject({ code: 'worker-restarted' });
  });
});
