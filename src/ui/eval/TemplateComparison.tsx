import type { Metrics } from '../../core/metrics';
import { percent } from '../../core/percent';
import { useT } from '../i18n';
import { ChartFrame, ComparisonChart } from './Charts';

/** Every template (and the ensemble) side by side in one calibration mode; the best macro-F1 marked. */
export function TemplateComparison({
  rows: comparison,
  modeName,
  fileStem,
}: {
  rows: { name: string; text: string; metrics: Metrics }[];
  modeName: string;
  /** The chart's file name starts with it. */
  fileStem: string;
}) {
  const t = useT();
  return (
    <section className="panel eval-wide" aria-labelledby="eval-compare-heading" data-testid="template-comparison">
      <h2 id="eval-compare-heading">{t('eval.compare.title')}</h2>
      <p className="hint" style={{ marginTop: 0 }}>
        {t('eval.compare.help', { mode: modeName })}
      </p>
      <div className="eval-grid-2">
        <table className="eval-table">
          <thead>
            <tr>
              <th>{t('eval.compare.template')}</th>
              <th className="num">{t('eval.metric.accuracy')}</th>
              <th className="num">{t('eval.metric.macroF1')}</th>
              <th className="num">{t('eval.metric.microF1')}</th>
            </tr>
          </thead>
          <tbody>
            {comparison.map((row, i) => {
              const best = Math.max(...comparison.map((r) => r.metrics.macroF1));
              return (
                <tr key={i} data-testid="comparison-row" className={row.metrics.macroF1 === best ? 'best' : undefined}>
                  <th scope="row">
                    {row.name}
                    {row.text ? (
                      <>
                        <br />
                        <code className="eval-template-text">{row.text}</code>
                      </>
                    ) : null}
                  </th>
                  <td className="num big">{percent(row.metrics.accuracy)}</td>
                  <td className="num big">{percent(row.metrics.macroF1)}</td>
                  <td className="num big">{percent(row.metrics.microF1)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <ChartFrame
          title={`${t('eval.compare.title')} — ${modeName}`}
          fileName={`${fileStem}-templates.png`}
          testId="comparison-chart"
        >
          <ComparisonChart rows={comparison} />
        </ChartFrame>
      </div>
    </section>
  );
}
