import { isTestModelId } from '../../core/models';
import { parseTemplate } from '../../core/template';
import { loadModel } from '../../store/runtime';
import { usePrefs } from '../../store/prefs';
import { useEvaluation } from '../../store/evaluation';
import { useWorkspace } from '../../store/workspace';
import { RuntimeErrorText } from '../components/RuntimeErrorText';
import { useT, type MessageKey } from '../i18n';
import { useIssueText } from '../i18n/issues';
import { count, duration } from './format';
import { NoExamplesHint } from './NoExamplesHint';
import { percent } from '../../core/percent';
import { RunProgress } from './RunProgress';
import { StepHeading } from '../components/StepHeading';

const AGGREGATION_KEYS: Record<string, MessageKey> = {
  sum: 'scoring.aggregation.sum',
  mean: 'scoring.aggregation.mean',
  max: 'scoring.aggregation.max',
  'logit-mean': 'scoring.aggregation.logitMean',
};

/** Step 3: which model and templates, the Run button, progress and Cancel. */
export function RunPanel() {
  const t = useT();
  const issues = useIssueText();
  const locale = usePrefs((s) => s.locale);
  const setup = useWorkspace((s) => s.setup);
  const model = useWorkspace((s) => s.model);
  const examples = useEvaluation((s) => s.examples);
  const building = useEvaluation((s) => s.building);
  const selected = useEvaluation((s) => s.selectedTemplates);
  const run = useEvaluation((s) => s.run);
  const fewShotStatus = useEvaluation((s) => s.fewShot.status);
  const { startRun, cancelRun, toggleTemplate } = useEvaluation.getState();
  const ready = model.status === 'ready' && model.info !== null && model.ref?.id === setup.model.id;
  const running = run.status === 'running' || run.status === 'preparing';
  const chosen = setup.templates.filter((tpl) => selected === null || selected.includes(tpl.id));
  const validChosen = chosen.filter((tpl) => parseTemplate(tpl.text).ok);
  const fewShotRunning = fewShotStatus === 'running' || fewShotStatus === 'preparing';
  const canRun = ready && examples.length > 0 && validChosen.length > 0 && !running && !building && !fewShotRunning;
  const progress = run.progress;
  const seconds = progress ? progress.elapsedMs / 1000 : 0;
  const rate = progress && seconds > 0 ? progress.done / seconds : 0;
  const eta = progress && rate > 0 ? (progress.total - progress.done) / rate : NaN;

  return (
    <section className="panel" aria-labelledby="eval-run-heading">
      <StepHeading id="eval-run-heading" step={3}>
        {t('eval.run.title')}
      </StepHeading>
      <div className="row" data-testid="eval-model">
        <span className="hint" style={{ margin: 0 }}>
          {t('eval.run.model')}
        </span>
        <strong className="mono">{setup.model.id}</strong>
        {isTestModelId(setup.model.id) ? <span className="badge test">{t('model.testBadge')}</span> : null}
        {ready && model.info ? (
          <>
            <span className="badge ok">● {t('model.ready')}</span>
            <span className="badge">{model.info.device.toUpperCase()}</span>
            <span className="badge">{model.info.dtype}</span>
          </>
        ) : model.status === 'loading' ? (
          <span className="badge">
            <span className="pending-dot" /> {t('model.loading')}
          </span>
        ) : (
          <button className="btn small primary" onClick={() => void loadModel(setup.model)}>
            {t('model.load')}
          </button>
        )}
      </div>
      <p className="hint">{t('eval.run.modelHelp')}</p>

      <fieldset className="eval-templates">
        <legend>{t('eval.run.templates')}</legend>
        {setup.templates.map((tpl, i) => {
          const valid = parseTemplate(tpl.text).ok;
          return (
            <label key={tpl.id} className="check eval-template-choice">
              <input
                type="checkbox"
                checked={selected === null || selected.includes(tpl.id)}
                onChange={() => toggleTemplate(tpl.id)}
                disabled={running}
              />
              <span>
                <strong>{tpl.name || t('template.tabName', { n: i + 1 })}</strong>{' '}
                <code className="eval-template-text">{tpl.text}</code>
                {!valid ? (
                  <span className="badge" style={{ color: 'var(--error)', marginLeft: 6 }}>
                    {t('eval.run.invalidTemplate')}
                  </span>
                ) : null}
              </span>
            </label>
          );
        })}
      </fieldset>
      <p className="hint">
        {t('eval.run.scoring', {
          aggregation: t(AGGREGATION_KEYS[setup.scoring.aggregation]!),
          labels: setup.verbalizer.labels.map((l) => l.label).join(', '),
        })}
      </p>

      <div className="row" style={{ marginTop: 10 }}>
        <button
          className="btn primary eval-run-button"
          onClick={() => void startRun()}
          disabled={!canRun}
          data-testid="eval-run"
        >
          {t('eval.run.start', { n: count(examples.length, locale), templates: validChosen.length })}
        </button>
        {running ? (
          <button className="btn" onClick={cancelRun} data-testid="eval-cancel">
            {t('eval.run.cancel')}
          </button>
        ) : null}
        {!ready ? (
          <span className="hint">{t('eval.run.needModel')}</span>
        ) : examples.length === 0 ? (
          <NoExamplesHint />
        ) : null}
      </div>

      {running || (progress && run.status !== 'idle') ? (
        <RunProgress
          testId="eval-progress"
          label={t('eval.run.progressAria')}
          done={progress?.done ?? 0}
          total={progress?.total ?? 0}
        >
          {run.status === 'preparing'
            ? t('eval.run.preparing')
            : progress
              ? t('eval.run.progress', {
                  done: count(progress.done, locale),
                  total: count(progress.total, locale),
                  rate: rate >= 10 ? Math.round(rate) : rate.toFixed(1),
                  eta: running && Number.isFinite(eta) ? t('eval.run.eta', { time: duration(eta) }) : duration(seconds),
                })
              : null}
        </RunProgress>
      ) : null}
      {run.status === 'cancelled' && run.result ? (
        <p className="message warning" role="status" data-testid="eval-cancelled">
          {t('eval.run.cancelled', {
            done: count(run.result.done, locale),
            total: count(run.result.examples.length, locale),
            share: percent(run.result.done / Math.max(1, run.result.examples.length), 0),
          })}
        </p>
      ) : null}
      {run.status === 'failed' ? (
        <p className="message error" role="alert" data-testid="eval-failed">
          {run.error === 'no-model' ? (
            t('eval.run.needModel')
          ) : run.error === 'no-template' ? (
            t('eval.run.noValidTemplate')
          ) : (
            <>
              {t('eval.run.failed', { done: count(run.result?.done ?? 0, locale) })}{' '}
              <RuntimeErrorText failure={{ code: run.errorCode, message: run.error ?? '' }} />
            </>
          )}
        </p>
      ) : null}
      {run.templateProblems.map((p) => (
        <p key={p.id} className="message warning">
          {t('eval.run.templateSkipped', {
            name: p.name || p.id,
            message: p.errors.map((e) => issues.text(e)).join(' '),
          })}
        </p>
      ))}
    </section>
  );
}
