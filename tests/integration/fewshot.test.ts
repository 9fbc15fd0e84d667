/**
 * Few-shot runs (src/core/fewshot/run.ts) on the real runtime: Transformers.js + onnxruntime-node on
 * the generated fixture models. Tuning's step 0 against the zero-shot 'logit-mean' scoring (fp32
 * and q8), tuning on a dataset whose classes differ by one planted token, one pass for the no-demo
 * prompts of every (K, seed), demonstrations as the model gets them, and identical reruns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExamples, suggestMapping } from '../../src/core/dataset-mapping.ts';
import { parseDataset } from '../../src/core/dataset-parse.ts';
import type { EvalExample } from '../../src/core/dataset.ts';
import { findDemoDataset } from '../../src/core/demo-datasets.ts';
import { seededRandom } from '../../src/core/evaluation.ts';
import { softmax } from '../../src/core/numerics.ts';
import { CACHE_LIMITS, ScoringPipeline, type PipelineModel } from '../../src/core/pipeline.ts';
import { DEFAULT_SCORING_OPTIONS, type ScoringOptions } from '../../src/core/scoring.ts';
import type { RenderedPrompt } from '../../src/core/types.ts';
import type { Verbalizer } from '../../src/core/verbalizer.ts';
import { FEWSHOT_PASS, runFewShot, type FewShotInput } from '../../src/core/fewshot/run.ts';
import { scoreExamples } from '../../src/core/fewshot/score-examples.ts';
import { tunedScores, tuneLabels } from '../../src/core/fewshot/tune.ts';
import { fewShotTable, formatFewShotTable } from '../../src/core/fewshot/export.ts';
import { demoWords, renderDemo, withDemos } from '../../src/core/fewshot/demonstrations.ts';
import { renderPrompt } from '../../src/core/template.ts';
import { DEFAULT_TUNING, type FewShotConfig } from '../../src/core/fewshot/types.ts';
import type { MaskedLMEngine } from '../../src/runtime/engine.ts';
import { engineModel } from '../../src/runtime/pipeline-model.ts';
import { BERT_TINY, loadBertTiny, loadFixture, ROBERTA_TINY } from './fixture-models.ts';

let engine: MaskedLMEngine;

beforeAll(async () => {
  engine = await loadBertTiny();
}, 180_000);

afterAll(async () => {
  await engine?.dispose();
});

const verbalizer: Verbalizer = {
  labels: [
    { label: 'positive', words: ['great', 'fantastic'] }, // "fantastic" is 3 tokens for bert-tiny
    { label: 'negative', words: ['terrible', 'bad'] },
  ],
};
const labels = verbalizer.labels.map((l) => l.label);
const entries = [
  { id: 't1', name: 'one', text: '[X] Overall, it was a [Z] movie.' },
  { id: 't2', name: 'two', text: '[X] It was [Z].' },
];

/** A fresh pipeline (the run's own cache); `prompts` collects what reaches the model. */
function pipelineOn(on: MaskedLMEngine = engine, prompts: RenderedPrompt[] = []): ScoringPipeline {
  const model = engineModel(on);
  const counted: PipelineModel = {
    ...model,
    score: (batch, ids, options) => {
      prompts.push(...batch);
      return model.score(batch, ids, options);
    },
  };
  return new ScoringPipeline(counted, { cacheLimit: CACHE_LIMITS.evaluation });
}

function demoExamples(): EvalExample[] {
  const demo = findDemoDataset('sentiment-en')!;
  const parsed = parseDataset(demo.csv);
  if (!parsed.ok) throw new Error('demo did not parse');
  return buildExamples(parsed.dataset, suggestMapping(parsed.dataset, ['X'], labels), labels).examples;
}

const config = (over: Partial<FewShotConfig> = {}): FewShotConfig => ({
  ks: [2, 4],
  seeds: [13, 21, 42],
  methods: ['zero-shot', 'calibrated', 'ensemble', 'demonstrations', 'tuned'],
  demonstrations: { selection: 'random' },
  tuning: { ...DEFAULT_TUNING },
  maxTest: null,
  ...over,
});

async function run(over: Partial<FewShotInput> & { prompts?: RenderedPrompt[] } = {}) {
  const pipeline = over.pipeline ?? pipelineOn(engine, over.prompts);
  const { templates } = await pipeline.bindTemplates(entries, verbalizer);
  return runFewShot({
    pipeline,
    templates,
    labels,
    scoring: { ...DEFAULT_SCORING_OPTIONS },
    data: { examples: demoExamples() },
    config: config(),
    ...over,
  });
}

