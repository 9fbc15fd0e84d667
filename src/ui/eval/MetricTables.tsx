// The results' tables of numbers: per label, and without vs with calibration.
import type { CalibrationMode } from '../../core/evaluation-results';
import type { Metrics } from '../../core/metrics';
import { percent } from '../../core/percent';
import { useT } from '../i18n';

/** A per-label value; an undefined one (null, 0/0) shows "—" with the reason. */
function MetricCell({ value, title }: { value: number | null; title?: string }) {
  return (
    <td className="num" title={value === null ? title : undefined}>
      {value === null ? '—' : percent(value)}
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
            <MetricCell value={m.precision} title={t('eval.metric.noPredictions')} />
            <MetricCell value={m.recall} title={t('eval.metric.noSupport')} />
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
    { key: 'accuracy', name: t('eval.metric.accuracy'), get: (m: Metrics) => m.accuracy },
    { key: 'macroF1', name: t('eval.metric.macroF1'), get: (m: Metrics) => m.macroF1 },
    { key: 'microF1', name: t('eval.metric.microF1'), get: (m: Metrics) => m.microF1 },
  ];
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
              <td className={`num big${mode === 'uncalibrated' ? ' current' : ''}`}>{percent(a)}</td>
              <td className={`num big${mode === 'calibrated' ? ' current' : ''}`}>{percent(b)}</td>
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
