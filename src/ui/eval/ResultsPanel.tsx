import { useMemo } from 'react';
import {
  diagnose,
  evalSources,
  labelBalance,
  predictions,
  runMetrics,
  type CalibrationMode,
  type EvalSource,
  type EvaluationRun,
} from '../../core/evaluation';
import type { Metrics } from '../../core/metrics';
import { usePrefs } from '../../store/prefs';
import { reportCsv, reportJson, useEvaluation } from '../../store/evaluation';
import { useWorkspace } from '../../store/workspace';
import { useT, type Translate } from '../i18n';
import { ChartFrame, ComparisonChart, DistributionChart, PerLabelChart } from './Charts';
import { ConfusionHeatmap } from './ConfusionHeatmap';
import { downloadText } from '../download';
import { ExampleList } from './ExampleList';
import { ContentFreeInputs } from '../components/ContentFreeInputs';
import { count, pct } from './format';
import { Hints } from './Hints';

export function sourceLabel(t: Translate, run: EvaluationRun, source: EvalSource): string {
  if (source === 'ensemble') return t('eval.results.ensemble');
  const tpl = run.templates[source]!;
  return tpl.name || tpl.id;
}

function fileStem(run: EvaluationRun): string {
  return `clozelab-eval-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}-${run.done}`;
}

/** The setup has changed since the run (templates, words or scoring): results describe the old one. */
function useOutdated(run: EvaluationRun): boolean {
  const setup = useWorkspace((s) => s.setup);
  return useMemo(() => {
    const labels = setup.verbalizer.labels.map((l) => l.label);
    const words = JSON.stringify(setup.verbalizer.labels);
    const runWords = JSON.stringify(
      run.labels.map((label) => ({
        label,
        words: [...new Set(run.templates[0]?.words.filter((w) => w.label === label).map((w) => w.word) ?? [])],
      })),
    );
    const textsChanged = run.templates.some((tpl) => setup.templates.find((x) => x.id === tpl.id)?.text !== tpl.text);
    const scoringChanged = (['aggregation', 'multiToken', 'lengthNormalize'] as const).some(
      (k) => setup.scoring[k] !== run.scoring[k],
    );
    return textsChanged || scoringChanged || labels.join('\u0000') !== run.labels.join('\u0000') || words !== runWords;
  }, [setup, run]);
}

/** A per-label value; an undefined one (null, 0/0) shows "—" with the reason. */
function MetricCell({ value, title }: { value: number | null; title?: string }) {
  return (
    <td className="num" title={value === null ? title : undefined}>
      {value === null ? '—' : pct(value)}
    </td>
  );
}

function PerLabelTable({ metrics }: { metrics: Metrics }) {
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
          <td className="num">{pct(metrics.macroF1)}</td>
          <td className="num">{metrics.n}</td>
          <td />
        </tr>
        <tr>
          <th scope="row">{t('eval.metric.micro')}</th>
          <td className="num">{pct(metrics.micro.precision)}</td>
          <td className="num">{pct(metrics.micro.recall)}</td>
          <td className="num">{pct(metrics.microF1)}</td>
          <td />
          <td />
        </tr>
      </tfoot>
    </table>
  );
}

