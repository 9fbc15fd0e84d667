import type { EvaluationRun } from '../../core/evaluation';
import { reportCsv, reportJson, useEvaluation, type RunMeta } from '../../store/evaluation';
import { useT } from '../i18n';
import { downloadText } from '../download';
import { count } from './format';

/** What was evaluated (examples, model; a test model or a partial run flagged), and the result files to download. */
export function ResultsHeader({
  run,
  meta,
  locale,
  fileStem,
}: {
  run: EvaluationRun;
  meta: RunMeta | null;
  locale: string;
  /** File names start with it: `<stem>-examples.csv`, `<stem>-metrics.json`. */
  fileStem: string;
}) {
  const t = useT();
  return (
    <div className="row eval-results-bar">
      <p className="eval-results-meta" data-testid="eval-results-meta">
        {t('eval.results.meta', {
          done: count(run.done, locale),
          total: count(run.examples.length, locale),
          model: meta?.modelId ?? '',
          dtype: meta?.dtype ?? '',
        })}
        {meta?.testModel ? (
          <span className="badge test" style={{ marginLeft: 8 }}>
            {t('model.testBadgeLong')}
          </span>
        ) : null}
        {run.status !== 'complete' ? (
          <span className="badge" style={{ marginLeft: 8, color: 'var(--warning)' }}>
            {t('eval.results.partial')}
          </span>
        ) : null}
      </p>
      <div className="row" style={{ marginLeft: 'auto' }}>
        <button
          className="btn small"
          onClick={() =>
            downloadText(
              `${fileStem}-examples.csv`,
              reportCsv(useEvaluation.getState()) ?? '',
              'text/csv;charset=utf-8',
            )
          }
          data-testid="export-csv"
        >
          {t('eval.export.csv')}
        </button>
        <button
          className="btn small"
          onClick={() =>
            downloadText(`${fileStem}-metrics.json`, reportJson(useEvaluation.getState()) ?? '', 'application/json')
          }
          data-testid="export-json"
        >
          {t('eval.export.json')}
        </button>
      </div>
    </div>
  );
}
