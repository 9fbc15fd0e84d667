// Side-by-side comparison of two templates on the same inputs. Template A is the active one, whose
// results the live pipeline already keeps (workspace.rows). This second lane scores template B with
// the same pipeline (live.ts scoreTemplateRows) in its own runtime lane, so it never cancels the
// live view, and through the same result cache, so a prompt both sides share runs once.
import { create } from 'zustand';
import { isCancellation } from '../runtime/errors.ts';
import { LIVE_DEBOUNCE_MS, scoreTemplateRows } from './live.ts';
import { activeTemplate, useWorkspace, type RowResult, type RuntimeFailure, type WorkspaceState } from './workspace.ts';

const COMPARE_LANE = 'compare';

interface CompareState {
  /** Template B (null: the comparison is off). */
  templateId: string | null;
  rows: (RowResult | null)[];
  pending: boolean;
  /** Template B or the verbalizer has errors: the last good results stay, dimmed. */
  invalid: boolean;
  error: RuntimeFailure | null;
}

export const useCompare = create<CompareState>()(() => ({
  templateId: null,
  rows: [],
  pending: false,
  invalid: false,
  error: null,
}));

/** What makes a comparison row's numbers: like live.ts's rowSignature, with template B's text. */
export function compareSignature(state: WorkspaceState, templateText: string, row: number): string {
  const { setup, model } = state;
  return JSON.stringify([
    model.info?.id,
    model.info?.dtype,
    templateText,
    state.verbalizerText,
    setup.scoring,
    setup.inputs[row] ?? null,
  ]);
}

/** Template B, or null when none is chosen or it was removed. */
export function compareTemplate(state: WorkspaceState, templateId = useCompare.getState().templateId) {
  return templateId ? (state.setup.templates.find((t) => t.id === templateId) ?? null) : null;
}

/** A sensible B: the first template that is not the active one. */
export function defaultCompareId(state: WorkspaceState): string | null {
  const active = activeTemplate(state.setup).id;
  return state.setup.templates.find((t) => t.id !== active)?.id ?? null;
}

let generation = 0;
let timer: ReturnType<typeof setTimeout> | undefined;

export function setCompareTemplate(id: string | null): void {
  useCompare.setState({ templateId: id, rows: [], invalid: false, error: null });
  scheduleCompare(0);
}

function scheduleCompare(delayMs = LIVE_DEBOUNCE_MS): void {
  if (timer !== undefined) clearTimeout(timer);
  timer = setTimeout(() => {
    timer = undefined;
    void runCompare();
  }, delayMs);
}

export async function runCompare(): Promise<void> {
  const run = ++generation;
  const isCurrent = () => run === generation;
  const state = useWorkspace.getState();
  const template = compareTemplate(state);
  if (!template) {
    useCompare.setState({ rows: [], pending: false, invalid: false });
    return;
  }
  try {
    const rows = await scoreTemplateRows(state, template.text, {
      lane: COMPARE_LANE,
      isCurrent,
      onModelRun: () => useCompare.setState({ pending: true }),
      previous: () => useCompare.getState().rows,
      signature: (row) => compareSignature(state, template.text, row),
    });
    if (rows === 'superseded') return;
    if (rows === 'not-ready') useCompare.setState({ pending: false });
    else if (rows === 'invalid') useCompare.setState({ pending: false, invalid: true });
    else useCompare.setState({ rows, pending: false, invalid: false, error: null });
  } catch (error) {
    if (isCancellation(error) || !isCurrent()) return;
    useCompare.setState({
      pending: false,
      error: {
        code: (error as { code?: string }).code ?? 'unknown',
        message: error instanceof Error ? error.message : String(error),
      },
    });
  }
}

// Follow the workspace: any change that alters the numbers re-runs B (only while comparing).
useWorkspace.subscribe((state, before) => {
  if (!useCompare.getState().templateId) return;
  const modelChanged = state.model.status !== before.model.status || state.model.info !== before.model.info;
  if (state.setup === before.setup && state.verbalizerText === before.verbalizerText && !modelChanged) return;
  const onlyScoring =
    state.setup.scoring !== before.setup.scoring &&
    state.setup.templates === before.setup.templates &&
    state.setup.inputs === before.setup.inputs;
  scheduleCompare(onlyScoring || modelChanged ? 0 : LIVE_DEBOUNCE_MS);
});
