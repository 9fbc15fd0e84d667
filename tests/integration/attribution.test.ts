/**
 * Word attribution on the real runtime (Transformers.js + onnxruntime-node, generated models): the
 * attribution's numbers equal scoring each occluded input alone through the one pipeline (to
 * 1e-9), it costs exactly n + 1 prompts, it streams, and "replace by the mask token" really gives
 * the model its mask token at the word (while a mask token typed in the input stays unknown).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainInput, type AttributionResult } from '../../src/core/attribution/run.ts';
import { occlusionSet, type OcclusionMode } from '../../src/core/attribution/occlusion.ts';
import { PASSES, ScoringPipeline } from '../../src/core/pipeline.ts';
import { DEFAULT_SCORING_OPTIONS, type ScoringOptions } from '../../src/core/scoring.ts';
import { parseTemplate, type Template } from '../../src/core/template.ts';
import type { Verbalizer } from '../../src/core/verbalizer.ts';
import type { MaskedLMEngine } from '../../src/runtime/engine.ts';
import { engineModel } from '../../src/runtime/pipeline-model.ts';
import { BERT_TINY, CHINESE_BERT_TINY, ROBERTA_TINY, loadFixture } from './fixture-models.ts';

function parsed(text: string): Template {
  const r = parseTemplate(text);
  if (!r.ok) throw new Error(`bad template ${text}`);
  return r.template;
}

const verbalizer: Verbalizer = {
  labels: [
    { label: 'positive', words: ['great', 'fantastic'] }, // "fantastic" is several tokens for bert-tiny
    { label: 'negative', words: ['terrible', 'bad'] },
  ],
};
const zhVerbalizer: Verbalizer = {
  labels: [
    { label: '好', words: ['好'] },
    { label: '差', words: ['差'] },
  ],
};

const engines: Record<string, MaskedLMEngine> = {};
beforeAll(async () => {
  for (const id of [BERT_TINY, ROBERTA_TINY, CHINESE_BERT_TINY]) engines[id] = await loadFixture(id, { dtype: 'fp32' });
});
afterAll(async () => {
  for (const e of Object.values(engines)) await e.dispose();
});

/** Each occluded input scored alone: a fresh pipeline (no shared cache), one input per pass, live settings. */
async function scoreAlone(
  engine: MaskedLMEngine,
  template: Template,
  v: Verbalizer,
  inputs: Record<string, string>,
  scoring: ScoringOptions,
  mode: OcclusionMode,
): Promise<number[][]> {
  const set = occlusionSet(inputs, template.slots, mode, engine.facts.maskToken);
  const out: number[][] = [];
  for (const variant of set.variants) {
    const pipeline = new ScoringPipeline(engineModel(engine));
    const bound = await pipeline.bind(template, v);
    const pass = pipeline.pass([{ template, words: bound.words }], scoring, PASSES.live);
    const job = pass.add(variant.inputs, Infinity, set.transform ?? undefined)!;
    await pass.run();
    out.push(pass.result(job, 0).scores.probs);
  }
  return out;
}

async function explain(
  engine: MaskedLMEngine,
  template: Template,
  v: Verbalizer,
  inputs: Record<string, string>,
  scoring: ScoringOptions,
  mode: OcclusionMode,
  onUpdate?: (r: AttributionResult) => void,
): Promise<AttributionResult> {
  const pipeline = new ScoringPipeline(engineModel(engine));
  const bound = await pipeline.bind(template, v);
  const r = await explainInput(pipeline, { template, words: bound.words }, inputs, scoring, mode, {
    ...(onUpdate ? { onUpdate } : {}),
  });
  return r!;
}

const cases: { name: string; model: string; template: string; v: Verbalizer; inputs: Record<string, string> }[] = [
  {
    name: 'bert-tiny',
    model: BERT_TINY,
    template: '[X] Overall, it was a [Z] movie.',
    v: verbalizer,
    inputs: { X: 'The acting was wooden, but the story kept me watching until the very end.' },
  },
  {
    name: 'bert-tiny, two inputs',
    model: BERT_TINY,
    template: '[X1] ? [Z] , [X2|lower]',
    v: verbalizer,
    inputs: { X1: 'A man is sleeping.', X2: 'The man is awake [MASK].' },
  },
  {
    name: 'roberta-tiny (BPE)',
    model: ROBERTA_TINY,
    template: '[X] It was [Z].',
    v: verbalizer,
    inputs: { X: "I didn't enjoy it at all, sadly." },
  },
  {
    name: 'chinese-bert-tiny',
    model: CHINESE_BERT_TINY,
    template: '[X]总之很[Z]。',
    v: zhVerbalizer,
    inputs: { X: '这部电影很好看' },
  },
];

