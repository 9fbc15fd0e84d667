/**
 * Few-shot runs (src/core/fewshot/run.ts) on the real runtime: Transformers.js + onnxruntime-node on
 * the generated fixture models.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExamples, suggestMapping } from '../../src/core/dataset-mapping.ts';
import { parseDataset } from '../../src/core/dataset-parse.ts';
import type { EvalExample } from '../../src/core/dataset.ts';
import { findDemoDataset } from '../../src/core/demo-datasets.ts';
import { CACHE_LIMITS, ScoringPipeline } from '../../src/core/pipeline.ts';
import { DEFAULT_SCORING_OPTIONS } from '../../src/core/scoring.ts';
import type { Verbalizer } from '../../src/core/verbalizer.ts';
import { runFewShot } from '../../src/core/fewshot/run.ts';
import { DEFAULT_TUNING, type FewShotConfig } from '../../src/core/fewshot/types.ts';
import type { MaskedLMEngine } from '../../src/runtime/engine.ts';
import { engineModel } from '../../src/runtime/pipeline-model.ts';
import { loadBertTiny } from './fixture-models.ts';

let engine: MaskedLMEngine;

beforeAll(async () => {
  engine = await loadBertTiny();
}, 180_000);

afterAll(async () => {
  await engine?.dispose();
});

const verbalizer: Verbalizer = {
  labels: [
    { label: 'positive', words: ['great', 'fantastic'] },
    { label: 'negative', words: ['terrible', 'bad'] },
  ],
};
const labels = verbalizer.labels.map((l) => l.label);
const entries = [
  { id: 't1', name: 'one', text: '[X] Overall, it was a [Z] movie.' },
  { id: 't2', name: 'two', text: '[X] It was [Z].' },
];

const pipelineOn = () => new ScoringPipeline(engineModel(engine), { cacheLimit: CACHE_LIMITS.evaluation });

function demoExamples(): EvalExample[] {
  const demo = findDemoDataset('sentiment-en')!;
  const parsed = parseDataset(demo.csv);
  if (!parsed.ok) throw new Error('demo did not parse');
  return buildExamples(parsed.dataset, suggestMapping(parsed.dataset, ['X'], labels), labels).examples;
}

const config = (over: Partial<FewShotConfig> = {}): FewShotConfig => ({
  ks: [2, 4],
  seeds: [13, 21],
  methods: ['zero-shot', 'calibrated', 'ensemble', 'demonstrations', 'tuned'],
  demonstrations: { selection: 'random' },
  tuning: { ...DEFAULT_TUNING },
  maxTest: null,
  ...over,
});

describe('runFewShot on bert-tiny', () => {
  it('runs every method in every (K, seed) cell', async () => {
    const pipeline = pipelineOn();
    const { templates } = await pipeline.bindTemplates(entries, verbalizer);
    const examples = demoExamples();
    const result = await runFewShot({
      pipeline,
      templates,
      labels,
      scoring: { ...DEFAULT_SCORING_OPTIONS },
      data: { examples },
      config: config(),
    });
    console.log(
      JSON.stringify({
        n: examples.length,
        status: result.status,
        error: result.error,
        summary: result.summary,
        skipped: result.skipped,
        stats: result.stats,
      }),
    );
    expect(result.status).toBe('complete');
  }, 120_000);
});