/** Accuracy / macro-F1 / micro-F1 without and with calibration, from the same model outputs. */
function CalibrationComparison({ both, mode }: { both: Record<CalibrationMode, Metrics>; mode: CalibrationMode }) {
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
              <td className={`num big${mode === 'uncalibrated' ? ' current' : ''}`}>{pct(a)}</td>
              <td className={`num big${mode === 'calibrated' ? ' current' : ''}`}>{pct(b)}</td>
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

function ModeSwitch({ mode }: { mode: CalibrationMode }) {
  const t = useT();
  const setMode = useEvaluation((s) => s.setMode);
  return (
    <div className="eval-segmented" role="group" aria-label={t('eval.mode.aria')}>
      {(['uncalibrated', 'calibrated'] as const).map((m) => (
        <button
          key={m}
          className={mode === m ? 'active' : undefined}
          aria-pressed={mode === m}
          onClick={() => setMode(m)}
        >
          {t(m === 'calibrated' ? 'eval.mode.calibrated' : 'eval.mode.uncalibrated')}
        </button>
      ))}
    </div>
  );
}

export function ResultsPanel() {
  const t = useT();
  const locale = usePrefs((s) => s.locale);
  const run = useEvaluation((s) => s.run.result);
  const status = useEvaluation((s) => s.run.status);
  const meta = useEvaluation((s) => s.run.meta);
  const view = useEvaluation((s) => s.view);
  const { setViewSource, selectCell } = useEvaluation.getState();
  if (!run || run.done === 0 || status === 'running' || status === 'preparing') return null;
  return (
    <Results run={run} meta={meta} view={view} t={t} locale={locale} onSource={setViewSource} onCell={selectCell} />
  );
}

function Results({
  run,
  meta,
  view,
  t,
  locale,
  onSource,
  onCell,
}: {
  run: EvaluationRun;
  meta: ReturnType<typeof useEvaluation.getState>['run']['meta'];
  view: ReturnType<typeof useEvaluation.getState>['view'];
  t: Translate;
  locale: string;
  onSource(source: EvalSource): void;
  onCell(cell: [number, number] | null): void;
}) {
  const sources = useMemo(() => evalSources(run), [run]);
  const source: EvalSource = sources.includes(view.source) ? view.source : 0;
  const mode = view.mode;
  const outdated = useOutdated(run);
  const both = useMemo(
    () => ({
      uncalibrated: runMetrics(run, source, 'uncalibrated'),
      calibrated: runMetrics(run, source, 'calibrated'),
    }),
    [run, source],
  );
  const metrics = both[mode];
  const preds = useMemo(() => predictions(run, source, mode), [run, source, mode]);
  const labelIndex = useMemo(() => new Map(run.labels.map((l, i) => [l, i] as const)), [run]);
  const errors = useMemo(() => preds.filter((p) => !p.correct).sort((a, b) => b.confidence - a.confidence), [preds]);
  const cell = view.cell;
  const cellItems = useMemo(
    () =>
      cell
        ? preds
            .filter((p) => labelIndex.get(run.examples[p.example]!.gold) === cell[0] && p.predicted === cell[1])
            .sort((a, b) => b.confidence - a.confidence)
        : [],
    [cell, preds, labelIndex, run],
  );
  const uniformCount = useMemo(() => preds.filter((p) => p.uniform).length, [preds]);
  const hints = useMemo(
    () =>
      diagnose(metrics, {
        calibrated: mode === 'calibrated',
        other: mode === 'calibrated' ? both.uncalibrated : both.calibrated,
        uniformCount,
      }),
    [metrics, mode, both, uniformCount],
  );
  const balance = labelBalance(metrics);
  const comparison = useMemo(
    () =>
      run.templates.length > 1
        ? sources.map((s) => ({
            name: sourceLabel(t, run, s),
            text: s === 'ensemble' ? '' : run.templates[s]!.text,
            metrics: runMetrics(run, s, mode),
          }))
        : [],
    [run, mode, sources, t],
  );
  const stem = fileStem(run);
  const name = sourceLabel(t, run, source);
  const modeName = t(mode === 'calibrated' ? 'eval.mode.calibrated' : 'eval.mode.uncalibrated');

  return (
    <>
      <section
        className="panel eval-wide eval-results"
        aria-labelledby="eval-results-heading"
        data-testid="eval-results"
      >
        <h2 id="eval-results-heading">
          <span className="step">4</span>
          {t('eval.results.title')}
        </h2>
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
                  `${stem}-examples.csv`,
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
                downloadText(`${stem}-metrics.json`, reportJson(useEvaluation.getState()) ?? '', 'application/json')
              }
              data-testid="export-json"
            >
              {t('eval.export.json')}
            </button>
          </div>
        </div>
        {outdated ? <p className="message info">{t('eval.results.outdated')}</p> : null}

        <div className="row eval-view-bar">
          <span className="eval-control-label">{t('eval.results.sourceAria')}</span>
          <div className="eval-segmented" role="tablist" aria-label={t('eval.results.sourceAria')}>
            {sources.map((s) => (
              <button
                key={String(s)}
                role="tab"
                aria-selected={s === source}
                className={s === source ? 'active' : undefined}
                onClick={() => onSource(s)}
                title={s === 'ensemble' ? t('eval.results.ensembleHelp') : run.templates[s]!.text}
              >
                {sourceLabel(t, run, s)}
              </button>
            ))}
          </div>
          <span className="eval-control-label" style={{ marginLeft: 12 }}>
            {t('eval.mode.aria')}
          </span>
          <ModeSwitch mode={mode} />
        </div>
        {source !== 'ensemble' ? (
          <p className="hint">
            <code className="eval-template-text">{run.templates[source]!.text}</code>
          </p>
        ) : (
          <p className="hint">{t('eval.results.ensembleHelp')}</p>
        )}

        <div className="eval-grid-2">
          <div>
            <h3 className="eval-subtitle">{t('eval.results.calibrationCompare')}</h3>
            <CalibrationComparison both={both} mode={mode} />
            <p className="hint">{t('eval.results.calibrationHelp')}</p>
            <ContentFreeInputs maskToken={run.maskToken} />
          </div>
          <div>
            <h3 className="eval-subtitle">{t('eval.results.hints')}</h3>
            <Hints hints={hints} calibrated={mode === 'calibrated'} />
          </div>
        </div>

        <div className="eval-grid-2">
          <div>
            <h3 className="eval-subtitle">
              {t('eval.results.perLabel')} <span className="hint">· {modeName}</span>
            </h3>
            <PerLabelTable metrics={metrics} />
            <ChartFrame
              title={`${t('eval.results.perLabelChart')} — ${name}, ${modeName}`}
              fileName={`${stem}-per-label.png`}
              testId="per-label-chart"
            >
              <PerLabelChart metrics={metrics} />
            </ChartFrame>
          </div>
          <div>
            <ChartFrame
              title={`${t('eval.confusion.title')} — ${name}, ${modeName}`}
              fileName={`${stem}-confusion.png`}
              testId="confusion-frame"
            >
              <p className="hint" style={{ marginTop: 0 }}>
                {t('eval.confusion.help')}
              </p>
              <div className="eval-heatmap-wrap">
                <ConfusionHeatmap
                  metrics={metrics}
                  selected={cell}
                  onSelect={(c) => onCell(cell?.[0] === c[0] && cell[1] === c[1] ? null : c)}
                />
              </div>
            </ChartFrame>
            <ChartFrame
              title={`${t('eval.dist.title')} — ${name}, ${modeName}`}
              fileName={`${stem}-distribution.png`}
              testId="distribution-chart"
            >
              <DistributionChart metrics={metrics} />
              {balance.dominantGold >= 0 ? (
                <p className="message warning" data-testid="imbalance-warning">
                  {t('eval.dist.imbalanced', {
                    label: run.labels[balance.dominantGold]!,
                    share: pct(balance.gold[balance.dominantGold]! / Math.max(1, metrics.n), 0),
                  })}
                </p>
              ) : null}
              {balance.dominantPredicted >= 0 ? (
                <p className="message warning" data-testid="bias-warning">
                  {t('eval.dist.bias', {
                    label: run.labels[balance.dominantPredicted]!,
                    share: pct(balance.predicted[balance.dominantPredicted]! / Math.max(1, metrics.n), 0),
                  })}
                </p>
              ) : null}
            </ChartFrame>
          </div>
        </div>

        {cell ? (
          <div className="eval-cell-examples">
            <h3 className="eval-subtitle" data-testid="cell-title">
              {t('eval.confusion.cellTitle', {
                gold: run.labels[cell[0]]!,
                predicted: run.labels[cell[1]]!,
                n: count(cellItems.length, locale),
              })}{' '}
              <button className="btn small" onClick={() => onCell(null)}>
                {t('eval.confusion.close')}
              </button>
            </h3>
            <ExampleList
              key={`${cell[0]}-${cell[1]}-${String(source)}-${mode}`}
              run={run}
              source={source}
              items={cellItems}
              testId="cell-examples"
              empty={t('eval.confusion.cellEmpty')}
            />
          </div>
        ) : null}

        <h3 className="eval-subtitle">
          {t('eval.errors.title', { n: count(errors.length, locale) })}{' '}
          <span className="hint">· {t('eval.errors.sorted')}</span>
        </h3>
        <ExampleList
          key={`errors-${String(source)}-${mode}`}
          run={run}
          source={source}
          items={errors}
          testId="error-examples"
          empty={t('eval.errors.none')}
        />
      </section>

      {comparison.length > 0 ? (
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
                    <tr
                      key={i}
                      data-testid="comparison-row"
                      className={row.metrics.macroF1 === best ? 'best' : undefined}
                    >
                      <th scope="row">
                        {row.name}
                        {row.text ? (
                          <>
                            <br />
                            <code className="eval-template-text">{row.text}</code>
                          </>
                        ) : null}
                      </th>
                      <td className="num big">{pct(row.metrics.accuracy)}</td>
                      <td className="num big">{pct(row.metrics.macroF1)}</td>
                      <td className="num big">{pct(row.metrics.microF1)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <ChartFrame
              title={`${t('eval.compare.title')} — ${modeName}`}
              fileName={`${stem}-templates.png`}
              testId="comparison-chart"
            >
              <ComparisonChart rows={comparison} />
            </ChartFrame>
          </div>
        </section>
      ) : null}
    </>
  );
}
