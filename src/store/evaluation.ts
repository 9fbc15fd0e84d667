// The evaluation workbench's store: labelled data, its mapping to template slots and labels, batch
// runs, the results view, the label-word search and the demo's Undo — one zustand store made of
// the slices in ./evaluation/. Not persisted: datasets can be large, and results belong to one session.
import { create } from 'zustand';
import { yieldToEventLoop } from '../core/scheduling.ts';
import { latestSlot } from './latest-run.ts';
import { getRuntime, modelPipeline } from './runtime.ts';
import { useWorkspace } from './workspace.ts';
import { dataSlice } from './evaluation/data.ts';
import { demoSlice } from './evaluation/demo.ts';
import { labelSearchSlice } from './evaluation/label-search.ts';
import { mappingSlice } from './evaluation/mapping.ts';
import { runSlice } from './evaluation/run.ts';
import type { EvalState, EvaluationDeps, SliceContext } from './evaluation/state.ts';
import { viewSlice } from './evaluation/view.ts';
import { gridSlice } from './evaluation/grid.ts';

export type {
  DataKind,
  DataSource,
  EvalRunState,
  EvalState,
  EvaluationDeps,
  FormatChoice,
  LabelSearchState,
  RunMeta,
  RunStatus,
} from './evaluation/state.ts';
export { chosenSlots, chosenTemplates } from './evaluation/chosen-templates.ts';
export { LABEL_SEARCH_PER_LABEL, LABEL_SEARCH_TOP_N } from './evaluation/label-search.ts';
export { reportCsv, reportJson } from './evaluation/report.ts';
export { EVAL_LANE } from './evaluation/run.ts';
export { GRID_MODEL_NOT_LOADED, type GridRunState } from './evaluation/grid.ts';

/** The app's workspace and loaded model. */
export const appEvaluationDeps: EvaluationDeps = {
  workspace: useWorkspace,
  pipeline: modelPipeline,
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
