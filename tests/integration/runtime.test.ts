/**
 * Integration tests for src/runtime on the generated fixtures, through the real Transformers.js +
 * onnxruntime-node path (no mocks): scores against an independent ORT run + float64 softmax,
 * truncation, multi-mask, word tokenization, typed errors, cancellation, and the client's
 * supersede / cancel / restart / crash semantics over an in-process worker.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PromptScores, RenderedPrompt } from '../../src/core/types.ts';
import { MaskedLMEngine, type LoadOptions } from '../../src/runtime/engine.ts';
import { RuntimeError, isCancellation } from '../../src/runtime/errors.ts';
import { RuntimeClient, type ClientEvent } from '../../src/runtime/client.ts';
import { InProcessWorker } from '../../src/runtime/in-process.ts';
import type {
  LoadProgress,
  ModelSource,
  WorkerLike,
  WorkerRequest,
  WorkerResponse,
} from '../../src/runtime/protocol.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const MODELS_DIR = path.join(ROOT, 'public', 'models');
const BROKEN_DIR = path.join(ROOT, '.cache', 'fixtures');
const BERT = 'clozelab-test/bert-tiny';
const ROBERTA = 'clozelab-test/roberta-tiny';
const ZH = 'clozelab-test/chinese-bert-tiny';
const local = (id: string): ModelSource => ({ kind: 'local', id });

function useModelsDir(dir: string): void {
  env.localModelPath = `${dir}/`;
}

async function loadLocal(id: string, options: LoadOptions = {}, dir = MODELS_DIR): Promise<MaskedLMEngine> {
  useModelsDir(dir);
  return MaskedLMEngine.load(local(id), options);
}

async function expectCode(promise: Promise<unknown>, code: RuntimeError['code']): Promise<RuntimeError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(RuntimeError);
    const e = error as RuntimeError;
    expect(e.code, `${e.message} | ${e.detail ?? ''}`).toBe(code);
    expect(e.message.length).toBeGreaterThan(20);
    return e;
  }
  throw new Error(`expected a RuntimeError with code ${code}, but the promise resolved`);
}

const tmpDirs: string[] = [];
let savedRemote: string;

beforeAll(() => {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  savedRemote = env.remoteHost;
  useModelsDir(MODELS_DIR);
}, 180_000);

afterAll(() => {
  env.remoteHost = savedRemote;
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

// ---- independent reference: tokenizer + manual assembly, raw ORT session, float64 softmax ----

interface Reference {
  ids: number[];
  maskPositions: number[];
  /** Float64 log-softmax rows at the mask positions. */
  rows: { logits: Float64Array; logZ: number }[];
}

async function reference(session: ort.InferenceSession, ids: number[], maskId: number): Promise<Reference> {
  const n = ids.length;
  const feeds: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, n]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
  };
  if (session.inputNames.includes('token_type_ids')) {
    feeds.token_type_ids = new ort.Tensor('int64', new BigInt64Array(n), [1, n]);
  }
  const out = await session.run(feeds);
  const logits = out.logits;
  if (!logits) throw new Error('reference model has no logits');
  const V = logits.dims[2] as number;
  const data = logits.data as Float32Array;
  const maskPositions = ids.flatMap((id, i) => (id === maskId ? [i] : []));
  const rows = maskPositions.map((pos) => {
    const row = Float64Array.from(data.subarray(pos * V, (pos + 1) * V));
    let max = -Infinity;
    for (const x of row) max = Math.max(max, x);
    let sum = 0;
    for (const x of row) sum += Math.exp(x - max);
    return { logits: row, logZ: max + Math.log(sum) };
  });
  return { ids, maskPositions, rows };
}

function compareWithReference(actual: PromptScores, ref: Reference, tokenIds: number[], topK: number): void {
  expect(actual.maskPositions).toEqual(ref.maskPositions);
  expect(actual.masks).toHaveLength(ref.rows.length);
  actual.masks.forEach((m, k) => {
    const row = ref.rows[k]!;
    tokenIds.forEach((id, j) => {
      expect(Math.abs(m.logits[j]! - row.logits[id]!)).toBeLessThan(1e-5);
      expect(Math.abs(m.probs[j]! - Math.exp(row.logits[id]! - row.logZ))).toBeLessThan(1e-5);
    });
    const order = Array.from(row.logits.keys()).sort((a, b) => row.logits[b]! - row.logits[a]! || a - b);
    expect(m.top.map((t) => t.id)).toEqual(order.slice(0, topK));
    m.top.forEach((t) => expect(Math.abs(t.prob - Math.exp(row.logits[t.id]! - row.logZ))).toBeLessThan(1e-5));
  });
}

