// Label-word search, step 2 (LM-BFF): the top-n candidates of each label from step 1, combined one
// word per label and ranked by accuracy on the K-shot TRAINING split of the loaded data (fewShotSplit
// from K and seed; the other rows are never read). The model runs once: every training example's
// 1-mask prompt is scored at all candidate ids together (requests of the evaluation pass's size);
// the search over combinations is pure core (label-combinations.ts). "Use" replaces the
// verbalizer with a combination.
import { comboTrainingPrompts, searchLabelCombinations } from '../../core/label-combinations.ts';
import { PASSES } from '../../core/pipeline.ts';
import { parseTemplate } from '../../core/template.ts';
import { formatVerbalizer, parseVerbalizer } from '../../core/verbalizer.ts';
import { isCancellation } from '../../runtime/errors.ts';
import { toFailure } from '../failure.ts';
import { LABEL_SEARCH_LANE, type LabelComboState, type LabelSearchSlice, type SliceContext } from './state.ts';

export function labelComboActions({
  set,
  get,
  deps,
  work,
}: SliceContext): Pick<LabelSearchSlice, 'searchLabelCombos' | 'applyLabelCombo'> {
  const setCombos = (patch: Partial<LabelComboState>) =>
    set((s) => ({ labelSearch: { ...s.labelSearch, combos: { ...s.labelSearch.combos, ...patch } } }));

  return {
    searchLabelCombos: async (options) => {
      const { examples, run, labelSearch } = get();
      const { model, setup } = deps.workspace.getState();
      const pipeline = deps.pipeline();
      if (!model.facts || model.status !== 'ready' || !pipeline) return;
      if (labelSearch.status !== 'done' || !labelSearch.result) return;
      // One model job at a time: an evaluation run in progress comes first.
      if (run.status === 'preparing' || run.status === 'running') return;
      const k = Math.max(1, Math.floor(options.k));
      const seed = Math.floor(options.seed);
      const n = Math.max(1, Math.floor(options.n));
      const base = { k, seed, n, result: null, tooFew: null, error: null, errorCode: 'unknown' };
      const entry = setup.templates.find((t) => t.id === labelSearch.templateId);
      const parsed = entry ? parseTemplate(entry.text) : null;
      if (!parsed?.ok) {
        // The searched template was removed or broken since step 1: step 1 has to run again.
        setCombos({ ...base, status: 'error', errorCode: 'template-changed' });
        return;
      }
      const { signal, isCurrent } = work.search.begin();
      const labels = labelSearch.labels;
      const training = comboTrainingPrompts(parsed.template, examples, labels, k, seed);
      if (!training.ok) {
        const { label, have, need } = training;
        setCombos({ ...base, status: 'too-few', tooFew: { label, have, need } });
        return;
      }
      const candidates = labels.map((_, l) =>
        (labelSearch.result!.candidates[l] ?? []).slice(0, n).map((c) => ({ id: c.id, word: c.word })),
      );
      const tokenIds = [...new Set(candidates.flat().map((c) => c.id))];
      setCombos({ ...base, status: 'running' });
      try {
        const logits: number[][] = [];
        const size = PASSES.evaluation.requestSize;
        for (let start = 0; start < training.prompts.length; start += size) {
          const answers = await pipeline.model.score(training.prompts.slice(start, start + size), tokenIds, {
            topK: 0,
            lane: LABEL_SEARCH_LANE,
            signal,
          });
          if (!isCurrent()) return;
          for (const a of answers) logits.push(a.masks[0]?.logits ?? tokenIds.map(() => Number.NEGATIVE_INFINITY));
        }
        const result = searchLabelCombinations({ candidates, tokenIds, logits, gold: training.gold });
        setCombos({ status: 'done', result });
      } catch (error) {
        if (!isCurrent()) return;
        const failure = toFailure(error);
        setCombos(
          isCancellation(error)
            ? { status: 'idle' }
            : { status: 'error', error: failure.message, errorCode: failure.code },
        );
      }
    },

    applyLabelCombo: (index) => {
      const { labelSearch } = get();
      const combo = labelSearch.combos.result?.combinations[index];
      if (!combo) return false;
      const text = formatVerbalizer({
        labels: labelSearch.labels.map((label, l) => ({ label, words: [combo.words[l]!] })),
      });
      if (!parseVerbalizer(text).ok) return false;
      deps.workspace.getState().setVerbalizerText(text);
      return true;
    },
  };
}