describe('verbalizer tuning on the real model', () => {
  for (const dtype of ['fp32', 'q8'] as const) {
    it(`starts at the zero-shot logit-mean scores (step 0, ${dtype}, within 1e-6)`, async () => {
      const model = dtype === 'fp32' ? engine : await loadFixture(BERT_TINY, { dtype });
      try {
        const pipeline = pipelineOn(model);
        const { templates } = await pipeline.bindTemplates(entries, verbalizer);
        const examples = demoExamples().slice(0, 16);
        const scoring: ScoringOptions = { ...DEFAULT_SCORING_OPTIONS, aggregation: 'sum' };
        const scored = await scoreExamples({
          pipeline,
          templates: [templates[0]!],
          labels,
          scoring,
          settings: FEWSHOT_PASS,
          items: examples.map((e) => ({ inputs: e.inputs })),
          stats: { promptsRun: 0, promptsReused: 0, requests: 0 },
          now: () => performance.now(),
        });
        const train = scored.map(([s], i) => ({
          z: s!.z,
          hidden: s!.hidden!,
          gold: labels.indexOf(examples[i]!.gold),
        }));
        expect(train.every((t) => t.hidden.length === 32)).toBe(true);
        const tuned = tuneLabels(train, labels.length, { ...DEFAULT_TUNING, steps: 0 });
        const logitMean = await pipeline.scoreInputs(
          [templates[0]!],
          examples.map((e) => e.inputs),
          { ...scoring, aggregation: 'logit-mean' },
          FEWSHOT_PASS,
        );
        let worst = 0;
        train.forEach((t, i) => {
          const got = softmax(tunedScores(tuned, t.z, t.hidden))!;
          const want = logitMean![i]![0]!.scores.uncalibrated;
          got.forEach((p, l) => (worst = Math.max(worst, Math.abs(p - want[l]!))));
        });
        console.log(`step 0 vs logit-mean scoring (${dtype}): max |Δp| = ${worst.toExponential(2)}`);
        expect(worst).toBeLessThan(1e-6);
      } finally {
        if (model !== engine) await model.dispose();
      }
    }, 120_000);
  }

  it('reaches ≥ 95 % where zero-shot is at chance when the classes differ by a planted token', async () => {
    // Six filler words and three times "apple" (positive) or "house" (negative): nothing the label
    // words' logits know about, but the hidden vector at [Z] of the random model separates them.
    const random = seededRandom(7);
    const filler = 'the film story actor music scene plot day night city road house time man woman'.split(' ');
    const examples: EvalExample[] = Array.from({ length: 240 }, (_, i) => {
      const gold = labels[i % 2]!;
      const words = Array.from({ length: 6 }, () => filler[Math.floor(random() * filler.length)]!);
      for (let n = 0; n < 3; n++)
        words.splice(Math.floor(random() * (words.length + 1)), 0, gold === 'positive' ? 'apple' : 'house');
      return { line: i + 2, endLine: i + 2, inputs: { X: words.join(' ') + '.' }, gold, rawLabel: gold };
    });
    const pipeline = pipelineOn();
    const { templates } = await pipeline.bindTemplates([entries[1]!], verbalizer);
    const result = await runFewShot({
      pipeline,
      templates,
      labels,
      scoring: { ...DEFAULT_SCORING_OPTIONS },
      data: { examples },
      config: config({ ks: [16], methods: ['zero-shot', 'tuned'], maxTest: 200 }),
    });
    expect(result.status).toBe('complete');
    console.log(formatFewShotTable(fewShotTable(result, 'accuracy')));
    console.log(`training ms: ${result.stats.trainingMs.map((t) => t.ms.toFixed(1)).join(', ')}`);
    const [zeroShot, tuned] = result.summary;
    expect(zeroShot!.method).toBe('zero-shot');
    expect(Math.abs(zeroShot!.accuracy.mean - 0.5)).toBeLessThan(0.1);
    expect(tuned!.method).toBe('tuned');
    expect(tuned!.accuracy.mean).toBeGreaterThanOrEqual(0.95);
  }, 120_000);
});

