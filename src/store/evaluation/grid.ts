// The grid slice: the setup's evaluation grid (setup.grid) on the loaded data, through the core grid
// runner (core/grid-run.ts) on the runtime's 'eval' lane, with progress and Cancel; a cell opens in
// the results panel as an evaluation run of its own.
//
// Models: the browser runs the grid's cells of the loaded model (the setup's). Cells of other models
// are not run here — loading another model would replace the one the playground and evaluation use,
// mid-job — and say so: the CLI (`clozelab eval --grid`) loads every model of a grid in turn.
import { cellRun, runGrid, type GridProgress, type GridResult } from '../../core/grid-run.ts';
import type { GridCellKey } from '../../core/grid.ts';
import { CACHE_LIMITS } from '../../core/pipeline.ts';
import { modelKey } from '../../core/setup.ts';
import { toFailure } from '../failure.ts';
import { EVAL_LANE } from './run.ts';
import { idleRun, runMeta, stopOtherModelJobs, type RunMeta, type RunStatus, type SliceContext } from './state.ts';

export interface GridRunState {
  status: RunStatus;
  progress: GridProgress | null;
  /** The grid as far as it ran (a new object on every progress report). */
  result: GridResult | null;
  error: string | null;
  errorCode: string;
  /** The cell shown in the results panel. */
  openCell: GridCellKey | null;
  meta: RunMeta | null;
}

export interface GridSlice {
  gridRun: GridRunState;
  startGrid(): Promise<void>;
  cancelGrid(): void;
  /** Shows a cell's full results in the results panel (its template, verbalizer and calibration). */
  openGridCell(key: GridCellKey): void;
}

export const idleGridRun = (): GridRunState => ({
  status: 'idle',
  progress: null,
  result: null,
  error: null,
  errorCode: 'unknown',
  openCell: null,
  meta: null,
});

/** Code of a model the browser grid does not run (the UI says to use the CLI). */
export const GRID_MODEL_NOT_LOADED = 'grid-model-not-loaded';
const PROGRESS_INTERVAL_MS = 100;

export function gridSlice({ set, get, deps, work }: SliceContext): GridSlice {
  return {
    gridRun: idleGridRun(),

    startGrid: async () => {
      const { examples, dataset, source, mappingProblems } = get();
      const { model, setup } = deps.workspace.getState();
      if (!dataset || examples.length === 0 || !source || setup.grid === null) return;
      const live = deps.pipeline();
      if (model.status !== 'ready' || !model.info || !live || model.ref?.id !== setup.model.id) {
        set({ gridRun: { ...idleGridRun(), status: 'failed', error: 'no-model', errorCode: 'no-model' } });
        return;
      }
      const { signal, isCurrent } = work.grid.begin();
      stopOtherModelJobs(work, 'grid');
      const info = model.info;
      const meta = runMeta(info, source.name, dataset.problems.length + mappingProblems.length);
      set({ gridRun: { ...idleGridRun(), status: 'running', meta } });
      const loaded = modelKey(setup.model);
      let last = 0;
      try {
        const result = await runGrid({
          setup,
          examples,
          lane: EVAL_LANE,
          signal,
          yieldNow: deps.nextSlice,
          // The setup's model and the second model (its own worker) are loaded in this page; other
          // models of the grid are the command line's (a load here would replace the playground's model).
          modelFor: (ref) => {
            const second = deps.secondModel?.() ?? null;
            const pipeline =
              modelKey(ref) === loaded
                ? live
                : second && modelKey(second.ref) === modelKey(ref)
                  ? second.pipeline
                  : null;
            return Promise.resolve(
              pipeline
                ? { ok: true, pipeline: pipeline.withOwnCache(CACHE_LIMITS.evaluation) }
                : { ok: false, error: ref.id, code: GRID_MODEL_NOT_LOADED },
            );
          },
          onProgress: (progress, r) => {
            const t = performance.now();
            if (!isCurrent() || t - last < PROGRESS_INTERVAL_MS) return;
            last = t;
            set((s) => ({ gridRun: { ...s.gridRun, progress, result: { ...r, models: [...r.models] } } }));
          },
        });
        if (!isCurrent()) return;
        set((s) => ({
          gridRun: {
            ...s.gridRun,
            status: result.status,
            result: { ...result, models: [...result.models] },
            error: result.status === 'failed' ? (result.models.find((m) => m.error)?.error ?? null) : null,
            errorCode: result.models.find((m) => m.errorCode)?.errorCode ?? 'unknown',
          },
        }));
      } catch (error) {
        if (!isCurrent()) return;
        const failure = toFailure(error);
        set((s) => ({ gridRun: { ...s.gridRun, status: 'failed', error: failure.message, errorCode: failure.code } }));
      }
    },

    cancelGrid: () => work.grid.abort(),

    openGridCell: (key) => {
      const { gridRun } = get();
      const run = gridRun.result ? cellRun(gridRun.result, key) : null;
      if (!run) return;
      const done = {
        done: run.done,
        total: run.examples.length,
        elapsedMs: run.stats.elapsedMs,
        promptsRun: run.stats.promptsRun,
        promptsReused: run.stats.promptsReused,
      };
      set((s) => ({
        run: { ...idleRun(), status: 'complete', progress: done, result: run, meta: gridRun.meta },
        view: { source: 0, mode: run.scoring.calibrate ? 'calibrated' : 'uncalibrated', cell: null },
        gridRun: { ...s.gridRun, openCell: key },
      }));
    },
  };
}
