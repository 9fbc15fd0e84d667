/**
 * Integration tests for MaskedLMEngine on the generated fixtures, through the real Transformers.js +
 * onnxruntime-node path (no mocks): loading, truncation, multi-mask, word tokenization, typed errors
 * and cancellation. Scores against an independent computation: runtime-scores.test.ts; the client:
 * runtime-client.test.ts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { env } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RenderedPrompt } from '../../src/core/types.ts';
import { MaskedLMEngine } from '../../src/runtime/engine.ts';
import type { LoadProgress } from '../../src/runtime/protocol.ts';
import {
  BERT_TINY as BERT,
  BROKEN_DIR,
  CHINESE_BERT_TINY as ZH,
  expectCode,
  loadFixture as loadLocal,
  local,
  MODELS_DIR,
  ROBERTA_TINY as ROBERTA,
  useModelsDir,
} from './fixture-models.ts';

const tmpDirs: string[] = [];
let savedRemote: string;

beforeAll(() => {
  savedRemote = env.remoteHost;
  useModelsDir(MODELS_DIR);
}, 180_000);

afterAll(() => {
  env.remoteHost = savedRemote;
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

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
