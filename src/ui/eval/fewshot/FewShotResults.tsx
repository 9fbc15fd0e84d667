import type { FewShotResult } from '../../../core/fewshot/types';
import {
  fewShotCsv,
  fewShotJson,
  fewShotSplitsCsv,
  useEvaluation,
  type FewShotMetric,
} from '../../../store/evaluation';
import { usePrefs } from '../../../store/prefs';
import { ResultHeadline } from '../../components/ResultHeadline';
import { downloadText } from '../../download';
import { useT } from '../../i18n';
import { ChartFrame } from '../Charts';
import { count } from '../format';
import { FewShotSplits, FewShotStats } from './FewShotDetails';
import { FewShotTable, SkippedList } from './FewShotTable';
import { LearningCurve } from './LearningCurve';
import { useFewShotOutdated } from './useFewShotOutdated';

function fileStem(): string {
  return `clozelab-fewshot-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}`;
}

/** The learning curve with its table, what could not be computed, the run's numbers, the splits, and the files. */
export function FewShotResults({ result }: { result: FewShotResult }) {
  const t = useT();
  const locale = usePrefs((s) => s.locale);
  const metric = useEvaluation((s) => s.fewShotMetric);
  const meta = useEvaluation((s) => s.fewShot.meta);
  const data = useEvaluation((s) => s.fewShot.data);
  const outdated = useFewShotOutdated();
  const { setFewShotMetric } = useEvaluation.getState();
  const metricName = t(metric === 'accuracy' ? 'eval.metric.accuracy' : 'eval.metric.macroF1');
  const testSizes = [...new Set(result.splits.map((s) => s.test.length))].sort((a, b) => a - b);
  const stem = fileStem();
  const save = (suffix: string, text: string | null, type: string) => {
    if (text !== null) downloadText(`${stem}${suffix}`, text, type);
  };

  return (
    <div className="fewshot-results" data-testid="fewshot-results">
      <ResultHeadline stale={outdated} className="fewshot-headline" testId="fewshot-headline">
        {t('fewshot.results.headline', {
          ks: result.config.ks.join(', '),
          seeds: result.config.seeds.length,
          test:
            testSizes.length === 1 ? count(testSizes[0]!, locale) : testSizes.map((n) => count(n, locale)).join('–'),
          model: meta?.modelId ?? result.modelKey,
        })}
        {meta?.testModel ? <span className="badge test">{t('model.testBadgeLong')}</span> : null}
        {result.status !== 'complete' ? (
          <span className="badge" style={{ color: 'var(--warning)' }} data-testid="fewshot-partial">
            {t('eval.results.partial')}
          </span>
        ) : null}
      </ResultHeadline>
      {outdated ? (
        <p className="message info" data-testid="fewshot-outdated">
          {t('fewshot.results.outdated')}
        </p>
      ) : null}

      <div className="row fewshot-bar">
        <div className="eval-segmented" role="group" aria-label={t('fewshot.metric.aria')}>
          {(['accuracy', 'macroF1'] as FewShotMetric[]).map((m) => (
            <button
              key={m}
              className={metric === m ? 'active' : undefined}
              aria-pressed={metric === m}
              onClick={() => setFewShotMetric(m)}
              data-testid={`fewshot-metric-${m}`}
            >
              {t(m === 'accuracy' ? 'eval.metric.accuracy' : 'eval.metric.macroF1')}
            </button>
          ))}
        </div>
        <div className="row fewshot-exports">
          <button
            className="btn small"
            onClick={() => save('-curve.csv', fewShotCsv(useEvaluation.getState()), 'text/csv;charset=utf-8')}
            data-testid="fewshot-export-csv"
          >
            {t('fewshot.export.csv')}
          </button>
          <button
            className="btn small"
            onClick={() => save('.json', fewShotJson(useEvaluation.getState()), 'application/json')}
            data-testid="fewshot-export-json"
          >
            {t('fewshot.export.json')}
          </button>
          <button
            className="btn small"
            onClick={() => save('-splits.csv', fewShotSplitsCsv(useEvaluation.getState()), 'text/csv;charset=utf-8')}
            data-testid="fewshot-export-splits"
          >
            {t('fewshot.export.splits')}
          </button>
        </div>
      </div>

      <div className="eval-grid-2 fewshot-grid">
        <ChartFrame
          title={t('fewshot.chart.title', { metric: metricName })}
          fileName={`${stem}-curve.png`}
          testId="fewshot-chart"
        >
          <LearningCurve result={result} metric={metric} />
        </ChartFrame>
        <div>
          <h3 className="eval-subtitle">{t('fewshot.table.title', { metric: metricName })}</h3>
          <FewShotTable result={result} metric={metric} />
        </div>
      </div>
      <SkippedList result={result} />
      <h3 className="eval-subtitle">{t('fewshot.stats.title')}</h3>
      <FewShotStats result={result} />
      <FewShotSplits result={result} data={data} />
    </div>
  );
}
