// The view slice: what the results panel shows — a template's results or the ensemble, without or
// with calibration, and the confusion-matrix cell whose examples are listed; and whether the results
// or the few-shot tab is open.
import type { SliceContext, ViewSlice } from './state.ts';

export function viewSlice({ set }: SliceContext): ViewSlice {
  return {
    view: { source: 0, mode: 'uncalibrated', cell: null },
    panel: 'results',
    setPanel: (panel) => set({ panel }),
    // Another template or mode has another confusion matrix: the chosen cell would mean something else.
    setViewSource: (source) => set((s) => ({ view: { ...s.view, source, cell: null } })),
    setMode: (mode) => set((s) => ({ view: { ...s.view, mode, cell: null } })),
    selectCell: (cell) => set((s) => ({ view: { ...s.view, cell } })),
  };
}
