// The shown few-shot result as files, through the core's exports (the CLI writes the same ones):
// the JSON report, the learning curve as CSV (method × K, mean and std over the seeds), the splits.
import { fewShotReport, splitsCsv, summaryCsv } from '../../core/fewshot/export.ts';
import type { EvalState } from './state.ts';

/** The JSON of the shown run (what `clozelab fewshot --json` prints for the same inputs). */
export function fewShotJson(state: Pick<EvalState, 'fewShot'>): string | null {
  const { result, meta, data } = state.fewShot;
  if (!result || !data) return null;
  return JSON.stringify(
    fewShotReport(result, data, { model: meta ? { id: meta.modelId, dtype: meta.dtype } : null }),
    null,
    2,
  );
}

/** One row per (method, K): mean and standard deviation over the seeds. */
export function fewShotCsv(state: Pick<EvalState, 'fewShot'>): string | null {
  return state.fewShot.result ? summaryCsv(state.fewShot.result) : null;
}

/** Every split's training and test examples (K, seed, role, data line, label). */
export function fewShotSplitsCsv(state: Pick<EvalState, 'fewShot'>): string | null {
  const { result, data } = state.fewShot;
  return result && data ? splitsCsv(result, data) : null;
}
