import { formatDemoTemplateIssue } from '../../../core/demo-template';
import { parseTemplate } from '../../../core/template';
import { useEvaluation } from '../../../store/evaluation';
import { usePrefs } from '../../../store/prefs';
import { useWorkspace } from '../../../store/workspace';
import { RuntimeErrorText } from '../../components/RuntimeErrorText';
import { StepHeading } from '../../components/StepHeading';
import { useT, type MessageKey } from '../../i18n';
import { useIssueText } from '../../i18n/issues';
import { count, duration } from '../format';
import { NoExamplesHint } from '../NoExamplesHint';
import { FewShotControls } from './FewShotControls';
import { FewShotPresetSettings } from './FewShotPresetSettings';
import { RunProgress } from '../RunProgress';
import { FewShotResults } from './FewShotResults';

const PHASE_KEYS: Record<string, MessageKey> = {
  'zero-shot': 'fewshot.phase.zeroShot',
  demonstrations: 'fewshot.phase.demonstrations',
  tuning: 'fewshot.phase.tuning',
};

/** The few-shot tab: settings, Run / Cancel with progress, and the learning curve. */
export function FewShotPanel() {
  const t = useT();
  const issues = useIssueText();
  const locale = usePrefs((s) => s.locale);
  const setup = useWorkspace((s) => s.setup);
  const model = useWorkspace((s) => s.model);
  const examples = useEvaluation((s) => s.examples);
  const building = useEvaluation((s) => s.building);
  const selected = useEvaluation((s) => s.selectedTemplates);
  const evalStatus = useEvaluation((s) => s.run.status);
  const fewShot = useEvaluation((s) => s.fewShot);
  const settings = useEvaluation((s) => s.fewShotSettings);
  const { startFewShot, cancelFewShot } = useEvaluation.getState();
  const ready = model.status === 'ready' && model.info !== null && model.ref?.id === setup.model.id;
  const running = fewShot.status === 'running' || fewShot.status === 'preparing';
  const evalRunning = evalStatus === 'running' || evalStatus === 'preparing';
  const validChosen = setup.templates.filter(
    (tpl) => (selected === null || selected.includes(tpl.id)) && parseTemplate(tpl.text).ok,
  );
  const canRun = ready && examples.length > 0 && validChosen.length > 0 && !running && !evalRunning && !building;
  const { config } = settings;
  const progress = fewShot.progress;

  return (
    <section className="panel eval-wide fewshot" aria-labelledby="fewshot-heading" data-testid="fewshot-panel">
      <StepHeading id="fewshot-heading" step={4}>
        {t('fewshot.title')}
      </StepHeading>
      <p className="hint" style={{ marginTop: 0 }}>
        {t('fewshot.intro')}
      </p>
      <p className="message info fewshot-frozen" data-testid="fewshot-frozen">
        {t('fewshot.frozen')}
      </p>
      <FewShotPresetSettings disabled={running} />
      <FewShotControls disabled={running} />

      <div className="row" style={{ marginTop: 12 }}>
        <button
          className="btn primary"
          onClick={() => void startFewShot()}
          disabled={!canRun}
          data-testid="fewshot-run"
        >
          {t('fewshot.run.start', {
            ks: config.ks.length,
            seeds: config.seeds.length,
            methods: config.methods.length,
          })}
        </button>
        {running ? (
          <button className="btn" onClick={cancelFewShot} data-testid="fewshot-cancel">
            {t('eval.run.cancel')}
          </button>
        ) : null}
        {!ready ? (
          <span className="hint">{t('eval.run.needModel')}</span>
        ) : examples.length === 0 ? (
          <NoExamplesHint />
        ) : validChosen.length === 0 ? (
          <span className="hint">{t('eval.run.noValidTemplate')}</span>
        ) : evalRunning ? (
          <span className="hint">{t('fewshot.run.evalRunning')}</span>
        ) : null}
      </div>
      <p className="hint">
        {t('fewshot.run.templates', {
          active: validChosen[0]?.name || validChosen[0]?.id || '—',
          n: validChosen.length,
        })}
      </p>

      {running || (progress && fewShot.status !== 'idle') ? (
        <RunProgress
          testId="fewshot-progress"
          label={t('fewshot.run.progressAria')}
          done={progress?.done ?? 0}
          total={progress?.total ?? 0}
        >
          {fewShot.status === 'preparing' || !progress
            ? t('eval.run.preparing')
            : t('fewshot.run.progress', {
                phase: t(PHASE_KEYS[progress.phase] ?? 'fewshot.phase.zeroShot'),
                done: count(progress.done, locale),
                total: count(progress.total, locale),
                run: count(progress.stats.promptsRun, locale),
                reused: count(progress.stats.promptsReused, locale),
                naive: count(progress.stats.naivePrompts, locale),
                time: duration(progress.stats.elapsedMs / 1000),
              })}
        </RunProgress>
      ) : null}
      {fewShot.status === 'cancelled' ? (
        <p className="message warning" role="status" data-testid="fewshot-cancelled">
          {t('fewshot.run.cancelled', { cells: count(fewShot.result?.cells.length ?? 0, locale) })}
        </p>
      ) : null}
      {fewShot.status === 'failed' ? (
        <p className="message error" role="alert" data-testid="fewshot-failed">
          {fewShot.error === 'no-model' ? (
            t('eval.run.needModel')
          ) : fewShot.error === 'no-template' ? (
            t('fewshot.run.activeInvalid')
          ) : fewShot.error === 'no-test-file' ? (
            t('fewshot.run.noTestFile')
          ) : (
            <>
              {t('fewshot.run.failed', { cells: count(fewShot.result?.cells.length ?? 0, locale) })}{' '}
              <RuntimeErrorText failure={{ code: fewShot.errorCode, message: fewShot.error ?? '' }} />
            </>
          )}
        </p>
      ) : null}
      {fewShot.demoErrors.length > 0 ? (
        <p className="message warning" data-testid="fewshot-demo-errors">
          {t('fewshot.run.demoErrors', {
            message: fewShot.demoErrors.map((e) => formatDemoTemplateIssue(e, locale)).join(' '),
          })}
        </p>
      ) : null}
      {fewShot.templateProblems.map((p) => (
        <p key={p.id} className="message warning">
          {t('eval.run.templateSkipped', {
            name: p.name || p.id,
            message: p.errors.map((e) => issues.text(e)).join(' '),
          })}
        </p>
      ))}

      {fewShot.result && !running ? <FewShotResults result={fewShot.result} /> : null}
    </section>
  );
}
