// Part 1 of the few-shot bench: the training sets for label-vector tuning — K = 16 per label, 2, 3
// and 5 labels, one per LM-BFF seed — built from REAL hidden vectors at [Z] of the benchmark model
// (computed here through the scoring pipeline with the hidden vector kept, as a few-shot run does),
// and the comparison of tune.ts's result with the naive full-space reference.
import { Rng } from '../fixtures/prng.ts';
import type { EvalExample } from '../../src/core/dataset.ts';
import { scoreExamples } from '../../src/core/fewshot/score-examples.ts';
import { fewShotSplit } from '../../src/core/fewshot/splits.ts';
import { tunedScores, tuneLabels, type TuningExample } from '../../src/core/fewshot/tune.ts';
import { FEWSHOT_SEEDS, type TuningOptions } from '../../src/core/fewshot/types.ts';
import { PASSES, type PassStats } from '../../src/core/pipeline.ts';
import { DEFAULT_SCORING_OPTIONS } from '../../src/core/scoring.ts';
import type { BenchModel } from './fewshot-model.ts';
import { naiveTuneLabels } from './fewshot-naive-tune.ts';
import { asTuningExamples, type TuningSetJson } from './fewshot-timing.ts';
import { makeExamples, TEMPLATE, verbalizer } from './shared.ts';

/** Five labels; the 2- and 3-label sets are the first two and three (a label's z needs only its own words). */
const LABELS_5 = [
  ['positive', 'good, nice'],
  ['negative', 'bad, poor'],
  ['neutral', 'okay, fine'],
  ['excellent', 'great, amazing'],
  ['dreadful', 'terrible, awful'],
] as const;
export const TRAINING_LABEL_COUNTS = [2, 3, 5] as const;
export const TRAINING_K = 16;
/** Examples whose hidden vectors are computed: ≥ 16 per label for every label count and seed. */
const POOL = 240;

export interface TrainingData {
  sets: TuningSetJson[];
  /** Per label count: test examples (not in seed 13's training split) to compare the two trainers on. */
  test: Map<number, { z: number[]; hidden: Float32Array }[]>;
  hiddenSize: number;
  /** Wall time of the forward passes that produced the hidden vectors. */
  forwardMs: number;
  promptsRun: number;
}

export async function trainingData(model: BenchModel): Promise<TrainingData> {
  const pipeline = model.pipeline();
  const v = verbalizer(LABELS_5.map(([label, words]) => `${label}: ${words}`).join('\n'));
  const { templates, problems } = await pipeline.bindTemplates([{ id: 't1', name: 'bench', text: TEMPLATE }], v);
  if (problems.length > 0 || templates.length !== 1) throw new Error(`bench template: ${JSON.stringify(problems)}`);
  const texts = makeExamples(POOL, 20261202);
  const stats: PassStats = { promptsRun: 0, promptsReused: 0, requests: 0 };
  const t0 = performance.now();
  model.log.phase = 'training-data';
  const scored = await scoreExamples({
    pipeline,
    templates,
    labels: LABELS_5.map(([l]) => l),
    scoring: { ...DEFAULT_SCORING_OPTIONS },
    settings: { ...PASSES.fewshot, calibration: 'as-set' },
    items: texts.map((e) => ({ inputs: e.inputs })),
    stats,
    now: () => performance.now(),
  });
  const forwardMs = performance.now() - t0;
  const rows = scored.map((s) => s[0]!);
  if (rows.some((r) => r.hidden === null))
    throw new Error('the benchmark model gave no hidden vector at [Z] (EngineInfo.hiddenAtMask false?)');
  const hiddenSize = rows[0]!.hidden!.length;

  const sets: TuningSetJson[] = [];
  const test = new Map<number, { z: number[]; hidden: Float32Array }[]>();
  for (const L of TRAINING_LABEL_COUNTS) {
    const labels: string[] = LABELS_5.slice(0, L).map(([l]) => l);
    // Gold labels for this label count, deterministic (the random-weight model knows no sentiment:
    // timing depends on n, L, H and the steps only).
    const rng = new Rng(7000 + L);
    const examples: EvalExample[] = texts.map((e) => {
      const gold = labels[Math.floor(rng.next() * L)]!;
      return { ...e, gold, rawLabel: gold };
    });
    const tuningRow = (i: number) => ({
      z: rows[i]!.z.slice(0, L),
      hidden: Array.from(rows[i]!.hidden!),
      gold: labels.indexOf(examples[i]!.gold),
    });
    const seeds: TuningSetJson['seeds'] = [];
    for (const seed of FEWSHOT_SEEDS) {
      const split = fewShotSplit({ examples, labels, k: TRAINING_K, seed, testFileSize: null, maxTest: null });
      if (!split.ok) throw new Error(`${L} labels, seed ${seed}: ${JSON.stringify(split.skip)}`);
      seeds.push({ seed, examples: split.split.train.map(tuningRow) });
      if (seed === FEWSHOT_SEEDS[0])
        test.set(
          L,
          split.split.test.slice(0, 200).map((i) => ({ z: rows[i]!.z.slice(0, L), hidden: rows[i]!.hidden! })),
        );
    }
    sets.push({ labels: L, k: TRAINING_K, seeds });
  }
  return { sets, test, hiddenSize, forwardMs, promptsRun: stats.promptsRun };
}

export interface TrainerAgreement {
  labels: number;
  seed: number;
  spanLoss: number;
  naiveLoss: number;
  /** Largest |score difference| over the test examples and labels. */
  maxScoreDiff: number;
  /** Test examples whose predicted label differs. */
  predictionsDiffer: number;
  tested: number;
}

/** tune.ts against the naive reference on seed 13's set of each label count: same objective, where they end. */
export function compareTrainers(data: TrainingData, options: TuningOptions): TrainerAgreement[] {
  return data.sets.map((set) => {
    const examples: TuningExample[] = asTuningExamples(set)[0]!;
    const span = tuneLabels(examples, set.labels, options);
    const naive = naiveTuneLabels(examples, set.labels, options);
    const test = data.test.get(set.labels) ?? [];
    let maxScoreDiff = 0;
    let predictionsDiffer = 0;
    const argmax = (xs: number[]) => xs.reduce((b, x, i) => (x > xs[b]! ? i : b), 0);
    for (const t of test) {
      const a = tunedScores(span, t.z, t.hidden);
      const b = tunedScores(naive, t.z, t.hidden);
      a.forEach((x, l) => (maxScoreDiff = Math.max(maxScoreDiff, Math.abs(x - b[l]!))));
      if (argmax(a) !== argmax(b)) predictionsDiffer++;
    }
    return {
      labels: set.labels,
      seed: set.seeds[0]!.seed,
      spanLoss: span.finalLoss,
      naiveLoss: naive.finalLoss,
      maxScoreDiff,
      predictionsDiffer,
      tested: test.length,
    };
  });
}
