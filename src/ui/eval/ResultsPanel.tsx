import { useEffect, useMemo, useRef, useState } from 'react';
import { diagnose, labelsWithoutWords } from '../../core/diagnosis';
import type { EvaluationRun } from '../../core/evaluation';
import {
  evalSources,
  predictions,
  runMetrics,
  smallSampleNote,
  truncationNote,
  truncationSummary,
  type EvalSource,
} from '../../core/evaluation-results';
import { useIssueText } from '../i18n/issues';
import { usePrefs } from '../../store/prefs';
import { useEvaluation, type RunMeta } from '../../store/evaluation';
import { useT, type Translate } from '../i18n';
import { ChartFrame, DistributionChart, PerLabelChart } from './Charts';
import { ConfusionHeatmap } from './ConfusionHeatmap';
import { ExampleList } from './ExampleList';
import { ContentFreeInputs } from '../components/ContentFreeInputs';
import { count } from './format';
import { Hints } from './Hints';
import { CalibrationComparison, PerLabelTable } from './MetricTables';
import { BalanceWarnings } from './BalanceWarnings';
import { ResultsHeader } from './ResultsHeader';
import { ResultsViewBar } from './ResultsViewBar';
import { TemplateComparison } from './TemplateComparison';
import { sourceLabel } from './sourceLabel';
import { useOutdated } from './useOutdated';
import { StepHeading } from '../components/StepHeading';

function fileStem(run: EvaluationRun): string {
  return `clozelab-eval-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}-${run.done}`;
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
  meta: RunMeta | null;
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
  const issues = useIssueText();
  const truncated = useMemo(() => truncationNote(truncationSummary(run), 'browser'), [run]);
  const both = useMemo(
    () => ({
      uncalibrated: runMetrics(run, source, 'uncalibrated'),
      calibrated: runMetrics(run, source, 'calibrated'),
    }),
    [run, source],
  );
  const metrics = both[mode];
  const smallSample = smallSampleNote(metrics.n);
  const preds = useMemo(() => predictions(run, source, mode), [run, source, mode]);
  const labelIndex = useMemo(() => new Map(run.labels.map((l, i) => [l, i] as const)), [run]);
  const errors = useMemo(() => preds.filter((p) => !p.correct).sort((a, b) => b.confidence - a.confidence), [preds]);
  const cell = view.cell;
  // Choosing a cell (click, Enter or Space) brings its examples into view, far below the matrix,
  // and puts the keyboard on their heading; Back / Close return it to the cell.
  const cellHeading = useRef<HTMLHeadingElement>(null);
  const matrix = useRef<HTMLDivElement>(null);
  const [cellRequest, setCellRequest] = useState(0);
  useEffect(() => {
    if (cellRequest === 0) return;
    const heading = cellHeading.current;
    heading?.scrollIntoView({ block: 'start' });
    heading?.focus({ preventScroll: true });
  }, [cellRequest]);
  const chooseCell = (c: [number, number]) => {
    onCell(c);
    setCellRequest((n) => n + 1);
  };
  const focusMatrixCell = (c: [number, number]) => {
    const el = matrix.current?.querySelector<SVGGElement>(`[data-cell="${c[0]}-${c[1]}"]`);
    el?.scrollIntoView({ block: 'center' });
    el?.focus({ preventScroll: true });
  };
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
        labelsWithoutWords: labelsWithoutWords(run, source),
      }),
    [metrics, mode, both, uniformCount, run, source],
  );
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
        <StepHeading id="eval-results-heading" step={4}>
          {t('eval.results.title')}
        </StepHeading>
        <ResultsHeader run={run} meta={meta} locale={locale} fileStem={stem} />
        {outdated ? <p className="message info">{t('eval.results.outdated')}</p> : null}
        {truncated ? (
          <p className="message warning" role="status" data-testid="eval-truncation">
            {issues.text(truncated)}
          </p>
        ) : null}

        {smallSample ? (
          <p className="message info" data-testid="small-sample-note">
            {issues.text(smallSample)}
          </p>
        ) : null}

        <ResultsViewBar run={run} sources={sources} source={source} mode={mode} onSource={onSource} />

        <div className="eval-grid-2">
          <div>
            <h3 className="eval-subtitle">{t('eval.results.calibrationCompare')}</h3>
            <CalibrationComparison both={both} mode={mode} />
            <p className="hint">{t('eval.results.calibrationHelp')}</p>
            <ContentFreeInputs maskToken={run.maskToken} />
          </div>
          <div>
            <h3 className="eval-subtitle">{t('eval.results.hints')}</h3>
            <Hints hints={hints} />
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
            <p className="hint" style={{ marginBottom: 0 }}>
              {t('eval.confusion.help')}
            </p>
            <ChartFrame
              title={`${t('eval.confusion.title')} — ${name}, ${modeName}`}
              fileName={`${stem}-confusion.png`}
              testId="confusion-frame"
            >
              <div className="eval-heatmap-wrap" ref={matrix}>
                <ConfusionHeatmap metrics={metrics} selected={cell} onSelect={chooseCell} />
              </div>
            </ChartFrame>
            <ChartFrame
              title={`${t('eval.dist.title')} — ${name}, ${modeName}`}
              fileName={`${stem}-distribution.png`}
              testId="distribution-chart"
            >
              <DistributionChart metrics={metrics} />
            </ChartFrame>
            <BalanceWarnings labels={run.labels} metrics={metrics} />
          </div>
        </div>

        {cell ? (
          <div className="eval-cell-examples">
            <div className="eval-cell-head">
              <h3 className="eval-subtitle" data-testid="cell-title" ref={cellHeading} tabIndex={-1}>
                {t('eval.confusion.cellTitle', {
                  gold: run.labels[cell[0]]!,
                  predicted: run.labels[cell[1]]!,
                  n: count(cellItems.length, locale),
                })}
              </h3>
              <button className="btn small" data-testid="cell-back" onClick={() => focusMatrixCell(cell)}>
                {t('eval.confusion.back')}
              </button>
              <button
                className="btn small"
                onClick={() => {
                  onCell(null);
                  focusMatrixCell(cell);
                }}
              >
                {t('eval.confusion.close')}
              </button>
            </div>
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

      {comparison.length > 0 ? <TemplateComparison rows={comparison} modeName={modeName} fileStem={stem} /> : null}
    </>
  );
}
