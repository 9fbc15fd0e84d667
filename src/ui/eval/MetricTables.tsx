// The results' tables of numbers: per label, and without vs with calibration.
import type { CalibrationMode } from '../../core/evaluation-results';
import { isSmallSample, type Interval, type Metrics } from '../../core/metrics';
import { percent, percentRange } from '../../core/percent';
import { useT } from '../i18n';

/**
 * A per-label value; an undefined one (null, 0/0) shows "—" with the reason. A value resting on a
 * small sample (`n`, its denominator) shows its 95 % interval below it.
 */
function MetricCell({
  value,
  title,
  interval = null,
  n = 0,
}: {
  value: number | null;
  title?: string;
  interval?: Interval | null;
  n?: number;
}) {
  const t = useT();
  const showInterval = value !== null && interval !== null && isSmallSample(n);
  return (
    <td className="num" title={value === null ? title : showInterval ? t('eval.metric.ciTitle', { n }) : undefined}>
      {value === null ? '—' : percent(value)}
      {showInterval ? (
        <span className="eval-ci" data-testid="label-ci">
          {percentRange(interval)}
        </span>
      ) : null}
    </td>
  );
}

export function PerLabelTable({ metrics }: { metrics: Metrics }) {
  const t = useT();
  return (
    <table className="eval-table" data-testid="per-label-table" aria-label={t('eval.results.perLabel')}>
      <thead>
        <tr>
          <th>{t('eval.metric.label')}</th>
          <th className="num">{t('eval.metric.precision')}</th>
          <th className="num">{t('eval.metric.recall')}</th>
          <th className="num">{t('eval.metric.f1')}</th>
          <th className="num">{t('eval.metric.support')}</th>
          <th className="num">{t('eval.metric.predictedCount')}</th>
        </tr>
      </thead>
      <tbody>
        {metrics.perLabel.map((m) => (
          <tr
            key={m.label}
            data-label={m.label}
            data-precision={m.precision}
            data-recall={m.recall}
            data-f1={m.f1}
            data-support={m.support}
          >
            <th scope="row">{m.label}</th>
            <MetricCell
              value={m.precision}
              title={t('eval.metric.noPredictions')}
              interval={m.precisionCI}
              n={m.predicted}
            />
            <MetricCell value={m.recall} title={t('eval.metric.noSupport')} interval={m.recallCI} n={m.support} />
            <MetricCell value={m.f1} title={t('eval.metric.noSupport')} />
            <td className="num">{m.support}</td>
            <td className="num">{m.predicted}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row" title={t('eval.metric.macroNote')}>
            {t('eval.metric.macro')}
          </th>
          <td className="num" colSpan={2} />
          <td className="num">{percent(metrics.macroF1)}</td>
          <td className="num">{metrics.n}</td>
          <td />
        </tr>
        <tr>
          <th scope="row">{t('eval.metric.micro')}</th>
          <td className="num">{percent(metrics.micro.precision)}</td>
          <td className="num">{percent(metrics.micro.recall)}</td>
          <td className="num">{percent(metrics.microF1)}</td>
          <td />
          <td />
        </tr>
      </tfoot>
    </table>
  );
}

/** Accuracy / macro-F1 / micro-F1 without and with calibration, from the same model outputs. */
export function CalibrationComparison({
  both,
  mode,
}: {
  both: Record<CalibrationMode, Metrics>;
  mode: CalibrationMode;
}) {
  const t = useT();
  const rows = [
    {
      key: 'accuracy',
      name: t('eval.metric.accuracy'),
      get: (m: Metrics) => m.accuracy,
      // Accuracy always comes with its 95 % interval (Wilson, metrics.ts).
      ci: (m: Metrics) => m.accuracyCI,
    },
    { key: 'macroF1', name: t('eval.metric.macroF1'), get: (m: Metrics) => m.macroF1, ci: () => null },
    { key: 'microF1', name: t('eval.metric.microF1'), get: (m: Metrics) => m.microF1, ci: () => null },
  ];
  const value = (m: Metrics, row: (typeof rows)[number]) => {
    const ci = row.ci(m);
    return (
      <>
        {percent(row.get(m))}
        {ci ? (
          <span className="eval-ci" data-testid="accuracy-ci" title={t('eval.metric.ciTitle', { n: m.n })}>
            {t('eval.metric.ci', { range: percentRange(ci), n: m.n })}
          </span>
        ) : null}
      </>
    );
  };
  return (
    <table
      className="eval-table eval-kpi-table"
      data-testid="calibration-comparison"
      aria-label={t('eval.results.calibrationCompare')}
    >
      <thead>
        <tr>
          <th />
          <th className={`num${mode === 'uncalibrated' ? ' current' : ''}`}>{t('eval.mode.uncalibrated')}</th>
          <th className={`num${mode === 'calibrated' ? ' current' : ''}`}>{t('eval.mode.calibrated')}</th>
          <th className="num">{t('eval.results.change')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const a = r.get(both.uncalibrated);
          const b = r.get(both.calibrated);
          const diff = a === null || b === null ? null : b - a;
          return (
            <tr key={r.key} data-metric={r.key} data-uncalibrated={a} data-calibrated={b}>
              <th scope="row">{r.name}</th>
              <td className={`num big${mode === 'uncalibrated' ? ' current' : ''}`}>{value(both.uncalibrated, r)}</td>
              <td className={`num big${mode === 'calibrated' ? ' current' : ''}`}>{value(both.calibrated, r)}</td>
              {diff === null ? (
                <td className="num hint">—</td>
              ) : (
                <td className={`num ${diff > 0.0005 ? 'ok-text' : diff < -0.0005 ? 'error-text' : 'hint'}`}>
                  {diff > 0.0005 ? '+' : diff < -0.0005 ? '−' : '±'}
                  {(100 * Math.abs(diff)).toFixed(1)}
                </td>
              )}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
