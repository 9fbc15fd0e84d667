// The mapping slice: which column fills each template slot, which column holds the gold label
// and which verbalizer label each of its values means — and the examples that gives, rebuilt in
// slices after every change (the newest rebuild wins).
import {
  addLabelCounts,
  autoLabelMap,
  buildExamples,
  matchLabel,
  sortedLabelValues,
  suggestMapping,
} from '../../core/dataset-mapping.ts';
import type { Dataset, DatasetMapping, EvalExample, RowProblem } from '../../core/dataset.ts';
import { chosenSlots, setupLabels } from './chosen-templates.ts';
import { emptyMapping, type MappingSlice, type SliceContext } from './state.ts';

/** Rows of examples built between two turns for the page. */
const BUILD_SLICE_ROWS = 10_000;

/** The best guess for a freshly parsed dataset: the chosen templates' slots, the setup's labels. */
export function initialMapping({ get, deps }: SliceContext, dataset: Dataset): DatasetMapping {
  const { setup } = deps.workspace.getState();
  return suggestMapping(dataset, chosenSlots(setup, get().selectedTemplates), setupLabels(setup));
}

/** Keeps `mapping` complete for `slots` and `labels`, keeping the user's choices where they still fit. */
export function reconcileMapping(
  dataset: Dataset,
  mapping: DatasetMapping,
  slots: readonly string[],
  labels: readonly string[],
): DatasetMapping {
  const guess = suggestMapping(dataset, slots, labels);
  const nextSlots: Record<string, string | null> = {};
  for (const slot of slots) {
    const chosen = mapping.slots[slot];
    nextSlots[slot] =
      chosen !== undefined && (chosen === null || dataset.columns.includes(chosen))
        ? chosen
        : (guess.slots[slot] ?? null);
  }
  const labelMap = new Map<string, string | null>();
  for (const [value, label] of mapping.labelMap) {
    labelMap.set(value, label !== null && labels.includes(label) ? label : matchLabel(value, labels));
  }
  return { slots: nextSlots, labelColumn: mapping.labelColumn, labelMap };
}

/** Rebuilds the examples from dataset + mapping, in slices for large data. */
export async function rebuildExamples({ set, get, deps, work }: SliceContext): Promise<void> {
  const ticket = work.build.begin();
  const { dataset, mapping } = get();
  if (!dataset) {
    set({ examples: [], mappingProblems: [], labelValues: [], building: false });
    return;
  }
  const labels = setupLabels(deps.workspace.getState().setup);
  const examples: EvalExample[] = [];
  const problems: RowProblem[] = [];
  const labelCounts = new Map<string, number>();
  set({ building: true });
  for (let start = 0; start < dataset.rows.length; start += BUILD_SLICE_ROWS) {
    const part = buildExamples(dataset, mapping, labels, { start, end: start + BUILD_SLICE_ROWS });
    for (const e of part.examples) examples.push(e);
    for (const p of part.problems) problems.push(p);
    addLabelCounts(labelCounts, part.labelCounts);
    if (start + BUILD_SLICE_ROWS < dataset.rows.length) {
      await deps.nextSlice();
      if (!ticket.isCurrent()) return;
    }
  }
  if (!ticket.isCurrent()) return;
  set({ examples, mappingProblems: problems, labelValues: sortedLabelValues(labelCounts), building: false });
}

export function mappingSlice(ctx: SliceContext): MappingSlice {
  const { set, get, deps } = ctx;
  const labels = () => setupLabels(deps.workspace.getState().setup);
  const updateMapping = (fn: (mapping: DatasetMapping, dataset: Dataset) => DatasetMapping) => {
    const { dataset, mapping } = get();
    if (!dataset) return;
    set({ mapping: fn(mapping, dataset) });
    void rebuildExamples(ctx);
  };
  return {
    mapping: emptyMapping(),
    examples: [],
    mappingProblems: [],
    labelValues: [],
    building: false,
    selectedTemplates: null,

    setSlotColumn: (slot, column) => updateMapping((m) => ({ ...m, slots: { ...m.slots, [slot]: column } })),
    setLabelColumn: (column) =>
      updateMapping((m, dataset) => ({ ...m, labelColumn: column, labelMap: autoLabelMap(dataset, column, labels()) })),
    setLabelMapping: (value, label) =>
      updateMapping((m) => ({ ...m, labelMap: new Map(m.labelMap).set(value, label) })),
    toggleTemplate: (id) => {
      const all = deps.workspace.getState().setup.templates.map((t) => t.id);
      const current = (get().selectedTemplates ?? all).filter((x) => all.includes(x));
      const next = current.includes(id)
        ? current.filter((x) => x !== id)
        : all.filter((x) => x === id || current.includes(x));
      set({ selectedTemplates: next.length === all.length ? null : next });
      get().syncWithSetup();
    },
    syncWithSetup: () =>
      updateMapping((mapping, dataset) =>
        reconcileMapping(
          dataset,
          mapping,
          chosenSlots(deps.workspace.getState().setup, get().selectedTemplates),
          labels(),
        ),
      ),
  };
}
