// The few-shot slice (LM-BFF protocol, frozen model): the settings (K values, seeds, methods,
// demonstrations, test set), a separate test file, and a run of core/fewshot/run.ts through the
// loaded model's scoring pipeline — with its phase and prompt counts as progress, Cancel (the cells
// finished are kept) and the result with what it was computed from (fewshot-basis.ts), so that a
// later change of the setup, data or model shows it as not current instead of dropping it.
import { parseDatasetAsync } from '../../core/dataset-parse.ts';
import { issue } from '../../core/issues.ts';
import { prepareFewShotTemplates } from '../../core/fewshot/prepare.ts';
import { runFewShot } from '../../core/fewshot/run.ts';
import { CACHE_LIMITS } from '../../core/pipeline.ts';
import type { FewShotResult } from '../../core/fewshot/types.ts';
import { isCancellation } from '../../runtime/errors.ts';
import { toFailure } from '../failure.ts';
import { sliceTimer } from '../yield.ts';
import { setupLabels } from './chosen-templates.ts';
import { currentBasis, fewShotTemplates, fewShotTestExamples } from './fewshot-basis.ts';
import { defaultFewShotSettings, readFewShotSettings } from './fewshot-config.ts';
import {
  idleFewShot,
  idleSearch,
  type FewShotSlice,
  type FewShotTestFile,
  runMeta,
  stopOtherModelJobs,
  type SliceContext,
} from './state.ts';

/** At most ~10 repaints a second. */
const PROGRESS_INTERVAL_MS = 100;

