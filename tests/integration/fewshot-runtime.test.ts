/**
 * The runtime's few-shot plumbing, in Node with the real onnxruntime-node on the generated models:
 *  - the hidden vector at [Z] (mask-rows.ts's second output): logits = hidden · W + b, with W and b
 *    read from the ONNX file as the rewrite named them; alone vs inside mixed padded batches
 *    (q8 and fp32); from the mask-row cache; not there on the plain model's path;
 *  - separators: the model's own separator token ([SEP], </s>), and the token sequence of a prompt
 *    with two demonstrations equals the tokenizer's on the whole text;
 *  - a prompt too long with its demonstrations drops them last-first (droppedDemos), keeps the
 *    query and [Z], and scores exactly like the same prompt built without them;
 *  - the client path (InProcessWorker + RuntimeClient) and the scoring pipeline's fewshot pass.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AutoTokenizer } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSES, ScoringPipeline } from '../../src/core/pipeline.ts';
import { DEFAULT_SCORING_OPTIONS } from '../../src/core/scoring.ts';
import type { PromptPart, PromptScores, RenderedPrompt } from '../../src/core/types.ts';
import type { ScoreResult, WorkerResponse } from '../../src/runtime/protocol.ts';
import { RuntimeClient } from '../../src/runtime/client.ts';
import { createRuntimeHandler } from '../../src/runtime/handler.ts';
import { InProcessWorker } from '../../src/runtime/in-process.ts';
import { rewriteForMaskRows } from '../../src/runtime/mask-rows.ts';
import { parseModel } from '../../src/runtime/onnx/model-reader.ts';
import { fields } from '../../src/runtime/onnx/protobuf.ts';
import { ELEM, TENSOR_RAW_DATA } from '../../src/runtime/onnx/schema.ts';
import { assemblePrompt, partTexts } from '../../src/runtime/prompt-assembly.ts';
import { clientModel, engineModel } from '../../src/runtime/pipeline-model.ts';
import { maxScoreDiff } from '../score-diff.ts';
import {
  BERT_TINY,
  expectCode,
  MODELS_DIR,
  ROBERTA_TINY,
  loadFixture as load,
  modelFile as file,
  useModelsDir,
} from './fixture-models.ts';

beforeAll(() => useModelsDir(), 180_000);

const query = (input: string): PromptPart[] => [
  { kind: 'input', slot: 'X', text: input },
  { kind: 'template', text: ' It was ' },
  { kind: 'mask', count: 1 },
  { kind: 'template', text: '. ' },
];
const demo = (n: number, input: string, word: string): PromptPart[] => [
  { kind: 'separator', demo: n },
  { kind: 'input', slot: 'X', text: input, demo: n },
  { kind: 'template', text: ` It was ${word}.`, demo: n },
];
const withDemos = (input: string, demos: [string, string][]): RenderedPrompt => ({
  parts: [...query(input), ...demos.flatMap(([text, word], i) => demo(i + 1, text, word))],
});

const PROMPTS: RenderedPrompt[] = [
  withDemos('The movie was fun.', []),
  withDemos('bad', [['A dull film.', 'terrible']]),
  withDemos('A long and winding review of a film that nobody asked for, and yet here we are again', []),
  withDemos('Great acting, weak plot.', [
    ['Lovely music.', 'great'],
    ['Too long.', 'bad'],
  ]),
  withDemos('ok', []),
];
const COMPOSITIONS = [
  [0, 1, 2, 3, 4],
  [4, 3, 2, 1, 0],
  [2, 0, 4],
  [1, 3],
];

/** Largest |Δ| between two hidden vectors (same length). */
function hiddenDiff(a: Float32Array | undefined, b: Float32Array | undefined): number {
  expect(a).toBeInstanceOf(Float32Array);
  expect(b).toBeInstanceOf(Float32Array);
  expect(a!.length).toBe(b!.length);
  let d = 0;
  a!.forEach((x, i) => (d = Math.max(d, Math.abs(x - b![i]!))));
  return d;
}

