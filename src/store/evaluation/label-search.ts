// The label-search slice: label words suggested from the examples — every vocabulary token ranked
// by how much more likely it is at [Z] for one label's examples than for the others' (computed in
// the worker over the whole vocabulary) — and "+ add", which puts a word into the verbalizer.
// One model job at a time with the run slice: no search starts while an evaluation run is preparing
// or running, and starting a run stops a search in flight (latest-run.ts: its ticket goes stale).
import { appendLabelWord, labelSearchPrompts } from '../../core/label-search.ts';
import type { PromptSetup } from '../../core/setup.ts';
import { isUsable } from '../../core/label-words.ts';
import { parseVerbalizer } from '../../core/verbalizer.ts';
import { isCancellation } from '../../runtime/errors.ts';
import { toFailure } from '../failure.ts';
import { chosenTemplates, setupLabels } from './chosen-templates.ts';
import { labelComboActions } from './label-combos.ts';
import {
  idleCombos,
  idleSearch,
  LABEL_SEARCH_LANE,
  type EvalState,
  type LabelSearchSlice,
  type SliceContext,
} from './state.ts';

/** Examples per label sampled for the label-word search. */
export const LABEL_SEARCH_PER_LABEL = 64;
export const LABEL_SEARCH_TOP_N = 8;

/** The template being looked at in the results (else the first chosen valid one). */
function searchedTemplate(state: EvalState, setup: PromptSetup) {
  const run = state.run.result;
  const viewed = run && typeof state.view.source === 'number' ? run.templates[state.view.source] : undefined;
  const candidates = chosenTemplates(setup, state.selectedTemplates).filter((t) => t.parse.ok);
  return viewed ? (candidates.find((c) => c.entry.id === viewed.id) ?? candidates[0]) : candidates[0];
}

export function labelSearchSlice(ctx: SliceContext): LabelSearchSlice {
  const { set, get, deps, work } = ctx;
  return {
    ...labelComboActions(ctx),
    labelSearch: idleSearch(),

    suggestLabelWords: async () => {
      const { examples, run } = get();
      const { model, setup } = deps.workspace.getState();
      const pipeline = deps.pipeline();
      if (!model.facts || model.status !== 'ready' || examples.length === 0 || !pipeline) return;
      // One model job at a time: an evaluation run in progress comes first (starting one stops a search).
      if (run.status === 'preparing' || run.status === 'running') return;
      const { signal, isCurrent } = work.search.begin();
      const labels = setupLabels(setup);
      const pick = searchedTemplate(get(), setup);
      if (!pick?.parse.ok) return;
      const template = pick.parse.template;
      set({
        labelSearch: {
          status: 'running',
          result: null,
          labels,
          templateId: pick.entry.id,
          templateName: pick.entry.name || pick.entry.id,
          error: null,
          errorCode: 'unknown',
          combos: idleCombos(get().labelSearch.combos),
        },
      });
      try {
        const { templates } = await pipeline.bindTemplates([pick.entry], setup.verbalizer);
        if (!isCurrent()) return;
        // The verbalizer's one-token words are already in use; don't propose them again.
        const exclude = (templates[0]?.words ?? [])
          .filter((w) => isUsable(w) && w.form.ids.length === 1)
          .map((w) => w.form.ids[0]!);
        const { prompts, groups } = labelSearchPrompts(template, examples, labels, LABEL_SEARCH_PER_LABEL);
        const result = await deps
          .runtime()
          .labelWordStats(
            { prompts, groups, groupCount: labels.length, topN: LABEL_SEARCH_TOP_N, exclude },
            { lane: LABEL_SEARCH_LANE, signal },
          );
        if (!isCurrent()) return;
        set((s) => ({ labelSearch: { ...s.labelSearch, status: 'done', result } }));
      } catch (error) {
        if (!isCurrent()) return;
        const failure = toFailure(error);
        set((s) => ({
          labelSearch: isCancellation(error)
            ? idleSearch()
            : { ...s.labelSearch, status: 'error', error: failure.message, errorCode: failure.code },
        }));
      }
    },
    cancelLabelWords: () => work.search.abort(),
    addLabelWord: (label, word) => {
      const ws = deps.workspace.getState();
      const next = appendLabelWord(ws.verbalizerText, label, word);
      if (next === null || !parseVerbalizer(next).ok) return false;
      ws.setVerbalizerText(next);
      return true;
    },
  };
}