describe('MaskedLMEngine: load', () => {
  it('loads the fixtures in Node on the CPU with facts and per-file progress', async () => {
    const progress: LoadProgress[] = [];
    const t0 = performance.now();
    const engine = await loadLocal(BERT, { onProgress: (p) => progress.push(p) });
    const ms = performance.now() - t0;
    expect(engine.info).toMatchObject({
      id: BERT,
      source: 'local',
      device: 'cpu',
      dtype: 'fp32',
      modelFile: 'onnx/model.onnx',
      threads: null,
    });
    expect(engine.info.files).toEqual(expect.arrayContaining(['config.json', 'tokenizer.json', 'onnx/model.onnx']));
    expect(engine.facts).toEqual({
      maskToken: '[MASK]',
      maskTokenId: 4,
      unkTokenId: 1,
      vocabSize: 2000,
      tokenizerKind: 'wordpiece',
      maxLength: 512,
    });
    const statuses = new Set(progress.map((p) => p.status));
    for (const s of ['initiate', 'download', 'done', 'ready'] as const) expect(statuses.has(s)).toBe(true);
    const modelDone = progress.find((p) => p.file === 'onnx/model.onnx' && p.status === 'done');
    expect(modelDone?.total).toBeGreaterThan(100_000);
    expect(progress.at(-1)?.status).toBe('ready');
    console.info(`[runtime] load bert-tiny fp32 (Node): ${ms.toFixed(1)} ms`);
    await engine.dispose();
  });

  it('detects tokenizer kinds and maxLength (RoBERTa offset)', async () => {
    const rob = await loadLocal(ROBERTA);
    expect(rob.facts).toMatchObject({ maskToken: '<mask>', tokenizerKind: 'bpe', vocabSize: 3261, maxLength: 512 });
    const zh = await loadLocal(ZH);
    expect(zh.facts).toMatchObject({ maskToken: '[MASK]', tokenizerKind: 'wordpiece', vocabSize: 1069 });
    await rob.dispose();
    await zh.dispose();
  });
});