/** A float initializer of an ONNX file, decoded from its raw data. */
function floatInitializer(bytes: Uint8Array, name: string): { dims: number[]; data: Float32Array } {
  const parsed = parseModel(bytes);
  if ('error' in parsed) throw new Error(parsed.error);
  const init = parsed.initializers.get(name);
  if (!init) throw new Error(`no initializer ${name}`);
  expect(init.header.dataType).toBe(ELEM.FLOAT);
  for (const f of fields(bytes, init.field.dataStart, init.field.dataEnd)) {
    if (f.field !== TENSOR_RAW_DATA) continue;
    const raw = bytes.slice(f.dataStart, f.dataEnd);
    return { dims: init.header.dims, data: new Float32Array(raw.buffer, 0, raw.byteLength / 4) };
  }
  throw new Error(`initializer ${name} has no raw data`);
}

describe('the hidden vector at [Z]', () => {
  it('fp32 BERT: logits at the requested ids equal hidden · W[:, id] + b[id] (W, b from the ONNX file), ≤ 1e-4 relative', async () => {
    const bytes = new Uint8Array(fs.readFileSync(file(BERT_TINY, 'fp32')));
    const rewritten = rewriteForMaskRows(Uint8Array.from(bytes));
    expect(rewritten.ok).toBe(true);
    if (!rewritten.ok) return;
    // The fixture ties the decoder to the word embeddings: MatMul(t, Transpose(E)) + bias.
    expect(rewritten.weight).toEqual({ initializer: 'embeddings.word_embeddings.weight', transposed: true });
    expect(rewritten.bias).toBe('cls.predictions.bias');
    expect(rewritten.hiddenOutput).toBe(true);
    const E = floatInitializer(bytes, rewritten.weight!.initializer);
    const b = floatInitializer(bytes, rewritten.bias!);
    const [V, H] = E.dims as [number, number];

    const engine = await load(BERT_TINY, { dtype: 'fp32' });
    try {
      expect(engine.info).toMatchObject({ head: 'mask-rows', hiddenAtMask: true });
      expect(engine.facts.vocabSize).toBe(V);
      const tokenIds = Array.from({ length: 200 }, (_, i) => (i * 13) % V);
      const twoMasks: RenderedPrompt = { parts: [...query('A fine film'), { kind: 'mask', count: 1 }] };
      const scores = await engine.score([...PROMPTS, twoMasks], tokenIds, { topK: 0, hidden: true });
      let worst = 0;
      for (const s of scores) {
        for (const m of s.masks) {
          expect(m.hidden).toBeInstanceOf(Float32Array);
          expect(m.hidden!.length).toBe(H);
          tokenIds.forEach((id, j) => {
            let dot = b.data[id]!;
            for (let h = 0; h < H; h++) dot += m.hidden![h]! * E.data[id * H + h]!;
            worst = Math.max(worst, Math.abs(dot - m.logits[j]!) / Math.max(1, Math.abs(dot)));
          });
        }
      }
      console.info(`[fewshot-runtime] hidden · W + b vs logits: max relative |Δ| ${worst.toExponential(2)}`);
      expect(worst).toBeLessThanOrEqual(1e-4);
      // Without the option nothing is returned (and nothing is fetched from ORT).
      const plain = await engine.score([PROMPTS[0]!], tokenIds, { topK: 0 });
      expect(plain[0]!.masks[0]!.hidden).toBeUndefined();
    } finally {
      await engine.dispose();
    }
  });

  for (const id of [BERT_TINY, ROBERTA_TINY]) {
    for (const dtype of ['q8', 'fp32'] as const) {
      it(`${id} ${dtype}: hidden alone vs inside mixed padded batches, ≤ 1e-6`, async () => {
        const engine = await load(id, { dtype });
        try {
          expect(engine.info).toMatchObject({ head: 'mask-rows', hiddenAtMask: true, batchInvariant: true });
          const tokenIds = [5, 6, 7];
          const alone: PromptScores[] = [];
          for (const p of PROMPTS) alone.push((await engine.score([p], tokenIds, { topK: 0, hidden: true }))[0]!);
          let worst = 0;
          let padded = 0;
          for (const composition of COMPOSITIONS) {
            for (const batchSize of [undefined, 2]) {
              const r = await engine.scoreDetailed(
                composition.map((i) => PROMPTS[i]!),
                tokenIds,
                { topK: 0, hidden: true, ...(batchSize ? { batchSize } : {}) },
              );
              padded += r.stats.paddedTokens;
              r.scores.forEach((s, j) => {
                const a = alone[composition[j]!]!;
                worst = Math.max(worst, hiddenDiff(s.masks[0]!.hidden, a.masks[0]!.hidden), maxScoreDiff(s, a));
              });
            }
          }
          console.info(`[fewshot-runtime] ${id} ${dtype}: hidden max |Δ| alone vs batched ${worst.toExponential(2)}`);
          expect(padded).toBeGreaterThan(0);
          expect(worst).toBeLessThanOrEqual(1e-6);
        } finally {
          await engine.dispose();
        }
      });
    }
  }

  it('the mask-row cache keeps the hidden vector with the row; a row cached without it runs again', async () => {
    const engine = await load(BERT_TINY, { dtype: 'q8' });
    try {
      const ids = [5, 6];
      const p = [PROMPTS[1]!];
      const first = await engine.scoreDetailed(p, ids, { topK: 3, cacheRows: true });
      expect(first.scores[0]!.masks[0]!.hidden).toBeUndefined();
      const asked = await engine.scoreDetailed(p, ids, { topK: 3, cacheRows: true, hidden: true });
      expect(asked.stats.cachedPrompts).toBe(0); // cached without its hidden vector: run again
      const cached = await engine.scoreDetailed(p, ids, { topK: 3, cacheRows: true, hidden: true });
      expect(cached.stats.cachedPrompts).toBe(1);
      const h = cached.scores[0]!.masks[0]!.hidden;
      expect(hiddenDiff(h, asked.scores[0]!.masks[0]!.hidden)).toBe(0);
      // Answers own their buffers (the worker transfers them): changing one leaves the cache alone.
      h!.fill(0);
      const again = await engine.scoreDetailed(p, ids, { topK: 3, cacheRows: true, hidden: true });
      expect(hiddenDiff(again.scores[0]!.masks[0]!.hidden, asked.scores[0]!.masks[0]!.hidden)).toBe(0);
      // Duplicates in one request get their own copies.
      const dup = await engine.score([p[0]!, p[0]!], ids, { topK: 0, hidden: true });
      expect(dup[0]!.masks[0]!.hidden!.buffer).not.toBe(dup[1]!.masks[0]!.hidden!.buffer);
    } finally {
      await engine.dispose();
    }
  });

  it('the plain model (no mask-rows graph) says hiddenAtMask: false and returns none', async () => {
    const engine = await load(BERT_TINY, { dtype: 'fp32', maskRows: false });
    try {
      expect(engine.info).toMatchObject({ head: 'full', hiddenAtMask: false });
      const [s] = await engine.score([PROMPTS[0]!], [5], { topK: 0, hidden: true });
      expect(s!.masks[0]!.hidden).toBeUndefined();
    } finally {
      await engine.dispose();
    }
  });
});

