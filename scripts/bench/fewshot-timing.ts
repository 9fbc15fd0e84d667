// Label-vector training timed the same way in Node and in the bench page (fewshot-page/main.ts):
// tune.ts's tuneLabels (the shipped code) and the naive full-space reference, on the same
// training sets (real hidden vectors at [Z], computed in Node), one call per (labels, seed).
import { tuneLabels, type TuningExample } from '../../src/core/fewshot/tune.ts';
import type { TuningOptions } from '../../src/core/fewshot/types.ts';
import { naiveTuneLabels } from './fewshot-naive-tune.ts';

/** What crosses into the page: plain JSON. */
export interface TuningSetJson {
  labels: number;
  k: number;
  seeds: { seed: number; examples: { z: number[]; hidden: number[]; gold: number }[] }[];
}

export interface TuningSample {
  labels: number;
  seed: number;
  round: number;
  ms: number;
  finalLoss: number;
}

export type Trainer = 'span' | 'naive';

const TRAINERS: Record<Trainer, typeof tuneLabels> = { span: tuneLabels, naive: naiveTuneLabels };

/** The sets as the app hands them to tune.ts: hidden vectors as Float32Array (what the runtime returns). */
export function asTuningExamples(set: TuningSetJson): TuningExample[][] {
  return set.seeds.map((s) => s.examples.map((e) => ({ z: e.z, hidden: Float32Array.from(e.hidden), gold: e.gold })));
}

/**
 * `rounds` rounds; in each, one call per set and seed, timed alone. Round 0's first call is the
 * process's (or page's) first: it includes the JIT warming up on tune.ts.
 */
export function timeTraining(
  sets: readonly TuningSetJson[],
  trainer: Trainer,
  options: TuningOptions,
  rounds: number,
  now: () => number = () => performance.now(),
): TuningSample[] {
  const prepared = sets.map((s) => ({ set: s, examples: asTuningExamples(s) }));
  const tune = TRAINERS[trainer];
  const out: TuningSample[] = [];
  for (let round = 0; round < rounds; round++)
    for (const { set, examples } of prepared)
      set.seeds.forEach((s, i) => {
        const t0 = now();
        const tuned = tune(examples[i]!, set.labels, options);
        out.push({ labels: set.labels, seed: s.seed, round, ms: now() - t0, finalLoss: tuned.finalLoss });
      });
  return out;
}
