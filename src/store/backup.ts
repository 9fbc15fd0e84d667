// The copy of a saved workspace that could not be read. persistence.ts keeps it under the backup
// key instead of dropping it; while it is there, the UI says what happened and offers it: restore
// it (what a setup can't hold is cut, and listed), download it as a file, or discard it.
import { create } from 'zustand';
import {
  readWorkspaceBackup,
  removeWorkspaceBackup,
  restoreWorkspace,
  salvageWorkspace,
  serializeWorkspace,
  WORKSPACE_KEY,
  type ResetCause,
} from './persistence.ts';
import { fitSetupToLimits } from '../core/setup-fit.ts';
import { replaceWorkspace } from './open-setup.ts';
import type { SavedSetupsFailure } from './saved-setups.ts';
import { useWorkspace } from './workspace.ts';

export type BackupAction =
  /** Restored into the workspace; `changed` lists what was cut or left out (the backup is then kept). */
  | { kind: 'restored'; changed: string[] }
  /** Not even a cut copy is a valid setup. */
  | { kind: 'restore-failed'; cause: ResetCause }
  /** The current workspace could not be kept, so it was not replaced. */
  | { kind: 'not-kept'; reason: SavedSetupsFailure }
  /** Restored, but this page could not save it yet: the backup stays. */
  | { kind: 'restored-unsaved' }
  /** The browser refused to remove the backup. */
  | { kind: 'discard-failed' };

interface BackupState {
  /** The backup's text; null when there is none. */
  text: string | null;
  /** Why it could not be read; null when this version can read it. */
  cause: ResetCause | null;
  /** What the user's last action on it did. */
  action: BackupAction | null;
}

export const useWorkspaceBackup = create<BackupState>()(() => ({ text: null, cause: null, action: null }));

let bound: Storage | null = null;

function causeOf(text: string): ResetCause | null {
  const outcome = restoreWorkspace(text);
  return outcome.kind === 'reset' ? outcome.cause : null;
}

/** Reads the backup key (once, when the app starts) and acts on `storage` until the returned function is called. */
export function followWorkspaceBackup(storage: Storage | null): () => void {
  bound = storage;
  const text = readWorkspaceBackup(storage ?? undefined);
  useWorkspaceBackup.setState({ text, cause: text === null ? null : causeOf(text), action: null });
  return () => {
    if (bound === storage) bound = null;
  };
}

/** Whether the stored workspace is the text `expected` (as autosave writes it), and reads back. */
function storedWorkspaceIs(storage: Storage, expected: string): boolean {
  try {
    const text = storage.getItem(WORKSPACE_KEY);
    return text === expected && restoreWorkspace(text).kind === 'restored';
  } catch {
    return false;
  }
}

/**
 * Restores the backup into the workspace; the current workspace is kept in the saved setups first
 * (when it can't be, nothing changes). The backup is removed once the restored workspace is stored
 * and nothing of it had to be left out; otherwise it stays, to be downloaded or discarded.
 */
export function restoreWorkspaceBackup(): BackupAction | null {
  const { text } = useWorkspaceBackup.getState();
  if (text === null) return null;
  const done = (action: BackupAction) => {
    useWorkspaceBackup.setState({ action });
    return action;
  };
  const salvage = salvageWorkspace(text);
  if (!salvage.ok) return done({ kind: 'restore-failed', cause: salvage.cause });
  const opened = replaceWorkspace(salvage.workspace, 'before-restore');
  if (!opened.ok) return done({ kind: 'not-kept', reason: opened.reason });
  const { setup, verbalizerText } = useWorkspace.getState();
  const expected = serializeWorkspace({ setup: fitSetupToLimits(setup).setup, verbalizerText });
  if (!bound || !storedWorkspaceIs(bound, expected)) return done({ kind: 'restored-unsaved' });
  if (salvage.changed.length === 0 && removeWorkspaceBackup(bound)) {
    useWorkspaceBackup.setState({ text: null, cause: null });
  }
  return done({ kind: 'restored', changed: salvage.changed });
}

/** Removes the backup for good. */
export function discardWorkspaceBackup(): boolean {
  if (bound && removeWorkspaceBackup(bound)) {
    useWorkspaceBackup.setState({ text: null, cause: null, action: null });
    return true;
  }
  useWorkspaceBackup.setState({ action: { kind: 'discard-failed' } });
  return false;
}

/** Closes the message about the last action (after a restore that removed the backup, the banner goes). */
export function dismissBackupAction(): void {
  useWorkspaceBackup.setState({ action: null });
}