describe('separators and demonstrations', () => {
  const cases = [
    { id: BERT_TINY, sep: '[SEP]', sepId: 3, mask: '[MASK]' },
    { id: ROBERTA_TINY, sep: '</s>', sepId: 2, mask: '<mask>' },
  ];
  for (const c of cases) {
    it(`${c.id}: the separator is ${c.sep}; a 2-demo prompt is the tokenizer's sequence of the whole text`, async () => {
      const engine = await load(c.id, { dtype: 'fp32' });
      const tokenizer = (await AutoTokenizer.from_pretrained(c.id)) as unknown as {
        sep_token: string;
        encode(t: string, o?: { add_special_tokens?: boolean }): number[];
        convert_tokens_to_ids(t: string): number;
      };
      try {
        expect(engine.separatorId).toBe(c.sepId);
        expect(tokenizer.sep_token).toBe(c.sep);
        const prompt = withDemos('The movie was fun.', [
          ['A dull film.', 'terrible'],
          [' Lovely music.', 'great'], // a demonstration with its own leading space keeps it
        ]);
        const [s] = await engine.score([prompt], [5], { topK: 0 });
        const ids = s!.tokens.map((t) => tokenizer.convert_tokens_to_ids(t));
        // The whole text as the tokenizer would see it: separators as their token, no space before them.
        const rules = { maskLstrip: c.id === ROBERTA_TINY, maskRstrip: false, moveTrailingSpace: true };
        const texts = partTexts(prompt.parts, rules);
        const whole = prompt.parts
          .map((p, i) => (p.kind === 'mask' ? c.mask : p.kind === 'separator' ? c.sep : texts[i]))
          .join('');
        expect(ids).toEqual(tokenizer.encode(whole, { add_special_tokens: true }));
        expect(ids.filter((id) => id === c.sepId)).toHaveLength(3); // two separators and the closing one
        expect(s!.tokens[s!.maskPositions[0]!]).toBe(c.mask);
        if (c.id === ROBERTA_TINY) {
          // No stray space token before a separator; after one, a demonstration starts with "Ġ…" only
          // when its text has a leading space (the tiny vocabulary splits " It" into "Ġ" + "It").
          const seps = ids.flatMap((id, i) => (id === c.sepId ? [i] : []));
          for (const at of seps) expect(s!.tokens[at - 1]).not.toBe('Ġ');
          expect(s!.tokens[seps[0]! + 1]!.startsWith('Ġ')).toBe(false);
          expect(s!.tokens[seps[1]! + 1]!.startsWith('Ġ')).toBe(true);
        }
        // A prompt without separators is unchanged by them.
        expect(PROMPTS[0]!.parts.some((p) => p.kind === 'separator')).toBe(false);
      } finally {
        await engine.dispose();
      }
    });
  }
});

