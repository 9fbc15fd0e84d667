import { gridCsv, gridReport } from '../../core/grid-report';
import { effectiveGrid, gridAxes, planGrid } from '../../core/grid';
import { percent } from '../../core/percent';
import { MAIN_VERBALIZER, modelKey, type GridModel, type SetupGrid } from '../../core/setup';
import { GRID_MODEL_NOT_LOADED, useEvaluation } from '../../store/evaluation';
import { usePrefs } from '../../store/prefs';
import { useWorkspace } from '../../store/workspace';
import { downloadText } from '../download';
import { useT } from '../i18n';
import { count } from './format';
import { GridHeatmap } from './GridHeatmap';
import { VariantEditor } from './VariantEditor';

/** Adds or removes `value` on one axis, keeping the setup's order and at least one entry. */
function toggled<T>(list: readonly T[], value: T, all: readonly T[], same = (a: T, b: T) => a === b): T[] {
  const has = list.some((x) => same(x, value));
  const next = has
    ? list.filter((x) => !same(x, value))
    : all.filter((x) => list.some((y) => same(x, y)) || same(x, value));
  return next.length > 0 ? next : [...list];
}

const sameModel = (a: GridModel, b: GridModel) =>
  typeof a === 'string' || typeof b === 'string' ? a === b : modelKey(a) === modelKey(b);

/**
 * Evaluation grids: templates × verbalizers (the main one and named variants) × models ×
 * calibration, run as one job with shared forward passes; a heatmap of accuracy / macro-F1 whose
 * cells open their full results in the results panel. The browser runs the loaded model's cells;
 * other models' cells say to use `clozelab eval --grid`, which loads each model in turn.
 */