describe('MaskedLMEngine: score() equals an independent computation', () => {
  const cases: { id: string; cls: string; sep: string; prompts: RenderedPrompt[]; wholeText: string[] }[] = [
    {
      id: BERT,
      cls: '[CLS]',
      sep: '[SEP]',
      prompts: [
        {
          parts: [
            { kind: 'input', slot: 'x', text: 'The movie was fun.' },
            { kind: 'template', text: ' It was ' },
            { kind: 'mask', count: 1 },
            { kind: 'template', text: '.' },
          ],
        },
        {
          parts: [
            { kind: 'template', text: 'It was ' },
            { kind: 'mask', count: 1 },
            { kind: 'template', text: '.' },
          ],
        },
        {
          parts: [
            { kind: 'template', text: 'Question: ' },
            {
              kind: 'input',
              slot: 'a',
              text: 'Overall, the movie was really good and I would watch it again with my family',
            },
            { kind: 'template', text: '? ' },
            { kind: 'mask', count: 1 },
            { kind: 'template', text: ', ' },
            { kind: 'input', slot: 'b', text: 'the actors were terrible.' },
          ],
        },
      ],
      wholeText: [
        'The movie was fun. It was [MASK].',
        'It was [MASK].',
        'Question: Overall, the movie was really good and I would watch it again with my family? [MASK], the actors were terrible.',
      ],
    },
    {
      id: ROBERTA,
      cls: '<s>',
      sep: '</s>',
      prompts: [
        {
          parts: [
            { kind: 'input', slot: 'x', text: 'The movie was fun.' },
            { kind: 'template', text: ' It was ' },
            { kind: 'mask', count: 1 },
            { kind: 'template', text: '.' },
          ],
        },
        {
          parts: [
            { kind: 'template', text: 'It was ' },
            { kind: 'mask', count: 1 },
            { kind: 'template', text: '.' },
          ],
        },
        {
          parts: [
            { kind: 'template', text: 'Question: ' },
            {
              kind: 'input',
              slot: 'a',
              text: 'Overall, the movie was really good and I would watch it again with my family',
            },
            { kind: 'template', text: '? ' },
            { kind: 'mask', count: 1 },
            { kind: 'template', text: ', ' },
            { kind: 'input', slot: 'b', text: 'the actors were terrible.' },
          ],
        },
      ],
      // <mask> has lstrip=true: the space before it belongs to the mask.
      wholeText: [
        'The movie was fun. It was <mask>.',
        'It was <mask>.',
        'Question: Overall, the movie was really good and I would watch it again with my family? <mask>, the actors were terrible.',
      ],
    },
    {
      id: ZH,
      cls: '[CLS]',
      sep: '[SEP]',
      prompts: [
        {
          parts: [
            { kind: 'input', slot: 'x', text: '这个电影真的很好看。' },
            { kind: 'template', text: '总之很' },
            { kind: 'mask', count: 1 },
            { kind: 'template', text: '。' },
          ],
        },
        {
          parts: [
            { kind: 'template', text: '很' },
            { kind: 'mask', count: 1 },
          ],
        },
      ],
      wholeText: ['这个电影真的很好看。总之很[MASK]。', '很[MASK]'],
    },
  ];

  for (const c of cases) {
    it(`${c.id}: fp32, several lengths in one padded batch, probs/logits/top-k to 1e-5`, async () => {
      const engine = await loadLocal(c.id);
      useModelsDir(MODELS_DIR);
      const tokenizer = (await AutoTokenizer.from_pretrained(c.id)) as unknown as {
        encode(t: string, o?: { add_special_tokens?: boolean }): number[];
        convert_tokens_to_ids(t: string): number;
      };
      const session = await ort.InferenceSession.create(path.join(MODELS_DIR, c.id, 'onnx', 'model.onnx'));
      const { maskTokenId, vocabSize } = engine.facts;
      const tokenIds = [0, maskTokenId, 5, 17, vocabSize - 1, 42];
      const topK = 7;
      const result = await engine.scoreDetailed(c.prompts, tokenIds, { topK, batchSize: 8 });
      expect(result.stats.batches).toBe(1);
      expect(result.stats.paddedTokens).toBeGreaterThan(0);

      const cls = tokenizer.convert_tokens_to_ids(c.cls);
      const sep = tokenizer.convert_tokens_to_ids(c.sep);
      for (let i = 0; i < c.prompts.length; i++) {
        // Manual assembly: special tokens around each part tokenized on its own.
        const ids: number[] = [cls];
        for (const part of c.prompts[i]!.parts) {
          if (part.kind === 'mask') for (let k = 0; k < part.count; k++) ids.push(maskTokenId);
          else ids.push(...tokenizer.encode(part.text, { add_special_tokens: false }));
        }
        ids.push(sep);
        const whole = tokenizer.encode(c.wholeText[i]!, { add_special_tokens: true });
        const actual = result.scores[i]!;
        const actualIds = actual.tokens.map((t) => tokenizer.convert_tokens_to_ids(t));
        // The runtime's part-wise assembly equals tokenizing the whole prompt text.
        expect(actualIds).toEqual(whole);
        if (c.id !== ROBERTA) expect(actualIds).toEqual(ids); // (BPE moves boundary spaces; checked via `whole`)
        const ref = await reference(session, whole, maskTokenId);
        compareWithReference(actual, ref, tokenIds, topK);
        expect(actual.truncatedTokens).toBe(0);
      }
      await session.release();
      await engine.dispose();
    });
  }

  it('q8 loads and gives finite, normalised probabilities', async () => {
    const engine = await loadLocal(BERT, { dtype: 'q8' });
    expect(engine.info).toMatchObject({ dtype: 'q8', modelFile: 'onnx/model_quantized.onnx' });
    const V = engine.facts.vocabSize;
    const all = Array.from({ length: V }, (_, i) => i);
    const [scores] = await engine.score(
      [
        {
          parts: [
            { kind: 'template', text: 'the movie was ' },
            { kind: 'mask', count: 1 },
            { kind: 'template', text: '.' },
          ],
        },
      ],
      all,
      { topK: 5 },
    );
    const probs = scores!.masks[0]!.probs;
    expect(probs.every((p) => Number.isFinite(p) && p >= 0 && p <= 1)).toBe(true);
    expect(Math.abs(probs.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-9);
    const top = scores!.masks[0]!.top;
    expect(top).toHaveLength(5);
    for (let i = 1; i < top.length; i++) expect(top[i - 1]!.prob).toBeGreaterThanOrEqual(top[i]!.prob);
    expect(top[0]!.prob).toBeCloseTo(Math.max(...probs), 12);
    await engine.dispose();
  });
});

describe('MaskedLMEngine: prompts', () => {
  it('truncates a 2,000-word input; the template and the mask survive', async () => {
    const engine = await loadLocal(BERT);
    const words = 'the movie was really good and i would watch it again'.split(' ');
    const long = Array.from({ length: 2000 }, (_, i) => words[i % words.length]).join(' ');
    const prompt: RenderedPrompt = {
      parts: [
        { kind: 'template', text: 'Review:' },
        { kind: 'input', slot: 'text', text: long },
        { kind: 'template', text: ' Overall it was' },
        { kind: 'mask', count: 1 },
        { kind: 'template', text: '!' },
      ],
    };
    const t0 = performance.now();
    const [s] = await engine.score([prompt], [5, 6], { topK: 3 });
    console.info(`[runtime] score 1 prompt × 512 tokens (bert-tiny, Node): ${(performance.now() - t0).toFixed(1)} ms`);
    expect(s!.truncatedTokens).toBeGreaterThan(1000);
    expect(s!.tokens).toHaveLength(engine.facts.maxLength);
    expect(s!.tokens.slice(0, 3)).toEqual(['[CLS]', 'review', ':']);
    expect(s!.tokens.slice(-6)).toEqual(['overall', 'it', 'was', '[MASK]', '!', '[SEP]']);
    expect(s!.maskPositions).toEqual([engine.facts.maxLength - 3]);
    expect(s!.masks).toHaveLength(1);

    // Two inputs: the longer one is cut first.
    const two: RenderedPrompt = {
      parts: [
        { kind: 'input', slot: 'a', text: long },
        { kind: 'template', text: '?' },
        { kind: 'mask', count: 1 },
        { kind: 'template', text: ',' },
        { kind: 'input', slot: 'b', text: 'short answer here' },
      ],
    };
    const [t] = await engine.score([two], [5], { topK: 0 });
    expect(t!.tokens).toHaveLength(engine.facts.maxLength);
    expect(t!.tokens.slice(-5)).toEqual([',', 'short', 'answer', 'here', '[SEP]']);
    expect(t!.masks[0]!.top).toEqual([]);

    // Template alone too long → typed invalid-input.
    const huge: RenderedPrompt = {
      parts: [
        { kind: 'template', text: long },
        { kind: 'mask', count: 1 },
      ],
    };
    await expectCode(engine.score([huge], [5], { topK: 1 }), 'invalid-input');
    await engine.dispose();
  });

  it('multi-mask prompts (count 2) give two MaskScores, left to right', async () => {
    const engine = await loadLocal(ROBERTA);
    const [s] = await engine.score(
      [
        {
          parts: [
            { kind: 'template', text: 'The movie was' },
            { kind: 'mask', count: 2 },
            { kind: 'template', text: '.' },
          ],
        },
      ],
      [10, 20, 30],
      { topK: 4 },
    );
    expect(s!.masks).toHaveLength(2);
    expect(s!.maskPositions).toHaveLength(2);
    expect(s!.maskPositions[1]).toBe(s!.maskPositions[0]! + 1);
    expect(s!.tokens[s!.maskPositions[0]!]).toBe('<mask>');
    for (const m of s!.masks) {
      expect(m.probs).toHaveLength(3);
      expect(m.logits).toHaveLength(3);
      expect(m.top).toHaveLength(4);
    }
    expect(s!.masks[0]!.probs).not.toEqual(s!.masks[1]!.probs);
    await engine.dispose();
  });

  it('a mask token typed inside input data is not a mask', async () => {
    const engine = await loadLocal(BERT);
    const [s] = await engine.score(
      [
        {
          parts: [
            { kind: 'input', slot: 'x', text: 'I typed [MASK] here.' },
            { kind: 'template', text: ' It was' },
            { kind: 'mask', count: 1 },
          ],
        },
      ],
      [5],
      { topK: 1 },
    );
    expect(s!.masks).toHaveLength(1);
    expect(s!.tokens.filter((t) => t === '[MASK]')).toHaveLength(1);
    expect(s!.tokens).toContain('[UNK]');
    await engine.dispose();
  });

  it('rejects bad token ids with a typed error', async () => {
    const engine = await loadLocal(BERT);
    const p: RenderedPrompt = { parts: [{ kind: 'mask', count: 1 }] };
    await expectCode(engine.score([p], [engine.facts.vocabSize], { topK: 1 }), 'invalid-input');
    await expectCode(engine.score([p], [1.5], { topK: 1 }), 'invalid-input');
    await engine.dispose();
    await expectCode(engine.score([p], [1], { topK: 1 }), 'not-loaded');
  });
});

describe('MaskedLMEngine: tokenizeWord', () => {
  it('byte-level BPE distinguishes a leading space', async () => {
    const engine = await loadLocal(ROBERTA);
    const spaced = engine.tokenizeWord(' great');
    const bare = engine.tokenizeWord('great');
    expect(spaced.text).toBe(' great');
    expect(spaced.pieces).toEqual(['Ġgreat']);
    expect(bare.pieces).toEqual(['great']);
    expect(spaced.ids).not.toEqual(bare.ids);
    expect(spaced.hasUnknown).toBe(false);
    const multi = engine.tokenizeWord(' unbelievably');
    expect(multi.ids.length).toBeGreaterThan(1);
    expect(multi.pieces[0]!.startsWith('Ġ')).toBe(true);
    await engine.dispose();
  });

  it('WordPiece: multi-token words use ##, unknown characters are flagged', async () => {
    const engine = await loadLocal(BERT);
    const multi = engine.tokenizeWord('unbelievably');
    expect(multi.ids.length).toBeGreaterThan(1);
    expect(multi.pieces.slice(1).every((p) => p.startsWith('##'))).toBe(true);
    expect(engine.tokenizeWord('great')).toMatchObject({ text: 'great', pieces: ['great'], hasUnknown: false });
    const unk = engine.tokenizeWord('好');
    expect(unk.hasUnknown).toBe(true);
    expect(unk.ids).toEqual([engine.facts.unkTokenId]);
    expect(engine.tokenizeWord('')).toEqual({ text: '', ids: [], pieces: [], hasUnknown: false });
    await engine.dispose();
  });

  it('Chinese BERT tokenizes per character', async () => {
    const engine = await loadLocal(ZH);
    const w = engine.tokenizeWord('很好');
    expect(w.pieces).toEqual(['很', '好']);
    expect(w.hasUnknown).toBe(false);
    expect(engine.tokenizeWord('好').ids).toHaveLength(1);
    await engine.dispose();
  });
});

describe('MaskedLMEngine: typed errors', () => {
  it('missing ONNX file → file-missing, naming the file', async () => {
    const e = await expectCode(loadLocal('missing-onnx', {}, BROKEN_DIR), 'file-missing');
    expect(e.message).toContain('onnx/model.onnx');
    expect(e.message).toContain('missing-onnx');
    const q = await expectCode(loadLocal('missing-onnx', { dtype: 'q8' }, BROKEN_DIR), 'file-missing');
    expect(q.message).toContain('onnx/model_quantized.onnx');
  });

  it('a model folder that does not exist → file-missing', async () => {
    await expectCode(loadLocal('clozelab-test/does-not-exist'), 'file-missing');
  });

  it('a folder without its tokenizer files → file-missing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clozelab-rt-'));
    tmpDirs.push(dir);
    fs.cpSync(path.join(MODELS_DIR, BERT), path.join(dir, 'no-tok-config'), { recursive: true });
    fs.rmSync(path.join(dir, 'no-tok-config', 'tokenizer_config.json'));
    const a = await expectCode(loadLocal('no-tok-config', {}, dir), 'file-missing');
    expect(a.message).toContain('tokenizer_config.json');
    fs.cpSync(path.join(MODELS_DIR, BERT), path.join(dir, 'no-tok-json'), { recursive: true });
    fs.rmSync(path.join(dir, 'no-tok-json', 'tokenizer.json'));
    const b = await expectCode(loadLocal('no-tok-json', {}, dir), 'file-missing');
    expect(b.message).toContain('tokenizer.json');
  });

  it('corrupt ONNX → corrupt-model (fp32 and q8)', async () => {
    await expectCode(loadLocal('corrupt', {}, BROKEN_DIR), 'corrupt-model');
    await expectCode(loadLocal('corrupt', { dtype: 'q8' }, BROKEN_DIR), 'corrupt-model');
  });

  it('not a masked LM → not-masked-lm (from config, and from the ONNX outputs alone)', async () => {
    await expectCode(loadLocal('not-mlm', {}, BROKEN_DIR), 'not-masked-lm');
    // Same ONNX file, config claiming an MLM: caught by the missing "logits" output.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clozelab-rt-'));
    tmpDirs.push(dir);
    fs.cpSync(path.join(BROKEN_DIR, 'not-mlm'), path.join(dir, 'lying'), { recursive: true });
    const cfgPath = path.join(dir, 'lying', 'config.json');
    const cfg = JSON.parse(fs.readFileSync(cfgPath, 'utf8')) as Record<string, unknown>;
    cfg.architectures = ['BertForMaskedLM'];
    fs.writeFileSync(cfgPath, JSON.stringify(cfg));
    const e = await expectCode(loadLocal('lying', {}, dir), 'not-masked-lm');
    expect(e.detail).toContain('last_hidden_state');
  });

  it('Hub model with remote loading disabled → hub-unreachable', async () => {
    useModelsDir(MODELS_DIR);
    env.allowRemoteModels = false;
    await expectCode(MaskedLMEngine.load({ kind: 'hub', id: 'Xenova/bert-base-uncased' }), 'hub-unreachable');
  });

  it('Hub unreachable (connection refused) → hub-unreachable', async () => {
    useModelsDir(MODELS_DIR);
    env.allowRemoteModels = true;
    env.remoteHost = 'http://127.0.0.1:59999/'; // nothing listens there
    try {
      await expectCode(MaskedLMEngine.load({ kind: 'hub', id: 'Xenova/bert-base-uncased' }), 'hub-unreachable');
    } finally {
      env.allowRemoteModels = false;
      env.remoteHost = savedRemote;
    }
  });

  it('invalid model ids → invalid-input', async () => {
    await expectCode(MaskedLMEngine.load(local('../etc')), 'invalid-input');
    await expectCode(MaskedLMEngine.load(local('')), 'invalid-input');
  });

  it('AbortSignal → cancelled (load and score)', async () => {
    const aborted = new AbortController();
    aborted.abort();
    await expectCode(loadLocal(BERT, { signal: aborted.signal }), 'cancelled');

    const late = new AbortController();
    const pending = loadLocal(BERT, { signal: late.signal });
    late.abort();
    await expectCode(pending, 'cancelled');

    const engine = await loadLocal(BERT);
    const prompts: RenderedPrompt[] = Array.from({ length: 20 }, (_, i) => ({
      parts: [
        { kind: 'template', text: `prompt ${i} was` },
        { kind: 'mask', count: 1 },
      ],
    }));
    await expectCode(engine.score(prompts, [5], { topK: 1, signal: aborted.signal }), 'cancelled');
    const mid = new AbortController();
    const running = engine.score(prompts, [5], { topK: 1, batchSize: 1, signal: mid.signal });
    mid.abort();
    await expectCode(running, 'cancelled');
    // Still usable afterwards.
    expect(await engine.score(prompts.slice(0, 2), [5], { topK: 1 })).toHaveLength(2);
    await engine.dispose();
  });
});