describe('runFewShot on bert-tiny', () => {
  it('runs every no-demonstration prompt once for all K × seeds, and demonstrations per cell', async () => {
    const prompts: RenderedPrompt[] = [];
    const result = await run({ prompts });
    expect(result.status).toBe('complete');
    expect(result.skipped).toEqual([]);
    expect(result.cells).toHaveLength(2 * 3 * 5);
    console.log(formatFewShotTable(fewShotTable(result, 'accuracy')));
    console.log(JSON.stringify(result.stats));
    const plain = prompts.filter((p) => !p.parts.some((x) => x.kind === 'separator'));
    const withDemos = prompts.filter((p) => p.parts.some((x) => x.kind === 'separator'));
    // 40 examples: each is in some split, so the active template runs on all 40 (1-mask and 3-mask
    // prompt) plus its 3 content-free inputs (× 2); the other template on the test examples (all 40).
    expect(plain).toHaveLength(40 * 2 + 3 * 2 + 40 * 2);
    expect(new Set(prompts.map((p) => JSON.stringify(p))).size).toBe(prompts.length);
    expect(result.stats.promptsRun).toBe(prompts.length);
    expect(result.stats.naivePrompts).toBeGreaterThan(2 * result.stats.promptsRun);
    expect(result.stats.promptsReused).toBe(result.stats.naivePrompts - result.stats.promptsRun);
    // Every demonstration prompt: the query, then one demonstration per label, each after a separator.
    for (const p of withDemos) {
      expect(p.parts.filter((x) => x.kind === 'separator').map((x) => x.demo)).toEqual([1, 2]);
      expect(p.parts.filter((x) => x.kind === 'mask')).toHaveLength(1);
    }
    expect(result.stats.droppedDemos).toBe(0);
    expect(result.stats.trainingMs).toHaveLength(6);
  }, 120_000);

  it('reports the demonstrations the runtime left out of prompts too long for the model', async () => {
    const long = (i: number) => Array.from({ length: 150 }, (_, w) => (w % 7 === i % 7 ? 'film' : 'story')).join(' ');
    const examples = demoExamples().map((e, i) => ({ ...e, inputs: { X: `${long(i)}. ${e.inputs.X!}` } }));
    const result = await run({
      data: { examples },
      config: config({ ks: [2], seeds: [13], methods: ['demonstrations'] }),
    });
    expect(result.status).toBe('complete');
    console.log(`demonstrations dropped: ${result.stats.droppedDemos} over ${result.cells[0]!.n} test prompts`);
    expect(result.stats.droppedDemos).toBeGreaterThan(0);
  }, 120_000);

  it('tests on a separate test file: the same test set in every cell', async () => {
    const all = demoExamples();
    const result = await run({
      data: { examples: all.slice(0, 20), testExamples: all.slice(20) },
      config: config({ ks: [2], methods: ['zero-shot', 'tuned', 'demonstrations'] }),
    });
    expect(result.status).toBe('complete');
    expect(result.splits.every((s) => s.testSource === 'file' && s.test.length === all.length - 20)).toBe(true);
    const zeroShot = result.cells.filter((c) => c.method === 'zero-shot');
    expect(new Set(zeroShot.map((c) => c.accuracy)).size).toBe(1);
    expect(result.summary.find((r) => r.method === 'zero-shot')!.accuracy.std).toBe(0);
  }, 120_000);

  it('gives identical numbers when run twice', async () => {
    const a = await run();
    const b = await run();
    expect(b.cells).toEqual(a.cells);
    expect(b.summary).toEqual(a.summary);
    expect(b.splits).toEqual(a.splits);
  }, 120_000);

  it("picks 'similar' demonstrations from the hidden vectors", async () => {
    const result = await run({
      config: config({ methods: ['demonstrations'], demonstrations: { selection: 'similar' } }),
    });
    expect(result.status).toBe('complete');
    expect(result.cells).toHaveLength(6);
  }, 120_000);

  it('keeps the finished cells when cancelled', async () => {
    const controller = new AbortController();
    const result = await run({
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'demonstrations' && p.done > 0) controller.abort();
      },
    });
    expect(result.status).toBe('cancelled');
    expect(result.cells.filter((c) => c.method === 'zero-shot')).toHaveLength(6);
    expect(result.cells.filter((c) => c.method === 'demonstrations').length).toBeLessThan(6);
  }, 120_000);

  it('says what is wrong with a config', async () => {
    const result = await run({ config: config({ ks: [0] }) });
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/K must be a whole number ≥ 1, got 0/);
  });
});

describe('demonstrations as the model reads them', () => {
  it("put each label word's bound tokens at [Z] (byte-level BPE: the word with its space), after the model's separator", async () => {
    const roberta = await loadFixture(ROBERTA_TINY, { dtype: 'fp32' });
    try {
      const pipeline = pipelineOn(roberta);
      const { templates } = await pipeline.bindTemplates([entries[1]!], verbalizer);
      const t = templates[0]!;
      const words = demoWords(labels, t.words);
      expect(words).toEqual([' great', ' terrible']);
      const query = renderPrompt(t.template, { X: 'A film.' });
      const prompt = withDemos(query, [
        renderDemo(t.template, { X: 'Fine.' }, words[0]!),
        renderDemo(t.template, { X: 'Dull.' }, words[1]!),
      ]);
      const [scores] = await roberta.score([prompt], [], { topK: 0 });
      const tokens = scores!.tokens;
      const great = t.words.find((w) => w.word === 'great')!.form.pieces;
      const terrible = t.words.find((w) => w.word === 'terrible')!.form.pieces;
      expect(great).toEqual(['Ġgreat']);
      const sep = '</s>';
      console.log(tokens.join(' '));
      const at = (piece: string[]) => tokens.findIndex((_, i) => piece.every((p, j) => tokens[i + j] === p));
      expect(at(great)).toBeGreaterThan(tokens.indexOf(sep));
      expect(at(terrible)).toBeGreaterThan(at(great));
      expect(tokens.filter((x) => x === sep).length).toBeGreaterThanOrEqual(3); // 2 separators + the end
    } finally {
      await roberta.dispose();
    }
  }, 120_000);
});