export function fewShotSlice(ctx: SliceContext): FewShotSlice {
  const { set, get, deps, work } = ctx;

  const readTestText = async (text: string, name: string) => {
    const ticket = work.fewShotTest.begin();
    const base: FewShotTestFile = { name, chars: text.length, status: 'parsing', error: null, dataset: null };
    set((s) => ({
      fewShotTest: base,
      fewShotSettings: { ...s.fewShotSettings, testSource: 'file' },
    }));
    try {
      const result = await parseDatasetAsync(
        text,
        { format: 'auto', fileName: name },
        { ...sliceTimer(deps.nextSlice), signal: ticket.signal },
      );
      if (!ticket.isCurrent()) return;
      set({
        fewShotTest: result.ok
          ? { ...base, status: 'ready', dataset: result.dataset }
          : { ...base, status: 'error', error: result.error },
      });
    } catch (error) {
      if (!ticket.isCurrent()) return;
      set({
        fewShotTest: {
          ...base,
          status: 'error',
          error: issue('data-unreadable', 'error', { detail: toFailure(error).message }),
        },
      });
    }
  };

  return {
    fewShotSettings: defaultFewShotSettings(),
    fewShotTest: null,
    fewShot: idleFewShot(),
    fewShotMetric: 'accuracy',

    setFewShotConfig: (patch) =>
      set((s) => ({
        fewShotSettings: readFewShotSettings({
          ...s.fewShotSettings,
          config: { ...s.fewShotSettings.config, ...patch },
        }),
      })),
    setFewShotTestSource: (testSource) => set((s) => ({ fewShotSettings: { ...s.fewShotSettings, testSource } })),
    replaceFewShotSettings: (settings) => set({ fewShotSettings: readFewShotSettings(settings) }),
    loadFewShotTestText: (text, name) => readTestText(text, name),
    loadFewShotTestFile: async (file) => readTestText(await file.text(), file.name),
    clearFewShotTestFile: () => {
      work.fewShotTest.cancel();
      set((s) => ({ fewShotTest: null, fewShotSettings: { ...s.fewShotSettings, testSource: 'rest' } }));
    },
    setFewShotMetric: (fewShotMetric) => set({ fewShotMetric }),

    startFewShot: async () => {
      const state = get();
      const { examples, dataset, mappingProblems, source, fewShotSettings } = state;
      const workspace = deps.workspace.getState();
      const { model, setup } = workspace;
      if (!dataset || examples.length === 0 || !source) return;
      // One model job at a time: an evaluation run in progress comes first.
      if (state.run.status === 'preparing' || state.run.status === 'running') return;
      const livePipeline = deps.pipeline();
      if (model.status !== 'ready' || !model.info || !livePipeline) {
        set({ fewShot: { ...idleFewShot(), status: 'failed', error: 'no-model' } });
        return;
      }
      const testExamples = fewShotTestExamples(state, setup);
      if (fewShotSettings.testSource === 'file' && (testExamples === null || testExamples.length === 0)) {
        set({ fewShot: { ...idleFewShot(), status: 'failed', error: 'no-test-file' } });
        return;
      }
      const basis = currentBasis(state, workspace);
      const { signal, isCurrent } = work.fewShot.begin();
      stopOtherModelJobs(work, 'fewShot');
      const info = model.info;
      const meta = runMeta(info, source.name, dataset.problems.length + mappingProblems.length);
      const data = testExamples ? { examples, testExamples } : { examples };
      set({ fewShot: { ...idleFewShot(), status: 'preparing', meta, basis, data }, labelSearch: idleSearch() });
      // The run so far, kept should it throw instead of ending as 'failed' or 'cancelled' itself.
      let partial = null as FewShotResult | null;
      try {
        const pipeline = livePipeline.withOwnCache(CACHE_LIMITS.evaluation);
        // Bound as the CLI binds them (core/fewshot/prepare.ts): the active template first, then the
        // others (ensemble); its demonstration template when it has one.
        const entries = fewShotTemplates(setup, state.selectedTemplates).map(({ entry }) => entry);
        const prepared = await prepareFewShotTemplates(pipeline, entries, setup.activeTemplateId, setup.verbalizer);
        if (!isCurrent()) return;
        const { templates, demoTemplate, problems, demoErrors } = prepared;
        if (templates.length === 0) {
          set((s) => ({
            fewShot: { ...s.fewShot, status: 'failed', error: 'no-template', templateProblems: problems },
          }));
          return;
        }
        // A demonstration template with errors: demonstrations are left out, and the panel says why (as the CLI does).
        let config = fewShotSettings.config;
        if (demoErrors.length > 0 && config.methods.includes('demonstrations'))
          config = { ...config, methods: config.methods.filter((m) => m !== 'demonstrations') };
        set((s) => ({ fewShot: { ...s.fewShot, status: 'running', templateProblems: problems, demoErrors } }));
        let lastProgress = 0;
        const result = await runFewShot({
          pipeline,
          templates,
          demoTemplate,
          data,
          labels: setupLabels(setup),
          scoring: setup.scoring,
          config,
          signal,
          onProgress: (progress, sofar) => {
            partial = sofar;
            const t = performance.now();
            const shown = get().fewShot.progress;
            // A new phase always shows; within one, at most ~10 updates a second.
            const quiet = t - lastProgress < PROGRESS_INTERVAL_MS && progress.done < progress.total;
            if (!isCurrent() || (quiet && shown?.phase === progress.phase)) return;
            lastProgress = t;
            set((s) => ({ fewShot: { ...s.fewShot, progress } }));
          },
        });
        if (!isCurrent()) return;
        set((s) => ({
          fewShot: {
            ...s.fewShot,
            status: result.status === 'running' ? 'complete' : result.status,
            result,
            error: result.error ?? null,
          },
        }));
      } catch (error) {
        if (!isCurrent()) return;
        const failure = toFailure(error);
        set((s) => ({
          fewShot: {
            ...s.fewShot,
            result: partial ? { ...partial, cells: [...partial.cells], summary: [...partial.summary] } : null,
            status: isCancellation(error) ? 'cancelled' : 'failed',
            error: isCancellation(error) ? null : failure.message,
            errorCode: failure.code,
          },
        }));
      }
    },
    // The run ends itself as 'cancelled' and keeps the cells it finished.
    cancelFewShot: () => work.fewShot.abort(),
  };
}