// ---- client over an in-process worker (real engine) -------------------------------------------

describe('RuntimeClient over the worker handler (in-process, real engine)', () => {
  const prompts = (n: number, tag = ''): RenderedPrompt[] =>
    Array.from({ length: n }, (_, i) => ({
      parts: [
        { kind: 'input', slot: 'x', text: `review ${tag} ${i}: the movie was good.` },
        { kind: 'template', text: ' it was' },
        { kind: 'mask', count: 1 },
        { kind: 'template', text: '.' },
      ],
    }));

  it('load → tokenizeWords → score, with progress; errors arrive typed', async () => {
    useModelsDir(MODELS_DIR);
    let created = 0;
    const client = new RuntimeClient(() => {
      created++;
      return new InProcessWorker();
    });
    expect(client.started).toBe(false);
    const progress: LoadProgress[] = [];
    client.onProgress((p) => progress.push(p));
    const t0 = performance.now();
    const { info, facts } = await client.load(local(BERT), { dtype: 'fp32' });
    const loadMs = performance.now() - t0;
    expect(created).toBe(1);
    expect(info.device).toBe('cpu');
    expect(facts.tokenizerKind).toBe('wordpiece');
    expect(progress.some((p) => p.file === 'onnx/model.onnx' && p.status === 'done')).toBe(true);
    expect(progress.at(-1)?.status).toBe('ready');
    // After the download, the phases in order: the session is built, the first run warms up, ready.
    const phases = progress.filter((p) => p.file === '').map((p) => p.status);
    expect(phases).toEqual(['preparing', 'warmup', 'ready']);
    const modelDone = progress.findIndex((p) => p.file === 'onnx/model.onnx' && p.status === 'done');
    expect(progress.findIndex((p) => p.status === 'preparing')).toBe(modelDone + 1);

    const words = await client.tokenizeWords(['great', 'terrible', '好']);
    expect(words.map((w) => w.hasUnknown)).toEqual([false, false, true]);
    const ids = words.slice(0, 2).map((w) => w.ids[0]!);
    const t1 = performance.now();
    const scores = await client.score(prompts(16), ids, { topK: 5, lane: 'preview' });
    const scoreMs = performance.now() - t1;
    expect(scores).toHaveLength(16);
    expect(scores[0]!.masks[0]!.probs).toHaveLength(2);
    console.info(
      `[runtime] client (in-process) load ${loadMs.toFixed(1)} ms; score 16 prompts ${scoreMs.toFixed(1)} ms`,
    );

    // Typed error over the boundary.
    useModelsDir(BROKEN_DIR);
    const err = await expectCode(client.load(local('missing-onnx')), 'file-missing');
    expect(err).toBeInstanceOf(RuntimeError);
    await expectCode(client.score(prompts(1), ids, { topK: 1 }), 'not-loaded');
    useModelsDir(MODELS_DIR);
    client.dispose();
  });

  it('a newer score in the same lane supersedes the older one; its remaining batches are skipped', async () => {
    useModelsDir(MODELS_DIR);
    const workerSide: string[] = [];
    const client = new RuntimeClient(
      () =>
        new InProcessWorker({
          loadEngine: async (source, options) => {
            const engine = await MaskedLMEngine.load(source, options);
            const original = engine.scoreDetailed.bind(engine);
            engine.scoreDetailed = async (...args) => {
              try {
                const r = await original(...args);
                workerSide.push(`ok:${r.stats.batches}`);
                return r;
              } catch (error) {
                workerSide.push((error as RuntimeError).code);
                throw error;
              }
            };
            return engine;
          },
        }),
    );
    await client.load(local(BERT));
    const older = client.score(prompts(200, 'old'), [5], { topK: 1, lane: 'typing', batchSize: 1 });
    const other = client.score(prompts(2, 'other'), [5], { topK: 1, lane: 'eval' });
    await new Promise((r) => setTimeout(r, 5));
    const newer = client.score(prompts(3, 'new'), [5], { topK: 1, lane: 'typing' });
    const e = await expectCode(older, 'superseded');
    expect(isCancellation(e)).toBe(true);
    expect(await newer).toHaveLength(3);
    expect(await other).toHaveLength(2); // other lanes are untouched
    await new Promise((r) => setTimeout(r, 20));
    expect(workerSide).toContain('superseded'); // the worker stopped the old request too
    expect(workerSide.filter((s) => s.startsWith('ok'))).toHaveLength(2);
    client.dispose();
  });

  it('cancel(requestId) and AbortSignal reject with cancelled', async () => {
    useModelsDir(MODELS_DIR);
    const client = new RuntimeClient(() => new InProcessWorker());
    await client.load(local(BERT));
    const p = client.score(prompts(40), [5], { topK: 1, batchSize: 1, lane: 'a' });
    expect(client.cancel(p.requestId)).toBe(true);
    await expectCode(p, 'cancelled');
    expect(client.cancel(p.requestId)).toBe(false);

    const ctrl = new AbortController();
    const q = client.score(prompts(40), [5], { topK: 1, batchSize: 1, lane: 'b', signal: ctrl.signal });
    ctrl.abort();
    await expectCode(q, 'cancelled');
    // The worker keeps serving.
    expect(await client.score(prompts(2), [5], { topK: 1, lane: 'a' })).toHaveLength(2);
    client.dispose();
  });

  it('restart() rejects pending work with worker-restarted and creates a fresh worker', async () => {
    useModelsDir(MODELS_DIR);
    const workers: InProcessWorker[] = [];
    const client = new RuntimeClient(() => {
      const w = new InProcessWorker();
      workers.push(w);
      return w;
    });
    const events: ClientEvent['type'][] = [];
    client.onEvent((e) => events.push(e.type));
    await client.load(local(BERT));
    const pending = client.score(prompts(40), [5], { topK: 1, batchSize: 1 });
    const loading = client.load(local(ROBERTA));
    client.restart();
    await expectCode(pending, 'worker-restarted');
    await expectCode(loading, 'worker-restarted');
    expect(events).toContain('restarted');
    expect(client.pendingCount).toBe(0);
    expect(workers).toHaveLength(1);
    // A fresh worker has no model: the caller reloads.
    await expectCode(client.score(prompts(1), [5], { topK: 1 }), 'not-loaded');
    expect(workers).toHaveLength(2);
    await client.load(local(ROBERTA));
    expect(await client.score(prompts(2), [5], { topK: 1 })).toHaveLength(2);
    client.dispose();
  });
});

