/**
 * MaskedLMEngine's scores against an independent computation on the generated fixtures: the
 * tokenizer with manual assembly, a raw onnxruntime-node session and a float64 softmax.
 */
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { AutoTokenizer } from '@huggingface/transformers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PromptScores, RenderedPrompt } from '../../src/core/types.ts';
import {
  BERT_TINY as BERT,
  CHINESE_BERT_TINY as ZH,
  loadFixture as loadLocal,
  MODELS_DIR,
  ortFeeds,
  ROBERTA_TINY as ROBERTA,
  useModelsDir,
} from './fixture-models.ts';

beforeAll(() => useModelsDir(MODELS_DIR), 180_000);

// ---- independent reference: tokenizer + manual assembly, raw ORT session, float64 softmax ----

interface Reference {
  ids: number[];
  maskPositions: number[];
  /** Float64 log-softmax rows at the mask positions. */
  rows: { logits: Float64Array; logZ: number }[];
}

async function reference(session: ort.InferenceSession, ids: number[], maskId: number): Promise<Reference> {
  const out = await session.run(ortFeeds(session, [ids], ids.length));
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

// The same three English prompts for the WordPiece and the byte-level BPE model.
const ENGLISH_PROMPTS: RenderedPrompt[] = [
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
];

describe('MaskedLMEngine: score() equals an independent computation', () => {
  const cases: { id: string; cls: string; sep: string; prompts: RenderedPrompt[]; wholeText: string[] }[] = [
    {
      id: BERT,
      cls: '[CLS]',
      sep: '[SEP]',
      prompts: ENGLISH_PROMPTS,
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
      prompts: ENGLISH_PROMPTS,
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
          else if (part.kind !== 'separator') ids.push(...tokenizer.encode(part.text, { add_special_tokens: false }));
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
