// The run slice: every chosen template on every example, through the loaded model's scoring
// pipeline on the runtime's 'eval' lane, with progress and Cancel. A cancelled or failed run
// keeps what it finished; a newer run (or new data) makes an older one stale.
import { runEvaluation } from '../../core/evaluation.ts';
import { CACHE_LIMITS, PASSES } from '../../core/pipeline.ts';
import { isCancellation } from '../../runtime/errors.ts';
import { toFailure } from '../failure.ts';
import { chosenTemplates, setupLabels } from './chosen-templates.ts';
import { idleRun, idleSearch, runMeta, stopOtherModelJobs, type RunSlice, type SliceContext } from './state.ts';

export const EVAL_LANE = PASSES.evaluation.lane;
/** At most ~10 repaints a second: progress can arrive every few milliseconds. */
const PROGRESS_INTERVAL_MS = 100;

export function runSlice({ set, get, deps, work }: SliceContext): RunSlice {
  return {
    run: idleRun(),

    startRun: async () => {
      const { examples, dataset, mappingProblems, source, fewShot } = get();
      const { model, setup } = deps.workspace.getState();
      if (!dataset || examples.length === 0 || !source) return;
      // One model job at a time: a few-shot run in progress comes first.
      if (fewShot.status === 'preparing' || fewShot.status === 'running') return;
      const livePipeline = deps.pipeline();
      if (model.status !== 'ready' || !model.facts || !model.info || !livePipeline) {
        set({ run: { ...idleRun(), status: 'failed', error: 'no-model' } });
        return;
      }
      const { signal, isCurrent } = work.run.begin();
      stopOtherModelJobs(work, 'run');
      const info = model.info;
      // The model's scoring pipeline with a cache of this run's own (the live view keeps its cache).
      const pipeline = livePipeline.withOwnCache(CACHE_LIMITS.evaluation);
      const meta = runMeta(info, source.name, dataset.problems.length + mappingProblems.length);
      set({
        run: { ...idleRun(), status: 'preparing', meta },
        labelSearch: idleSearch(),
        view: { ...get().view, cell: null },
        panel: 'results', // the run's results are what the user asked to see
      });
      try {
        const entries = chosenTemplates(setup, get().selectedTemplates).map(({ entry }) => entry);
        const { templates, problems } = await pipeline.bindTemplates(entries, setup.verbalizer);
        if (!isCurrent()) return;
        if (templates.length === 0) {
          set({ run: { ...idleRun(), status: 'failed', error: 'no-template', templateProblems: problems, meta } });
          return;
        }
        set((s) => ({
          run: {
            ...s.run,
            status: 'running',
            templateProblems: problems,
            progress: { done: 0, total: examples.length, elapsedMs: 0, promptsRun: 0, promptsReused: 0 },
          },
        }));
        let lastProgress = 0;
        const run = await runEvaluation({
          templates,
          examples,
          labels: setupLabels(setup),
          scoring: setup.scoring,
          pipeline,
          lane: EVAL_LANE,
          signal,
          yieldNow: deps.nextSlice,
          onProgress: (progress) => {
            const t = performance.now();
            if (!isCurrent() || (t - lastProgress < PROGRESS_INTERVAL_MS && progress.done < progress.total)) return;
            lastProgress = t;
            set((s) => ({ run: { ...s.run, progress } }));
          },
        });
        if (!isCurrent()) return;
        const progress = {
          done: run.done,
          total: run.examples.length,
          elapsedMs: run.stats.elapsedMs,
          promptsRun: run.stats.promptsRun,
          promptsReused: run.stats.promptsReused,
        };
        set((s) => ({
          run: {
            ...s.run,
            progress,
            status: run.status === 'running' ? 'complete' : run.status,
            result: run,
            error: run.error ?? null,
            errorCode: run.errorCode ?? 'unknown',
          },
          view: { source: 0, mode: setup.scoring.calibrate ? 'calibrated' : 'uncalibrated', cell: null },
        }));
      } catch (error) {
        if (!isCurrent()) return;
        const failure = toFailure(error);
        set((s) => ({
          run: {
            ...s.run,
            status: isCancellation(error) ? 'cancelled' : 'failed',
            error: isCancellation(error) ? null : failure.message,
            errorCode: failure.code,
          },
        }));
      }
    },
    // The run ends itself as 'cancelled' and keeps what it finished.
    cancelRun: () => work.run.abort(),
  };
}