describe('attribution equals re-scoring each occluded prompt alone', () => {
  for (const c of cases) {
    for (const mode of ['remove', 'mask'] as const) {
      for (const calibrate of [false, true]) {
        it(`${c.name}, ${mode}, calibrate ${String(calibrate)}`, async () => {
          const engine = engines[c.model]!;
          const template = parsed(c.template);
          const scoring = { ...DEFAULT_SCORING_OPTIONS, calibrate, multiToken: 'all-subtokens' as const };
          const updates: AttributionResult[] = [];
          const r = await explain(engine, template, c.v, c.inputs, scoring, mode, (u) => updates.push(u));
          const alone = await scoreAlone(engine, template, c.v, c.inputs, scoring, mode);
          const n = r.words.length;
          expect(n).toBeGreaterThan(3);
          expect(alone).toHaveLength(n + 1);
          expect(r.done).toBe(true);
          r.original.probs.forEach((p, l) => expect(Math.abs(p - alone[0]![l]!)).toBeLessThan(1e-9));
          r.words.forEach((w, i) => {
            w.delta!.forEach((d, l) => expect(Math.abs(d - (alone[0]![l]! - alone[i + 1]![l]!))).toBeLessThan(1e-9));
          });
          // Not trivially equal: occluding words moves the distribution.
          expect(r.words.some((w) => Math.abs(w.delta![0]!) > 1e-6)).toBe(true);
          // Streamed: the first snapshot has the original and the first 3 words only.
          expect(updates.length).toBeGreaterThan(1);
          expect(updates[0]!.words.filter((w) => w.delta !== null)).toHaveLength(3);
          // Cost: n + 1 distinct input prompts, per mask count of the plan, plus calibration's content-free ones.
          const bound = await new ScoringPipeline(engineModel(engine)).bind(template, c.v);
          const maskCounts = new Set([
            1,
            ...bound.words.filter((w) => w.status === 'multi').map((w) => w.form.ids.length),
          ]);
          const expected = (n + 1 + (calibrate ? 3 : 0)) * maskCounts.size;
          expect(r.prompts).toBeLessThanOrEqual(expected);
          expect(r.promptsRun).toBe(r.prompts);
          if (c.name === 'bert-tiny') expect(r.prompts).toBe(expected);
        });
      }
    }
  }
});

describe('"replace by the mask token" gives the model its mask token', () => {
  it('at the occluded word only; a mask token typed in the input stays unknown', async () => {
    const engine = engines[BERT_TINY]!;
    const template = parsed('[X] It was [Z].');
    const set = occlusionSet({ X: 'A [MASK] film' }, template.slots, 'mask', '[MASK]');
    // Words: A, [, MASK, ], film → occlude "film" (index 4).
    expect(set.words[4]!.text).toBe('film');
    const pipeline = new ScoringPipeline(engineModel(engine));
    const bound = await pipeline.bind(template, verbalizer);
    const plan = set.transform!(
      (await import('../../src/core/scoring-plan.ts')).planScoring(template, set.variants[5]!.inputs, bound.words),
    );
    const [scores] = await engine.score([plan.prompts[0]!], bound.tokenIds, { topK: 0 });
    const tokens = scores!.tokens;
    expect(tokens.filter((t) => t === '[MASK]')).toHaveLength(2); // the occluded word and [Z]
    expect(tokens).toContain('[UNK]'); // the typed one
    expect(tokens.indexOf('[UNK]')).toBeLessThan(tokens.indexOf('[MASK]'));
    expect(scores!.maskPositions).toEqual([tokens.lastIndexOf('[MASK]')]);
  });

  it('RoBERTa: <mask> at the word, the words around it as in the original', async () => {
    const engine = engines[ROBERTA_TINY]!;
    const template = parsed('[X] It was [Z].');
    const set = occlusionSet({ X: 'a good film' }, template.slots, 'mask', engine.facts.maskToken);
    const pipeline = new ScoringPipeline(engineModel(engine));
    const bound = await pipeline.bind(template, verbalizer);
    const { planScoring } = await import('../../src/core/scoring-plan.ts');
    const original = planScoring(template, set.variants[0]!.inputs, bound.words);
    const masked = set.transform!(planScoring(template, set.variants[2]!.inputs, bound.words)); // "good"
    const [a, b] = await engine.score([original.prompts[0]!, masked.prompts[0]!], bound.tokenIds, { topK: 0 });
    const i = a!.tokens.indexOf('Ġgood');
    expect(i).toBeGreaterThan(0);
    expect(b!.tokens).toEqual([...a!.tokens.slice(0, i), '<mask>', ...a!.tokens.slice(i + 1)]);
  });
});