describe('bad demonstration parts', () => {
  it('an invalid demonstration number or a separator without a separator token fails with a clear message', async () => {
    const engine = await load(BERT_TINY, { dtype: 'fp32' });
    try {
      const bad = (demo: unknown): RenderedPrompt =>
        ({ parts: [...query('a'), { kind: 'separator', demo }] }) as unknown as RenderedPrompt;
      for (const demo of [0, 1.5, 'x']) {
        const e = await expectCode(engine.score([PROMPTS[0]!, bad(demo)], [5], { topK: 0 }), 'invalid-input');
        expect(e.message).toMatch(/Prompt 2 .*demonstration number/);
      }
      const noSeparator = {
        rules: { maskLstrip: false, maskRstrip: false, moveTrailingSpace: true },
        prefixIds: [2],
        suffixIds: [],
        maskTokenId: 4,
        unkTokenId: 1,
        separatorId: null,
        maxLength: 64,
        encode: (text: string) => [...text].map(() => 7),
      };
      expect(() => assemblePrompt(withDemos('a', [['b', 'c']]), 0, noSeparator)).toThrow(
        /Prompt 1 .*no separator token/,
      );
    } finally {
      await engine.dispose();
    }
  });
});

describe('a prompt too long with its demonstrations', () => {
  let root: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'clozelab-fewshot-'));
  });
  afterAll(() => {
    useModelsDir();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('drops demonstrations last-first, keeps the query and [Z], and scores like the prompt built without them', async () => {
    const demos: [string, string][] = [
      ['A dull film that drags on.', 'terrible'],
      ['Lovely music and a warm story.', 'great'],
      ['Too long, but the cast is fine.', 'bad'],
    ];
    const q = 'The movie was fun.';
    const full = withDemos(q, demos);
    const upTo = (n: number) => withDemos(q, demos.slice(0, n));
    // Token counts with 0…3 demonstrations, on the model as it is (512 tokens).
    const big = await load(BERT_TINY, { dtype: 'fp32' });
    const lengths = (await big.score([0, 1, 2, 3].map(upTo), [5], { topK: 0 })).map((s) => s.tokens.length);
    await big.dispose();
    expect(lengths[0]!).toBeLessThan(lengths[1]!);
    expect(lengths[1]!).toBeLessThan(lengths[2]!);

    // The same model, accepting one token more than the query and its first demonstration.
    const maxLength = lengths[1]! + 1;
    const dir = path.join(root, BERT_TINY);
    fs.cpSync(path.join(MODELS_DIR, BERT_TINY), dir, { recursive: true });
    const configFile = path.join(dir, 'tokenizer_config.json');
    const config = JSON.parse(fs.readFileSync(configFile, 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(configFile, JSON.stringify({ ...config, model_max_length: maxLength }));
    const engine = await load(BERT_TINY, { dtype: 'fp32' }, root);
    try {
      expect(engine.facts.maxLength).toBe(maxLength);
      const tokenIds = Array.from({ length: 50 }, (_, i) => i * 3);
      const longQuery = withDemos(`${q} ${'and then it went on and on '.repeat(8)}`, demos);
      const [cut, without, plain, tooLong] = await engine.score([full, upTo(1), upTo(0), longQuery], tokenIds, {
        topK: 5,
        hidden: true,
      });

      // Demonstrations 3 and 2 were dropped; the tokens are those of the prompt with demonstration 1 only.
      expect(cut!.droppedDemos).toBe(2);
      expect(cut!.truncatedTokens).toBe(0);
      expect(cut!.truncatedInputs).toBeUndefined();
      expect(cut!.tokens).toEqual(without!.tokens);
      expect(cut!.maskPositions).toEqual(without!.maskPositions);
      expect(cut!.tokens[cut!.maskPositions[0]!]).toBe('[MASK]');
      expect(maxScoreDiff(cut!, without!)).toBe(0);
      expect(cut!.masks[0]!.logits).toEqual(without!.masks[0]!.logits);
      expect(hiddenDiff(cut!.masks[0]!.hidden, without!.masks[0]!.hidden)).toBe(0);
      // Every input part, in prompt order: the query's and demonstration 1's read, 2's and 3's not.
      expect(cut!.inputsRead?.map((r) => r.chars)).toEqual([q.length, demos[0]![0].length, 0, 0]);
      expect(cut!.inputsRead![2]!.dropped).toBeGreaterThan(0);
      expect(without!.droppedDemos).toBeUndefined();
      expect(without!.inputsRead).toBeUndefined();
      expect(plain!.droppedDemos).toBeUndefined();

      // A query too long on its own: every demonstration goes, then the query's input is cut; [Z] stays.
      expect(tooLong!.droppedDemos).toBe(3);
      expect(tooLong!.tokens.length).toBe(maxLength);
      expect(tooLong!.truncatedTokens).toBeGreaterThan(0);
      expect(tooLong!.truncatedInputs).toEqual([
        { slot: 'X', dropped: tooLong!.truncatedTokens, kept: expect.any(Number) },
      ]);
      expect(tooLong!.tokens[tooLong!.maskPositions[0]!]).toBe('[MASK]');
      expect(tooLong!.tokens.filter((t) => t === '[SEP]')).toHaveLength(1);
      const read = tooLong!.inputsRead!;
      expect(read).toHaveLength(4);
      expect(read[0]!.dropped).toBe(tooLong!.truncatedTokens);
      expect(read.slice(1).map((r) => r.chars)).toEqual([0, 0, 0]);
    } finally {
      await engine.dispose();
    }
  });
});

describe('the client path and the scoring pipeline', () => {
  it('RuntimeClient returns hidden vectors (transferred), equal to the engine in this process; the fewshot pass keeps them', async () => {
    useModelsDir();
    const client = new RuntimeClient(() => new InProcessWorker());
    const engine = await load(BERT_TINY, { dtype: 'q8' });
    try {
      const { info, facts } = await client.load({ kind: 'local', id: BERT_TINY }, { dtype: 'q8' });
      expect(info.hiddenAtMask).toBe(true);
      const tokenIds = [5, 6, 7];
      const viaClient = await client.score(PROMPTS, tokenIds, { topK: 0, hidden: true, lane: PASSES.fewshot.lane });
      const direct = await engine.score(PROMPTS, tokenIds, { topK: 0, hidden: true });
      viaClient.forEach((s, i) => {
        expect(hiddenDiff(s.masks[0]!.hidden, direct[i]!.masks[0]!.hidden)).toBeLessThanOrEqual(1e-6);
      });
      const none = await client.score(PROMPTS, tokenIds, { topK: 0, lane: 'eval' });
      expect(none[0]!.masks[0]!.hidden).toBeUndefined();

      // Through the pipeline: PASSES.fewshot keeps the query's hidden vector, evaluation does not.
      const scoring = { ...DEFAULT_SCORING_OPTIONS, calibrate: true };
      const verbalizer = {
        labels: [
          { label: 'positive', words: ['great'] },
          { label: 'negative', words: ['bad'] },
        ],
      };
      for (const model of [clientModel(client, info, facts), engineModel(engine)]) {
        const pipeline = new ScoringPipeline(model);
        const { templates } = await pipeline.bindTemplates(
          [{ id: 't', name: 'T', text: '[X] It was [Z].' }],
          verbalizer,
        );
        const few = pipeline.pass(templates, scoring, PASSES.fewshot);
        const evaluation = pipeline.pass(templates, scoring, PASSES.evaluation);
        const jobs = [few.add({ X: 'A fine film.' }), evaluation.add({ X: 'A fine film.' })];
        expect(await few.run()).toBe(true);
        expect(await evaluation.run()).toBe(true);
        const h = few.result(jobs[0]!, 0).main.masks[0]!.hidden;
        expect(h).toBeInstanceOf(Float32Array);
        expect(h!.length).toBe(32);
        expect(evaluation.result(jobs[1]!, 0).main.masks[0]!.hidden).toBeUndefined();
        // The same prompt scored directly gives the same vector.
        const [again] = await engine.score([few.result(jobs[0]!, 0).prompt], [5], { topK: 0, hidden: true });
        expect(hiddenDiff(h, again!.masks[0]!.hidden)).toBeLessThanOrEqual(1e-6);
      }
    } finally {
      client.dispose();
      await engine.dispose();
    }
  });
});

describe('the worker handler', () => {
  it('moves the hidden vectors to the client: every one is in the transfer list, each its own buffer', async () => {
    useModelsDir();
    const sent: { message: WorkerResponse; transfer: ArrayBuffer[] | undefined }[] = [];
    const handler = createRuntimeHandler({ post: (message, transfer) => sent.push({ message, transfer }) });
    try {
      await handler.handle({ op: 'load', requestId: 1, source: { kind: 'local', id: BERT_TINY }, dtype: 'fp32' });
      expect(sent.at(-1)!.message.type).toBe('result');
      const request = {
        op: 'score' as const,
        requestId: 2,
        prompts: PROMPTS,
        tokenIds: [5],
        topK: 0,
        lane: PASSES.fewshot.lane,
      };
      await handler.handle({ ...request, hidden: true });
      const { message, transfer } = sent.at(-1)!;
      expect(message.type).toBe('result');
      const result = (message as { result: ScoreResult }).result;
      const buffers = result.scores.flatMap((s) => s.masks.map((m) => m.hidden!.buffer));
      expect(buffers).toHaveLength(PROMPTS.length);
      expect(new Set(buffers).size).toBe(buffers.length);
      expect(transfer).toEqual(buffers);
      // Without `hidden`, nothing to transfer.
      await handler.handle({ ...request, requestId: 3 });
      expect(sent.at(-1)!.transfer).toBeUndefined();
    } finally {
      await handler.dispose();
    }
  });
});