// ---- client with a fake worker (crash, protocol) ---------------------------------------------

class FakeWorker implements WorkerLike {
  onmessage: ((event: { data: WorkerResponse }) => void) | null = null;
  onerror: ((event: { message?: string; error?: unknown }) => void) | null = null;
  readonly sent: WorkerRequest[] = [];
  terminated = false;
  postMessage(message: WorkerRequest): void {
    this.sent.push(message);
  }
  terminate(): void {
    this.terminated = true;
  }
  reply(message: WorkerResponse): void {
    this.onmessage?.({ data: message });
  }
  crash(message: string): void {
    this.onerror?.({ message });
  }
}

describe('RuntimeClient with a fake worker', () => {
  it('is lazy, and a crash rejects pending work with worker-crashed and emits crashed', async () => {
    const workers: FakeWorker[] = [];
    const client = new RuntimeClient(() => {
      const w = new FakeWorker();
      workers.push(w);
      return w;
    });
    expect(workers).toHaveLength(0);
    const events: ClientEvent[] = [];
    client.onEvent((e) => events.push(e));
    const a = client.load(local(BERT));
    const b = client.tokenizeWords(['x']);
    expect(workers).toHaveLength(1);
    expect(workers[0]!.sent.map((m) => m.op)).toEqual(['load', 'tokenizeWords']);
    workers[0]!.reply({
      type: 'progress',
      requestId: a.requestId,
      progress: { file: 'config.json', loaded: 1, total: 2, status: 'progress' },
    });
    workers[0]!.crash('RuntimeError: unreachable executed');
    await expectCode(a, 'worker-crashed');
    await expectCode(b, 'worker-crashed');
    expect(workers[0]!.terminated).toBe(true);
    expect(events.map((e) => e.type)).toEqual(['progress', 'crashed']);
    // Next request starts a new worker.
    void client.cacheStatus('x').catch(() => undefined);
    expect(workers).toHaveLength(2);
    client.dispose();
  });

  it('an out-of-memory crash is reported as out-of-memory', async () => {
    const w = new FakeWorker();
    const client = new RuntimeClient(() => w);
    const p = client.score([], [], { topK: 0 });
    w.crash('RangeError: WebAssembly.Memory.grow(): Maximum memory size exceeded');
    await expectCode(p, 'out-of-memory');
    client.dispose();
  });

  it('routes results and typed errors by requestId; late answers for settled requests are ignored', async () => {
    const w = new FakeWorker();
    const client = new RuntimeClient(() => w);
    const first = client.score([], [], { topK: 0, lane: 'l' });
    const second = client.score([], [], { topK: 0, lane: 'l' });
    await expectCode(first, 'superseded');
    w.reply({
      type: 'error',
      requestId: first.requestId,
      op: 'score',
      error: { code: 'superseded', message: 'A newer request replaced this one.' },
    });
    w.reply({
      type: 'result',
      requestId: second.requestId,
      op: 'score',
      result: { scores: [], stats: { prompts: 0, batches: 0, tokensRun: 0, paddedTokens: 0, modelMs: 0, totalMs: 0 } },
    });
    expect(await second).toEqual([]);
    const third = client.load(local('x'));
    w.reply({
      type: 'error',
      requestId: third.requestId,
      op: 'load',
      error: { code: 'corrupt-model', message: 'The model file is damaged.', detail: 'protobuf' },
    });
    const e = await expectCode(third, 'corrupt-model');
    expect(e.detail).toBe('protobuf');
    client.dispose();
    await expectCode(client.tokenizeWords([]), 'worker-restarted');
  });
});
