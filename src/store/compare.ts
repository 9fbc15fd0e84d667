// Side-by-side comparison of two templates on the same inputs. Template A is the active one, whose
// results the live pipeline already keeps (workspace.rows). This second lane scores template B with
// the same pipeline (template-rows.ts, PASSES.compare) in its own runtime lane, so it never cancels
// the live view, and through the same result cache, so a prompt both sides share runs once.
import { create } from 'zustand';
import { PASSES } from '../core/pipeline.ts';
import { isCancellation } from '../runtime/errors.ts';
import { toFailure, type RuntimeFailure } from './failure.ts';
import { latestRunner, type RunTicket } from './latest-run.ts';
import { LIVE_DEBOUNCE_MS } from './live.ts';
import { scoreTemplateRows, templateRowSignature } from './template-rows.ts';
import { activeTemplate, useWorkspace, type RowResult, type WorkspaceState } from './workspace.ts';

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

/** What makes a comparison row's numbers: live's row signature, with template B's text. */
export const compareSignature = templateRowSignature;

/** Template B, or null when none is chosen or it was removed. */
export function compareTemplate(state: WorkspaceState, templateId = useCompare.getState().templateId) {
  return templateId ? (state.setup.templates.find((t) => t.id === templateId) ?? null) : null;
}

/** A sensible B: the first template that is not the active one. */
export function defaultCompareId(state: WorkspaceState): string | null {
  const active = activeTemplate(state.setup).id;
  return state.setup.templates.find((t) => t.id !== active)?.id ?? null;
}

const compare = latestRunner(compareRun);

export function setCompareTemplate(id: string | null): void {
  useCompare.setState({ templateId: id, rows: [], invalid: false, error: null });
  compare.schedule(0);
}

export function runCompare(): Promise<void> {
  return compare.now();
}

async function compareRun({ isCurrent }: RunTicket): Promise<void> {
  const state = useWorkspace.getState();
  const template = compareTemplate(state);
  if (!template) {
    useCompare.setState({ rows: [], pending: false, invalid: false });
    return;
  }
  try {
    const rows = await scoreTemplateRows(state, template.text, {
      settings: PASSES.compare,
      isCurrent,
      onModelRun: () => useCompare.setState({ pending: true }),
      signature: (row) => compareSignature(state, template.text, row),
    });
    if (rows === 'superseded') return;
    if (rows === 'not-ready') useCompare.setState({ pending: false });
    else if (rows === 'invalid') useCompare.setState({ pending: false, invalid: true });
    else useCompare.setState({ rows, pending: false, invalid: false, error: null });
  } catch (error) {
    if (isCancellation(error) || !isCurrent()) return;
    useCompare.setState({ pending: false, error: toFailure(error) });
  }
}

/**
 * Follows the workspace: any change that alters the numbers re-runs B (only while comparing).
 * Returns a function that stops (and drops a waiting run).
 */
export function compareOnEdits(): () => void {
  const stop = useWorkspace.subscribe((state, before) => {
    if (!useCompare.getState().templateId) return;
    const modelChanged = state.model.status !== before.model.status || state.model.info !== before.model.info;
    if (state.setup === before.setup && state.verbalizerText === before.verbalizerText && !modelChanged) return;
    const onlyScoring =
      state.setup.scoring !== before.setup.scoring &&
      state.setup.templates === before.setup.templates &&
      state.setup.inputs === before.setup.inputs;
    compare.schedule(onlyScoring || modelChanged ? 0 : LIVE_DEBOUNCE_MS);
  });
  return () => {
    stop();
    compare.cancel();
  };
}
