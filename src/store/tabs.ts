// Two tabs on the same workspace. Every tab saves its workspace to the same localStorage key, so
// without care the tab saved last silently wins. The 'storage' event tells a tab that another tab
// saved: if that save differs from what this tab shows, this tab stops saving (so it overwrites
// nothing; autosave.ts holds while there is a conflict) and asks the user: load the other tab's
// version, or keep this one and overwrite.
import { create } from 'zustand';
import { restoreWorkspace, serializeWorkspace, WORKSPACE_KEY, type SavedWorkspace } from './persistence.ts';
import { useWorkspace } from './workspace.ts';

export interface TabConflictState {
  /** The other tab's newest saved workspace, while the user has not chosen; null otherwise. Saving waits meanwhile. */
  theirs: SavedWorkspace | null;
}

export const useTabConflict = create<TabConflictState>()(() => ({ theirs: null }));

function current(): SavedWorkspace {
  const s = useWorkspace.getState();
  return { setup: s.setup, verbalizerText: s.verbalizerText };
}

/** Handles a storage change of the workspace key (exported for tests). */
export function onWorkspaceStorageChange(newValue: string | null): void {
  if (newValue === null) return; // cleared elsewhere: nothing to load, nothing is lost here
  const outcome = restoreWorkspace(newValue);
  if (outcome.kind !== 'restored') return; // unreadable: keep ours (our next save repairs it)
  if (serializeWorkspace(outcome.workspace) === serializeWorkspace(current())) {
    // Same content (e.g. both tabs opened the same link): no conflict.
    if (useTabConflict.getState().theirs) resolveKeepMine();
    return;
  }
  useTabConflict.setState({ theirs: outcome.workspace });
}

/** Replace this tab's workspace with the other tab's save. */
export function resolveLoadTheirs(): void {
  const theirs = useTabConflict.getState().theirs;
  if (!theirs) return;
  const ws = useWorkspace.getState();
  ws.replaceSetup(theirs.setup);
  ws.setVerbalizerText(theirs.verbalizerText);
  useTabConflict.setState({ theirs: null });
}

/** Keep this tab's workspace and save it over the other tab's. */
export function resolveKeepMine(): void {
  useTabConflict.setState({ theirs: null });
}

/** Follows other tabs' saves of the workspace to `storage` ('storage' events of `page`). Returns a function that stops. */
export function followOtherTabs(page: EventTarget, storage: Storage | null): () => void {
  const onStorage = (event: Event) => {
    const { key, storageArea, newValue } = event as StorageEvent;
    if (storage && key === WORKSPACE_KEY && storageArea === storage) onWorkspaceStorageChange(newValue);
  };
  page.addEventListener('storage', onStorage);
  return () => page.removeEventListener('storage', onStorage);
}
