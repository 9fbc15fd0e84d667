import type { EvaluationRun } from '../../core/evaluation';
import type { EvalSource } from '../../core/evaluation-results';
import type { Translate } from '../i18n';

/** A source's short name: the template's name (or id), or "Ensemble". */
export function sourceLabel(t: Translate, run: EvaluationRun, source: EvalSource): string {
  if (source === 'ensemble') return t('eval.results.ensemble');
  const tpl = run.templates[source]!;
  return tpl.name || tpl.id;
}
