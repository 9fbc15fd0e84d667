// The evaluation workbench's store: labelled data, its mapping to template slots and labels, batch
// runs, the results view, the label-word search, the demo's Undo and few-shot learning — one zustand
// store made of the slices in ./evaluation/. Not persisted: datasets can be large, and results belong
// to one session; only the few-shot settings are kept (a small versioned record of their own).
import { create } from 'zustand';
import { yieldToEventLoop } from '../core/scheduling.ts';
import { latestSlot } from './latest-run.ts';
import { getRuntime, modelPipeline } from './runtime.ts';
import { useWorkspace } from './workspace.ts';
import { dataSlice } from './evaluation/data.ts';
import { demoSlice } from './evaluation/demo.ts';
import { fewShotSlice } from './evaluation/fewshot.ts';
import { loadFewShotSettings, saveFewShotSettings } from './evaluation/fewshot-config.ts';
import { labelSearchSlice } from './evaluation/label-search.ts';
import { mappingSlice } from './evaluation/mapping.ts';
import { runSlice } from './evaluation/run.ts';
import type { EvalState, EvaluationDeps, SliceContext } from './evaluation/state.ts';
import { viewSlice } from './evaluation/view.ts';
import { sideModelPipeline, useSideModel } from './side-model.ts';
import { gridSlice } from './evaluation/grid.ts';

export type {
  DataKind,
  DataSource,
  EvalPanel,
  EvalRunState,
  EvalState,
  EvaluationDeps,
  FewShotBasis,
  FewShotMetric,
  FewShotRunState,
  FewShotTestFile,
  FormatChoice,
  LabelComboOptions,
  LabelComboState,
  LabelSearchState,
  RunMeta,
  RunStatus,
} from './evaluation/state.ts';
export { chosenSlots, chosenTemplates } from './evaluation/chosen-templates.ts';
export { LABEL_SEARCH_PER_LABEL, LABEL_SEARCH_TOP_N } from './evaluation/label-search.ts';
export { LABEL_COMBO_DEFAULTS } from './evaluation/state.ts';
export { reportCsv, reportJson } from './evaluation/report.ts';
export { fewShotCsv, fewShotJson, fewShotSplitsCsv } from './evaluation/fewshot-report.ts';
export { EVAL_LANE } from './evaluation/run.ts';
export { fewShotOutdated, fewShotTestExamples } from './evaluation/fewshot-basis.ts';
export {
  defaultFewShotSettings,
  FEWSHOT_LIMITS,
  FEWSHOT_SETTINGS_KEY,
  offeredKs,
  parseNumberList,
  toggleMethod,
  toggleSorted,
  type FewShotSettings,
  type FewShotTestSource,
} from './evaluation/fewshot-config.ts';
export { testExamples, type TestExamples } from './evaluation/fewshot-test-data.ts';
export { GRID_MODEL_NOT_LOADED, type GridRunState } from './evaluation/grid.ts';

/** The app's workspace and loaded model. */
export const appEvaluationDeps: EvaluationDeps = {
  workspace: useWorkspace,
  pipeline: modelPipeline,
  secondModel: () => {
    const side = useSideModel.getState();
    const pipeline = sideModelPipeline();
    return side.status === 'ready' && side.ref && pipeline ? { ref: side.ref, pipeline } : null;
  },
  runtime: getRuntime,
  nextSlice: yieldToEventLoop,
};

/** An evaluation store working with `deps`. */
export function createEvaluationStore(deps: EvaluationDeps = appEvaluationDeps) {
  const work = {
    parse: latestSlot(),
    build: latestSlot(),
    run: latestSlot(),
    search: latestSlot(),
    fewShot: latestSlot(),
    fewShotTest: latestSlot(),
    grid: latestSlot(),
  };
  return create<EvalState>()((set, get) => {
    const ctx: SliceContext = { set, get, deps, work };
    return {
      ...dataSlice(ctx),
      ...mappingSlice(ctx),
      ...runSlice(ctx),
      ...viewSlice(ctx),
      ...labelSearchSlice(ctx),
      ...demoSlice(ctx),
      ...fewShotSlice(ctx),
      ...gridSlice(ctx),
    };
  });
}

export type EvaluationStore = ReturnType<typeof createEvaluationStore>;

export const useEvaluation = createEvaluationStore();

/**
 * Labels or templates changed in the workspace: re-match label values and slots, rebuild the
 * examples. Returns a function that stops following.
 */
export function remapOnSetupChange(
  evaluation: EvaluationStore = useEvaluation,
  workspace = appEvaluationDeps.workspace,
): () => void {
  return workspace.subscribe((state, before) => {
    if (state.setup.verbalizer === before.setup.verbalizer && state.setup.templates === before.setup.templates) return;
    evaluation.getState().syncWithSetup();
  });
}

/**
 * Puts the stored few-shot settings into the store, then stores them whenever they change.
 * Returns a function that stops following.
 */
export function keepFewShotSettings(storage: Storage | null, evaluation: EvaluationStore = useEvaluation): () => void {
  const saved = loadFewShotSettings(storage);
  if (saved) evaluation.setState({ fewShotSettings: saved });
  return evaluation.subscribe((state, before) => {
    if (state.fewShotSettings !== before.fewShotSettings) saveFewShotSettings(storage, state.fewShotSettings);
  });
}
