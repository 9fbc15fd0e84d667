// A few-shot run (LM-BFF protocol, frozen model): K-shot splits for every (K, seed), then the
// methods on each split's test examples — the same code in the browser and the CLI, so the same
// numbers for the same (dataset, K, seed).
//
//   1. splits          splits.ts, nested in K for one seed; a label with fewer than K examples
//                      skips the cell
//   2. zero-shot pass  every no-demonstration prompt the run needs — the active template on the
//                      training and test examples (hidden vector at [Z] kept when tuning or
//                      'similar' demonstrations need it), its content-free prompts (calibration),
//                      the other templates on the test examples (ensemble) — runs ONCE for the
//                      whole run and serves zero-shot, calibrated, ensemble and tuned in every cell
//   3. per cell        zero-shot / calibrated / ensemble read those answers; tuned learns label
//                      vectors on the cell's training examples (tune.ts, milliseconds)
//   4. demonstrations  per cell, the test examples with one demonstration per label appended
//                      (demonstrations.ts); the run's own pipeline cache answers a repeated prompt
//
// Cancelling keeps the finished cells (status 'cancelled'); a failure keeps them too ('failed').
//
// Stats. promptsRun: prompts the model ran (one encoder pass each). naivePrompts: what running
// each computed (method, K, seed) cell on its own would cost — per cell, the distinct prompts that
// method reads there, shared with no other cell or method:
//   zero-shot       the active template's prompts of the test examples (1-mask, and k-mask for
//                   multi-token words with 'all-subtokens')
//   calibrated      those + the active template's content-free prompts
//   ensemble        every template's prompts of the test examples
//   tuned           the active template's prompts of the training and the test examples
//   demonstrations  the test examples' demonstration prompts (+ with 'similar', the active
//                   template's prompts of the training and test examples, for their hidden vectors)
// promptsReused = naivePrompts − promptsRun: the prompt evaluations a cell needed that an earlier
// pass had answered (every prompt the run sends is needed by some cell).

import type { PreparedTemplate } from '../bound-verbalizer.ts';
import { PASSES, type PassSettings, type PassStats, type ScoringPipeline } from '../pipeline.ts';
import type { ScoringOptions } from '../scoring.ts';
import type { EvalExample } from '../dataset.ts';
import type { PromptPart } from '../types.ts';
import { fewShotSplit } from './splits.ts';
import { yieldToEventLoop } from '../scheduling.ts';
import { demoPlanTransform, dot, unitVector, demoWords, renderDemo, selectDemos } from './demonstrations.ts';
import { tunedScores, tuneLabels } from './tune.ts';
import { scoreExamples, type ExampleScore } from './score-examples.ts';
import { cellFrom, sortCells, summarize } from './summary.ts';
import type {
  FewShotCell,
  FewShotConfig,
  FewShotData,
  FewShotMethod,
  FewShotProgress,
  FewShotResult,
  FewShotSkip,
  FewShotSplit,
  FewShotStats,
} from './types.ts';

export interface FewShotInput {
  /** The model through the scoring pipeline; a fresh one per run (`withOwnCache(CACHE_LIMITS.evaluation)`)
   * keeps the run's answers its own and large enough for the demonstration prompts. */
  pipeline: ScoringPipeline;
  /** The setup's templates bound to the model, the active one first (the others serve the ensemble). */
  templates: PreparedTemplate[];
  /** The demonstration template bound to the model (default: the active template). */
  demoTemplate?: PreparedTemplate | null;
  /** The verbalizer's labels, in order. */
  labels: string[];
  /** The setup's scoring options; zero-shot is them uncalibrated, 'calibrated' with calibration. */
  scoring: ScoringOptions;
  data: FewShotData;
  config: FewShotConfig;
  signal?: AbortSignal;
  /** After each chunk of work; `result` is the run so far (finished cells, stats). */
  onProgress?: (progress: FewShotProgress, result: FewShotResult) => void;
  /** Milliseconds clock (default: performance.now(), in Node and the browser). */
  now?: () => number;
}

/** The few-shot passes' settings (the hidden vector at [Z] is kept only where a method reads it). */
export const FEWSHOT_PASS: PassSettings = PASSES.fewshot;

