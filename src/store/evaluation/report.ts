// The shown run as files: the metrics JSON and the per-example CSV.
import { evaluationReport, predictionsCsv } from '../../core/evaluation-report.ts';
import type { EvalState } from './state.ts';

/** The metrics JSON of the shown run (what `clozelab eval --json` prints for the same inputs). */
export function reportJson(state: EvalState): string | null {
  const { result, meta } = state.run;
  if (!result || !meta) return null;
  return JSON.stringify(
    evaluationReport(result, { model: { id: meta.modelId, dtype: meta.dtype }, skippedRows: meta.skippedRows }),
    null,
    2,
  );
}

/** One CSV row per evaluated example and template (and the ensemble). */
export function reportCsv(state: EvalState): string | null {
  return state.run.result ? predictionsCsv(state.run.result) : null;
}
