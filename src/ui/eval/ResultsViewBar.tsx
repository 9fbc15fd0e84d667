import type { EvaluationRun } from '../../core/evaluation';
import type { CalibrationMode, EvalSource } from '../../core/evaluation-results';
import { useT } from '../i18n';
import { ModeSwitch } from './ModeSwitch';
import { sourceLabel } from './sourceLabel';

/** Which source the results show (a template, or the ensemble of all) and in which calibration mode. */
export function ResultsViewBar({
  run,
  sources,
  source,
  mode,
  onSource,
}: {
  run: EvaluationRun;
  sources: EvalSource[];
  source: EvalSource;
  mode: CalibrationMode;
  onSource(source: EvalSource): void;
}) {
  const t = useT();
  return (
    <>
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
    </>
  );
}