const defaultNow = (): number => globalThis.performance.now();

/** What is wrong with a config, or null (numbers the user typed: K, seeds, tuning). */
export function configProblem(config: FewShotConfig): string | null {
  if (config.ks.length === 0) return 'No K given.';
  const badK = config.ks.find((k) => !Number.isInteger(k) || k < 1);
  if (badK !== undefined) return `K must be a whole number ≥ 1, got ${badK}.`;
  if (config.seeds.length === 0) return 'No seed given.';
  const badSeed = config.seeds.find((s) => !Number.isInteger(s) || s < 0);
  if (badSeed !== undefined) return `A seed must be a whole number ≥ 0, got ${badSeed}.`;
  const { steps, learningRate, l2 } = config.tuning;
  if (!Number.isInteger(steps) || steps < 0) return `Tuning steps must be a whole number ≥ 0, got ${steps}.`;
  if (!(learningRate > 0) || !Number.isFinite(learningRate))
    return `The learning rate must be > 0, got ${learningRate}.`;
  if (!(l2 >= 0) || !Number.isFinite(l2)) return `The L2 weight must be ≥ 0, got ${l2}.`;
  if (config.maxTest !== null && (!Number.isInteger(config.maxTest) || config.maxTest < 1))
    return `The test sample size must be a whole number ≥ 1, got ${config.maxTest}.`;
  return null;
}

/** Example ids: pool example i is i, test-file example j is pool size + j. */
function testIds(split: FewShotSplit, poolSize: number): number[] {
  return split.testSource === 'file' ? split.test.map((j) => poolSize + j) : [...split.test];
}

const distinctKeys = (scores: readonly (ExampleScore | undefined)[]): number => {
  const keys = new Set<string>();
  for (const s of scores) for (const k of s?.keys ?? []) keys.add(k);
  return keys.size;
};

