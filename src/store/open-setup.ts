// Opening a setup from a link, a preset or an import "as a new setup": the current workspace is
// saved first (saved-setups.ts), so it can be restored; then the setup replaces the workspace and
// the model it asks for is loaded if that needs no download (test model, app-served copy, browser
// cache). A Hub model that would be downloaded waits for the user's click in the model panel; until
// a model has loaded, the current one stays the setup's model (runtime.ts).
import { isTestModelId } from '../core/models.ts';
import { defaultSetup, type ModelRef, type PromptSetup } from '../core/setup.ts';
import { formatVerbalizer } from '../core/verbalizer.ts';
import { runLiveNow } from './live.ts';
import { findLocalCopy } from './local-copy.ts';
import { OPENED_FOLDER_OWNER } from './local-folder.ts';
import {
  getRuntime,
  keepCurrentModel,
  loadModel,
  refreshCacheStatus,
  requestModel,
  sameModelRef,
  setupModelReady,
} from './runtime.ts';
import { findSavedSetup, saveSetup, type SaveReason, type SavedSetup } from './saved-setups.ts';
import { useWorkspace } from './workspace.ts';

export type SetupOrigin = 'link' | 'preset' | 'import';

/** True when the workspace is still the untouched default (nothing would be lost by replacing it). */
export function workspaceIsPristine(): boolean {
  const { setup, verbalizerText } = useWorkspace.getState();
  const fresh = defaultSetup();
  return JSON.stringify(setup) === JSON.stringify(fresh) && verbalizerText === formatVerbalizer(fresh.verbalizer);
}

/** How `ref` can be loaded without the user's click, or null when it needs a download from the Hub. */
export async function freeModelSource(ref: ModelRef): Promise<'test' | 'app' | 'local-copy' | 'cached' | null> {
  if (ref.id.startsWith(`${OPENED_FOLDER_OWNER}/`)) return null; // a folder from another session's computer
  if (isTestModelId(ref.id)) return 'test';
  if (ref.source === 'local') return 'app';
  if (await findLocalCopy(ref.id)) return 'local-copy';
  try {
    const status = await getRuntime().cacheStatus(ref.id);
    if (status.available && status.cached) return 'cached';
  } catch {
    // No cache information: treat as not cached.
  }
  return null;
}

/**
 * Puts `setup` in the workspace with the setup's model kept: the model it asks for becomes a
 * request (runtime.ts), loaded by settleModel when that needs no download, else offered in the model
 * panel. Only a model that loaded becomes the setup's model.
 */
function replaceKeepingModel(setup: PromptSetup): void {
  const state = useWorkspace.getState();
  state.replaceSetup({ ...setup, model: state.setup.model });
  requestModel(setup.model);
}

let settling: { ref: ModelRef; done: Promise<void> } | null = null;

/**
 * After the setup was replaced (or when the app starts): re-run on the loaded model, or load the
 * setup's model when that needs no download. Concurrent calls for the same model share one load.
 */
export function settleModel(): Promise<void> {
  const { setup, request } = useWorkspace.getState();
  const ref = request?.status === 'waiting' ? request.ref : setup.model;
  if (settling?.ref === ref) return settling.done;
  const done = settle().finally(() => {
    if (settling?.done === done) settling = null;
  });
  settling = { ref, done };
  return done;
}

async function settle(): Promise<void> {
  const { setup, model, request } = useWorkspace.getState();
  // A model asked for (preset, link) loads at once when that needs no download.
  if (request?.status === 'waiting') {
    const free = await freeModelSource(request.ref);
    if (free && useWorkspace.getState().request === request) {
      await loadModel(request.ref);
      return;
    }
  }
  if (setupModelReady()) {
    await runLiveNow();
    return;
  }
  if (model.status === 'loading' && sameModelRef(model.ref, setup.model)) return;
  if (await freeModelSource(setup.model)) {
    const now = useWorkspace.getState();
    if (now.setup.model === setup.model && now.request?.status !== 'loading') await loadModel(setup.model);
  } else {
    void refreshCacheStatus();
  }
}

const REASON: Record<SetupOrigin, SaveReason> = {
  link: 'before-link',
  preset: 'before-preset',
  import: 'before-import',
};

/**
 * Replaces the workspace with `setup`, keeping the current one in the saved setups (unless it is
 * the untouched default). Returns the saved entry, so the UI can offer "restore previous workspace".
 */
export function openAsNewSetup(setup: PromptSetup, origin: SetupOrigin): SavedSetup | null {
  const state = useWorkspace.getState();
  const saved = workspaceIsPristine() ? null : saveSetup(state.setup, state.verbalizerText, REASON[origin]);
  replaceKeepingModel(setup);
  // A link has its own banner (IncomingLinkBanner); presets and imports say what happened in a notice.
  if (origin !== 'link')
    state.pushNotice({ kind: 'info', key: saved ? 'open.openedSaved' : 'open.opened', params: { name: setup.name } });
  void settleModel();
  return saved;
}

/** Puts a saved setup back (the current workspace is saved first, so this can be undone too). */
export function restoreSavedSetup(id: string): boolean {
  const entry = findSavedSetup(id);
  if (!entry) return false;
  const state = useWorkspace.getState();
  if (!workspaceIsPristine()) saveSetup(state.setup, state.verbalizerText, 'before-restore');
  // Exactly what was saved, its model included (it was the setup's model then): an undo.
  state.replaceSetup(entry.setup);
  useWorkspace.getState().setVerbalizerText(entry.verbalizerText);
  keepCurrentModel(); // a model asked for by the replaced setup is not wanted any more
  void settleModel();
  return true;
}

/** Saves the workspace to the list by hand. */
export function saveCurrentSetup(): SavedSetup {
  const { setup, verbalizerText } = useWorkspace.getState();
  return saveSetup(setup, verbalizerText, 'manual');
}
