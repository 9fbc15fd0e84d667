// The workspace in browser storage: read once when the app starts, saved after every change of
// what is kept (the setup and the verbalizer as typed). Failures (quota, private mode) become a
// notice and the workspace on the page stays as it is.
import { fitSetupToLimits } from '../core/setup-fit.ts';
import { loadWorkspace, saveWorkspace, type SavedWorkspace } from './persistence.ts';
import { useTabConflict } from './tabs.ts';
import { useWorkspace, type WorkspaceStore } from './workspace.ts';

/**
 * Puts the saved workspace into `workspace`, with a notice when it was migrated. One that could not
 * be read is kept under the backup key (persistence.ts), which the UI offers to restore (backup.ts).
 */
export function restoreSavedWorkspace(storage: Storage | null, workspace: WorkspaceStore = useWorkspace): void {
  const restored = loadWorkspace(storage ?? undefined);
  const { setup, verbalizerText } = restored.workspace;
  workspace.setState({
    setup,
    verbalizerText,
    rows: setup.inputs.map(() => null),
    rowErrors: setup.inputs.map(() => null),
  });
  if (restored.kind === 'restored' && restored.migratedFrom !== undefined)
    workspace.getState().pushNotice({
      kind: 'info',
      key: 'notice.workspaceMigrated',
      params: { from: restored.migratedFrom },
    });
}

/**
 * Saves the workspace after every change of what is kept. While another tab's newer save waits for
 * the user's choice (tabs.ts) nothing is saved, so it is not overwritten; once the user has chosen,
 * the workspace on this page is saved at once. Returns a function that stops saving.
 */
export function autosaveWorkspace(storage: Storage | null, workspace: WorkspaceStore = useWorkspace): () => void {
  let lastSaved: SavedWorkspace | null = null;
  /** The fields cut on the last save (fitSetupToLimits), so that the notice is not repeated per keystroke. */
  let lastTrimmed = '';
  const held = () => useTabConflict.getState().theirs !== null;

  const save = () => {
    const state = workspace.getState();
    if (held()) return;
    if (lastSaved?.setup === state.setup && lastSaved.verbalizerText === state.verbalizerText) return;
    lastSaved = { setup: state.setup, verbalizerText: state.verbalizerText };
    // What is longer than a saved setup may be is saved cut to the limits (and the user is told once
    // per set of fields): saved whole, the next load would reject it and open a fresh workspace.
    const fit = fitSetupToLimits(state.setup);
    // One path per line: the notice names them in words (Notice.params.fields).
    const trimmedKey = fit.trimmed.join('\n');
    if (trimmedKey && trimmedKey !== lastTrimmed)
      state.pushNotice({ kind: 'warning', key: 'notice.saveTrimmed', params: { fields: trimmedKey } });
    lastTrimmed = trimmedKey;
    const result = saveWorkspace(storage ?? undefined, { setup: fit.setup, verbalizerText: state.verbalizerText });
    if (!result.ok && state.saveOk) {
      workspace.setState({ saveOk: false });
      state.pushNotice({
        kind: 'error',
        key: result.reason === 'quota' ? 'notice.saveQuota' : 'notice.saveUnavailable',
      });
    } else if (result.ok && !state.saveOk) {
      workspace.setState({ saveOk: true });
    }
  };

  const stopWorkspace = workspace.subscribe(save);
  const stopConflict = useTabConflict.subscribe((state, before) => {
    if (state.theirs !== null || before.theirs === null) return;
    // The user chose (load theirs, or keep mine): save what this page shows now.
    lastSaved = null;
    save();
  });
  return () => {
    stopWorkspace();
    stopConflict();
  };
}
