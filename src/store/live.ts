// Live scoring: every edit of the workspace re-scores the example inputs with the active template.
// Typing pauses first; a newer run supersedes an older one (same runtime lane), and results are
// only written if they still belong to the newest edit. Scoring goes through the one scoring
// pipeline (template-rows.ts, PASSES.live): its cache holds runtime answers by (model, label-word
// ids, prompt), so changing aggregation or calibration is a pure re-score.
import { PASSES } from '../core/pipeline.ts';
import { isCancellation } from '../runtime/errors.ts';
import { toFailure } from './failure.ts';
import { latestRunner, type RunTicket } from './latest-run.ts';
import { scoreTemplateRows, templateRowSignature } from './template-rows.ts';
import { activeTemplate, useWorkspace, type WorkspaceState } from './workspace.ts';

/** Typing pauses this long before the model runs. */
export const LIVE_DEBOUNCE_MS = 250;

const live = latestRunner(runLive);

/** Runs the live pipeline after `delayMs` (typing) or at once (option changes, Ctrl+Enter). */
export function scheduleLive(delayMs = LIVE_DEBOUNCE_MS): void {
  live.schedule(delayMs);
}

export function runLiveNow(): Promise<void> {
  return live.now();
}

/** The identity of a live row's result (the active template). */
export function rowSignature(state: WorkspaceState, row: number): string {
  return templateRowSignature(state, activeTemplate(state.setup).text, row);
}

async function runLive({ isCurrent }: RunTicket): Promise<void> {
  const state = useWorkspace.getState();
  try {
    const rows = await scoreTemplateRows(state, activeTemplate(state.setup).text, {
      settings: PASSES.live,
      isCurrent,
      onBound: (bound) => useWorkspace.setState({ bound }),
      onModelRun: () => useWorkspace.setState({ pending: true }),
      signature: (row) => rowSignature(state, row),
    });
    if (rows === 'not-ready' || rows === 'superseded') return;
    // Invalid template or verbalizer: the last good results stay on screen, dimmed (their signature no longer matches).
    if (rows === 'invalid') useWorkspace.setState({ pending: false });
    else useWorkspace.setState({ rows, rowErrors: rows.map(() => null), pending: false });
  } catch (error) {
    if (isCancellation(error) || !isCurrent()) return;
    const failure = toFailure(error);
    useWorkspace.setState((s) => ({ pending: false, rowErrors: s.setup.inputs.map(() => failure) }));
  }
}

/**
 * Re-runs whenever something that changes the numbers changes: option toggles and a model that
 * became ready at once, typing after a pause. Returns a function that stops (and drops a waiting run).
 */
export function rescoreOnEdits(): () => void {
  const stop = useWorkspace.subscribe((state, before) => {
    // A model that became ready, or another one that replaced it (the setup's model changes only then).
    if (state.model.status === 'ready' && (before.model.status !== 'ready' || state.model.info !== before.model.info)) {
      scheduleLive(0);
      return;
    }
    if (state.setup === before.setup && state.verbalizerText === before.verbalizerText) return;
    if (state.setup.model !== before.setup.model) return; // the setup's model loads first (runtime.ts)
    const onlyScoring =
      state.setup.scoring !== before.setup.scoring &&
      state.setup.templates === before.setup.templates &&
      state.setup.inputs === before.setup.inputs &&
      state.verbalizerText === before.verbalizerText;
    scheduleLive(onlyScoring ? 0 : LIVE_DEBOUNCE_MS);
  });
  return () => {
    stop();
    live.cancel();
  };
}