export async function runFewShot(input: FewShotInput): Promise<FewShotResult> {
  const now = input.now ?? defaultNow;
  const started = now();
  const { config, labels, data, pipeline } = input;
  const pool = data.examples;
  const testFile = data.testExamples ?? null;
  const exampleOf = (id: number): EvalExample => (id < pool.length ? pool[id]! : testFile![id - pool.length]!);
  const methods = new Set<FewShotMethod>(config.methods);
  const passStats: PassStats = { promptsRun: 0, promptsReused: 0, requests: 0 };
  const trainingMs: FewShotStats['trainingMs'] = [];
  let naivePrompts = 0;
  let droppedDemos = 0;
  const cells: FewShotCell[] = [];
  const skipped: FewShotSkip[] = [];
  const result: FewShotResult = {
    config: structuredClone(config),
    labels: [...labels],
    templates: input.templates.map((t) => ({ id: t.id, name: t.name, text: t.text })),
    modelKey: pipeline.model.key,
    splits: [],
    cells,
    summary: [],
    skipped,
    stats: emptyStats(),
    status: 'running',
  };
  const update = () => {
    sortCells(cells, config);
    result.summary = summarize(cells, config);
    result.stats = {
      promptsRun: passStats.promptsRun,
      promptsReused: Math.max(0, naivePrompts - passStats.promptsRun),
      naivePrompts,
      trainingMs: [...trainingMs],
      droppedDemos,
      elapsedMs: now() - started,
    };
  };
  const report = (phase: FewShotProgress['phase'], done: number, total: number) => {
    update();
    input.onProgress?.({ phase, done, total, stats: result.stats }, snapshot(result));
  };

  try {
    const problem = input.templates.length === 0 ? 'No template to run.' : configProblem(config);
    if (problem) throw new Error(problem);
    const active = input.templates[0]!;
    const others = input.templates.slice(1);
    const demoTemplate = input.demoTemplate ?? active;

    // 1. Splits.
    for (const k of config.ks) {
      for (const seed of config.seeds) {
        const s = fewShotSplit({
          examples: pool,
          labels,
          k,
          seed,
          testFileSize: testFile ? testFile.length : null,
          maxTest: config.maxTest,
        });
        if (s.ok) result.splits.push(s.split);
        else skipped.push(s.skip);
      }
    }
    const splits = result.splits;
    const ks = [...new Set(splits.map((s) => s.k))];
    const similar = methods.has('demonstrations') && config.demonstrations.selection === 'similar';
    const wantsHidden = methods.has('tuned') || similar;
    const ensemble = methods.has('ensemble') && others.length > 0;
    if (methods.has('ensemble') && others.length === 0)
      for (const k of ks) skipped.push({ k, seed: null, method: 'ensemble', code: 'one-template', params: {} });

    // 2. Every no-demonstration prompt, once.
    const activeIds = new Set<number>();
    const otherIds = new Set<number>();
    for (const split of splits) {
      const test = testIds(split, pool.length);
      if (methods.has('zero-shot') || methods.has('calibrated') || ensemble || wantsHidden)
        for (const id of test) activeIds.add(id);
      if (wantsHidden) for (const id of split.train) activeIds.add(id);
      if (ensemble) for (const id of test) otherIds.add(id);
    }
    const activeList = [...activeIds].sort((a, b) => a - b);
    const otherList = [...otherIds].sort((a, b) => a - b);
    const zeroShotTotal = activeList.length + otherList.length;
    const plain: ScoringOptions = { ...input.scoring, calibrate: false };
    const activeScores = new Map<number, ExampleScore>();
    const otherScores = new Map<number, ExampleScore[]>();
    const common = {
      pipeline,
      labels,
      scoring: plain,
      stats: passStats,
      now,
      ...(input.signal ? { signal: input.signal } : {}),
    };
    report('zero-shot', 0, zeroShotTotal);
    const activeResults = await scoreExamples({
      ...common,
      templates: [active],
      settings: {
        ...FEWSHOT_PASS,
        calibration: methods.has('calibrated') ? 'both' : 'as-set',
        keepHidden: wantsHidden,
      },
      items: activeList.map((id) => ({ inputs: exampleOf(id).inputs })),
      onChunk: (done) => report('zero-shot', done, zeroShotTotal),
    });
    activeList.forEach((id, i) => activeScores.set(id, activeResults[i]![0]!));
    if (otherList.length > 0) {
      const otherResults = await scoreExamples({
        ...common,
        templates: others,
        settings: { ...FEWSHOT_PASS, calibration: 'as-set', keepHidden: false },
        items: otherList.map((id) => ({ inputs: exampleOf(id).inputs })),
        onChunk: (done) => report('zero-shot', activeList.length + done, zeroShotTotal),
      });
      otherList.forEach((id, i) => otherScores.set(id, otherResults[i]!));
    }
    const hasHidden = wantsHidden && activeList.every((id) => activeScores.get(id)!.hidden !== null);
    if (methods.has('tuned') && !hasHidden)
      for (const k of ks) skipped.push({ k, seed: null, method: 'tuned', code: 'no-hidden', params: {} });
    if (similar && !hasHidden)
      for (const k of ks)
        skipped.push({ k, seed: null, method: 'demonstrations', code: 'no-hidden', params: { selection: 'similar' } });

    // 3. The methods that read the zero-shot answers, per cell.
    const goldOf = (id: number) => exampleOf(id).gold;
    for (const [index, split] of splits.entries()) {
      if (input.signal?.aborted) throw new Error('The few-shot run was cancelled.');
      const test = testIds(split, pool.length);
      const gold = test.map(goldOf);
      const add = (method: FewShotMethod, dists: number[][]) =>
        cells.push(cellFrom(method, split.k, split.seed, labels, gold, dists));
      const mine = test.map((id) => activeScores.get(id));
      if (methods.has('zero-shot')) {
        add(
          'zero-shot',
          mine.map((s) => s!.probs),
        );
        naivePrompts += distinctKeys(mine);
      }
      if (methods.has('calibrated')) {
        add(
          'calibrated',
          mine.map((s) => s!.calibrated!),
        );
        naivePrompts += distinctKeys(mine) + (mine[0]?.contentFreeKeys.length ?? 0);
      }
      if (ensemble) {
        const all = test.map((id) => [activeScores.get(id)!, ...otherScores.get(id)!]);
        add(
          'ensemble',
          all.map((ts) => labels.map((_, l) => ts.reduce((a, t) => a + t.probs[l]!, 0) / ts.length)),
        );
        naivePrompts += input.templates.reduce((n, _, t) => n + distinctKeys(all.map((ts) => ts[t])), 0);
      }
      if (methods.has('tuned') && hasHidden) {
        const t0 = now();
        const train = split.train.map((id) => {
          const s = activeScores.get(id)!;
          return { z: s.z, hidden: s.hidden!, gold: labels.indexOf(goldOf(id)) };
        });
        const tuned = tuneLabels(train, labels.length, config.tuning);
        const scores = mine.map((s) => tunedScores(tuned, s!.z, s!.hidden!));
        trainingMs.push({ k: split.k, seed: split.seed, ms: now() - t0 });
        add('tuned', scores);
        naivePrompts += distinctKeys([...split.train.map((id) => activeScores.get(id)), ...mine]);
      }
      report('tuning', index + 1, splits.length);
      await yieldToEventLoop(); // training took a few ms: the page gets a turn between cells
    }

    // 4. Demonstrations, per cell.
    if (methods.has('demonstrations') && (!similar || hasHidden)) {
      const words = demoWords(labels, demoTemplate.words);
      const demoParts = new Map<number, PromptPart[]>();
      const partsOf = (id: number): PromptPart[] => {
        let parts = demoParts.get(id);
        if (!parts) {
          const e = pool[id]!;
          parts = renderDemo(demoTemplate.template, e.inputs, words[labels.indexOf(e.gold)]!);
          demoParts.set(id, parts);
        }
        return parts;
      };
      // Cosine similarity as the dot product of unit vectors, each normalised once.
      const units = new Map<number, Float64Array>();
      const unit = (id: number): Float64Array => {
        let u = units.get(id);
        if (!u) {
          u = unitVector(activeScores.get(id)!.hidden!);
          units.set(id, u);
        }
        return u;
      };
      const total = splits.reduce((n, s) => n + s.test.length, 0);
      let done = 0;
      report('demonstrations', 0, total);
      for (const split of splits) {
        const test = testIds(split, pool.length);
        const byLabel = labels.map((l) => split.train.filter((id) => pool[id]!.gold === l));
        const items = test.map((id) => {
          const query = activeScores.get(id)?.hidden ?? null;
          const chosen = selectDemos({
            byLabel,
            seed: split.seed,
            k: split.k,
            query: id,
            self: id < pool.length ? id : null,
            selection: config.demonstrations.selection,
            ...(similar && query ? { similarity: (t: number) => dot(unit(id), unit(t)) } : {}),
          });
          const demos = chosen.filter((c): c is number => c !== null).map(partsOf);
          return { inputs: exampleOf(id).inputs, transform: demoPlanTransform(demos) };
        });
        const before = done;
        const scored = await scoreExamples({
          ...common,
          templates: [active],
          settings: { ...FEWSHOT_PASS, calibration: 'as-set', keepHidden: false },
          items,
          onChunk: (n) => report('demonstrations', before + n, total),
        });
        done += test.length;
        const results = scored.map((s) => s[0]!);
        for (const r of results) droppedDemos += r.droppedDemos;
        cells.push(
          cellFrom(
            'demonstrations',
            split.k,
            split.seed,
            labels,
            test.map(goldOf),
            results.map((r) => r.probs),
          ),
        );
        naivePrompts += distinctKeys(results);
        if (similar) naivePrompts += distinctKeys([...split.train, ...test].map((id) => activeScores.get(id)));
        report('demonstrations', done, total);
      }
    }
    result.status = 'complete';
  } catch (error) {
    if (input.signal?.aborted) result.status = 'cancelled';
    else {
      result.status = 'failed';
      result.error = error instanceof Error ? error.message : String(error);
    }
  }
  update();
  return result;
}

/** The run so far, in arrays of its own (a progress listener may keep it). */
function snapshot(result: FewShotResult): FewShotResult {
  return {
    ...result,
    splits: [...result.splits],
    cells: [...result.cells],
    summary: [...result.summary],
    skipped: [...result.skipped],
  };
}

function emptyStats(): FewShotStats {
  return { promptsRun: 0, promptsReused: 0, naivePrompts: 0, trainingMs: [], droppedDemos: 0, elapsedMs: 0 };
}
