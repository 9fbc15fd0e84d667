// Part 2 of the few-shot bench: the forward passes of a whole learning curve — K × seeds × methods
// (zero-shot, calibrated, ensemble with a second template, demonstrations, tuned) on `test` test
// examples per cell — through runFewShot, exactly as `clozelab fewshot` runs it (same pipeline,
// same template preparation), with every prompt sent to the model logged (fewshot-model.ts).
import { loadavg } from 'node:os';
import type { EvalExample } from '../../src/core/dataset.ts';
import { fewShotTable, formatFewShotTable } from '../../src/core/fewshot/export.ts';
import { prepareFewShotTemplates } from '../../src/core/fewshot/prepare.ts';
import { runFewShot } from '../../src/core/fewshot/run.ts';
import {
  DEFAULT_TUNING,
  FEWSHOT_METHODS,
  type FewShotConfig,
  type FewShotResult,
  type FewShotStats,
} from '../../src/core/fewshot/types.ts';
import { DEFAULT_SCORING_OPTIONS } from '../../src/core/scoring.ts';
import type { BenchModel, PhaseLog } from './fewshot-model.ts';
import { LABELS, makeExamples, TEMPLATE, verbalizer } from './shared.ts';

/** The ensemble's second template (the active one is the main bench's). */
export const SECOND_TEMPLATE = '[X] In a word, the film was [Z].';

export interface CurveOptions {
  ks: number[];
  seeds: number[];
  /** Test examples per (K, seed) cell (maxTest). */
  test: number;
  log: (line: string) => void;
}

export interface PhaseReport extends PhaseLog {
  phase: string;
  /** Wall time of the phase (from the run's progress reports). */
  wallMs: number;
}

export interface CurveReport {
  pool: number;
  test: number;
  ks: number[];
  seeds: number[];
  cells: number;
  stats: FewShotStats;
  status: FewShotResult['status'];
  error: string | null;
  skipped: FewShotResult['skipped'];
  phases: PhaseReport[];
  /** Prompts the pipeline sent to the model, and how many distinct ones (from the bench's own log). */
  sent: number;
  distinct: number;
  accuracyTable: string;
  wallMs: number;
  /** 1-minute load averages at the start and the end (a shared machine). */
  load: [number, number];
}

/**
 * The pool: `test` + 3·max K examples (every cell can hold `test` test examples), grown until each
 * label has max K examples. makeExamples is prefix-stable, so a larger pool extends a smaller one.
 */
export function curvePool(test: number, maxK: number): EvalExample[] {
  for (let n = test + LABELS.length * maxK; ; n += 16) {
    const pool = makeExamples(n);
    if (LABELS.every((l) => pool.filter((e) => e.gold === l).length >= maxK)) return pool;
  }
}

export async function runCurve(model: BenchModel, options: CurveOptions): Promise<CurveReport> {
  const pipeline = model.pipeline();
  const entries = [
    { id: 't1', name: 'bench', text: TEMPLATE },
    { id: 't2', name: 'second', text: SECOND_TEMPLATE },
  ];
  const prepared = await prepareFewShotTemplates(pipeline, entries, 't1', verbalizer());
  if (prepared.templates.length !== 2 || prepared.problems.length > 0)
    throw new Error(`bench templates: ${JSON.stringify(prepared.problems)}`);
  const pool = curvePool(options.test, Math.max(...options.ks));
  const config: FewShotConfig = {
    ks: options.ks,
    seeds: options.seeds,
    methods: [...FEWSHOT_METHODS],
    demonstrations: { selection: 'random' },
    tuning: { ...DEFAULT_TUNING },
    maxTest: options.test,
  };
  model.log.reset();
  const events: { phase: string; at: number }[] = [];
  let lastLine = 0;
  const loadStart = loadavg()[0]!;
  const t0 = performance.now();
  const result = await runFewShot({
    pipeline,
    templates: prepared.templates,
    demoTemplate: prepared.demoTemplate,
    labels: [...LABELS],
    scoring: { ...DEFAULT_SCORING_OPTIONS },
    data: { examples: pool },
    config,
    onProgress: (p) => {
      const at = performance.now();
      model.log.phase = p.phase;
      events.push({ phase: p.phase, at });
      if (at - lastLine > 30_000 || (p.done === p.total && p.phase !== 'tuning')) {
        lastLine = at;
        options.log(`${p.phase} ${p.done}/${p.total}, ${p.stats.promptsRun} prompts run`);
      }
    },
  });
  const wallMs = performance.now() - t0;
  // A phase lasts from the previous phase's last report (or the start) to its own last report.
  const phases: PhaseReport[] = [];
  let from = t0;
  for (const name of [...new Set(events.map((e) => e.phase))]) {
    const last = events.filter((e) => e.phase === name).at(-1)!.at;
    const logged = model.log.phases.get(name) ?? { sent: 0, requests: 0, hiddenRequests: 0, modelMs: 0 };
    phases.push({ phase: name, wallMs: last - from, ...logged });
    from = last;
  }
  const { sent, distinct } = model.log.totals();
  const accuracyTable = formatFewShotTable(fewShotTable(result, 'accuracy'));
  return {
    pool: pool.length,
    test: options.test,
    ks: options.ks,
    seeds: options.seeds,
    cells: result.splits.length,
    stats: result.stats,
    status: result.status,
    error: result.error ?? null,
    skipped: result.skipped,
    phases,
    sent,
    distinct,
    accuracyTable,
    wallMs,
    load: [loadStart, loadavg()[0]!],
  };
}