export function GridPanel() {
  const t = useT();
  const locale = usePrefs((s) => s.locale);
  const setup = useWorkspace((s) => s.setup);
  const model = useWorkspace((s) => s.model);
  const examples = useEvaluation((s) => s.examples);
  const gridRun = useEvaluation((s) => s.gridRun);
  const { startGrid, cancelGrid, openGridCell } = useEvaluation.getState();
  const { setGrid } = useWorkspace.getState();
  const running = gridRun.status === 'running';
  const grid: SetupGrid | null = setup.grid;
  const ready = model.status === 'ready' && model.ref?.id === setup.model.id;

  const update = (patch: Partial<SetupGrid>) => setGrid({ ...(grid ?? effectiveGrid(setup)), ...patch });
  const axes = grid ? gridAxes(setup, grid) : null;
  const plan = axes ? planGrid(axes, examples.length) : null;
  const verbalizers = [MAIN_VERBALIZER, ...setup.verbalizerVariants.map((v) => v.name)];
  const models: GridModel[] = ['setup', ...(setup.compareModel ? (['compare'] as const) : [])];
  const skipped = gridRun.result?.models.filter((m) => m.status === 'skipped') ?? [];

  return (
    <section className="panel" aria-labelledby="grid-heading" data-testid="grid-panel">
      <h2 id="grid-heading">{t('grid.title')}</h2>
      <p className="hint">{t('grid.help')}</p>
      <VariantEditor disabled={running} />
      {grid === null ? (
        <button className="btn" onClick={() => setGrid(effectiveGrid(setup))} data-testid="grid-define">
          {t('grid.define')}
        </button>
      ) : (
        <div className="grid-axes" data-testid="grid-axes">
          <fieldset>
            <legend>{t('grid.templates')}</legend>
            {setup.templates.map((tpl, i) => (
              <label key={tpl.id} className="check">
                <input
                  type="checkbox"
                  disabled={running}
                  checked={grid.templateIds.includes(tpl.id)}
                  onChange={() =>
                    update({
                      templateIds: toggled(
                        grid.templateIds,
                        tpl.id,
                        setup.templates.map((x) => x.id),
                      ),
                    })
                  }
                  data-testid="grid-template"
                />
                {tpl.name || t('template.tabName', { n: i + 1 })}
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>{t('grid.verbalizers')}</legend>
            {verbalizers.map((name) => (
              <label key={name} className="check">
                <input
                  type="checkbox"
                  disabled={running}
                  checked={grid.verbalizers.includes(name)}
                  onChange={() => update({ verbalizers: toggled(grid.verbalizers, name, verbalizers) })}
                  data-testid="grid-verbalizer"
                />
                {name === MAIN_VERBALIZER ? t('grid.mainVerbalizer') : name}
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>{t('grid.models')}</legend>
            {models.map((m) => (
              <label key={typeof m === 'string' ? m : modelKey(m)} className="check">
                <input
                  type="checkbox"
                  disabled={running}
                  checked={grid.models.some((x) => sameModel(x, m))}
                  onChange={() => update({ models: toggled(grid.models, m, models, sameModel) })}
                />
                {m === 'setup' ? setup.model.id : setup.compareModel?.id}
              </label>
            ))}
            {grid.models
              .filter((m) => typeof m !== 'string')
              .map((m) => (
                <span key={modelKey(m)} className="badge">
                  {m.id}
                </span>
              ))}
            <p className="hint">{t('grid.modelsHelp')}</p>
          </fieldset>
          <fieldset>
            <legend>{t('grid.calibration')}</legend>
            {[false, true].map((c) => (
              <label key={String(c)} className="check">
                <input
                  type="checkbox"
                  disabled={running}
                  checked={grid.calibration.includes(c)}
                  onChange={() => update({ calibration: toggled(grid.calibration, c, [false, true]) })}
                  data-testid="grid-calibration"
                />
                {c ? t('grid.calibrated') : t('grid.uncalibrated')}
              </label>
            ))}
          </fieldset>
          <button className="btn small" disabled={running} onClick={() => setGrid(null)}>
            {t('grid.remove')}
          </button>
        </div>
      )}
      {grid && plan ? (
        <p className="hint" data-testid="grid-plan">
          {t('grid.plan', {
            cells: plan.cells,
            examples: count(examples.length, locale),
            shared: count(plan.sharedPrompts, locale),
            separate: count(plan.separatePrompts, locale),
          })}
        </p>
      ) : null}
      <div className="row">
        <button
          className="btn primary"
          disabled={grid === null || !ready || examples.length === 0 || running}
          onClick={() => void startGrid()}
          data-testid="grid-run"
        >
          {t('grid.run')}
        </button>
        {running ? (
          <button className="btn" onClick={cancelGrid} data-testid="grid-cancel">
            {t('eval.run.cancel')}
          </button>
        ) : null}
      </div>
      {running && gridRun.progress ? (
        <div data-testid="grid-progress">
          <progress
            max={gridRun.progress.total * gridRun.progress.models}
            value={gridRun.progress.model * gridRun.progress.total + gridRun.progress.done}
            aria-label={t('grid.progressAria')}
          />{' '}
          {t('grid.progress', {
            done: gridRun.progress.done,
            total: gridRun.progress.total,
            prompts: count(gridRun.progress.promptsRun, locale),
          })}
        </div>
      ) : null}
      {gridRun.status === 'cancelled' ? <p className="message warning">{t('grid.cancelled')}</p> : null}
      {gridRun.status === 'failed' ? (
        <p className="message error" role="alert">
          {gridRun.errorCode === 'no-model' ? t('eval.run.needModel') : (gridRun.error ?? gridRun.errorCode)}
        </p>
      ) : null}
      {skipped.map((m) => (
        <p key={modelKey(m.model)} className="message warning" data-testid="grid-model-skipped">
          {m.errorCode === GRID_MODEL_NOT_LOADED
            ? t('grid.modelNotRun', { model: m.model.id })
            : `${m.model.id}: ${m.error ?? ''}`}
        </p>
      ))}
      {gridRun.result ? (
        <>
          <p className="hint" data-testid="grid-stats">
            {t('grid.stats', {
              prompts: count(gridRun.result.stats.promptsRun, locale),
              reused: count(gridRun.result.stats.promptsReused, locale),
              done: percent(
                gridRun.result.models.reduce((s, m) => s + (m.run?.done ?? 0), 0) /
                  Math.max(1, gridRun.result.examples * gridRun.result.models.length),
              ),
            })}
          </p>
          <GridHeatmap result={gridRun.result} open={gridRun.openCell} onOpen={openGridCell} />
          <div className="row">
            <button
              className="btn small"
              onClick={() => downloadText('clozelab-grid.csv', gridCsv(gridRun.result!), 'text/csv')}
              data-testid="grid-export-csv"
            >
              {t('grid.exportCsv')}
            </button>
            <button
              className="btn small"
              onClick={() =>
                downloadText(
                  'clozelab-grid.json',
                  `${JSON.stringify(gridReport(gridRun.result!), null, 2)}\n`,
                  'application/json',
                )
              }
              data-testid="grid-export-json"
            >
              {t('grid.exportJson')}
            </button>
          </div>
          {gridRun.openCell ? <p className="hint">{t('grid.openHint')}</p> : null}
        </>
      ) : null}
    </section>
  );
}
