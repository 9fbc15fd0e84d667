// Opening a setup from a link, a preset or an import "as a new setup": the current workspace is
// saved first (saved-setups.ts), so it can be restored — and only once it really is stored does the
// setup replace the workspace; then its model is loaded if that needs no download (test model,
// app-served copy, browser cache). A Hub model that would be downloaded waits for the user's click
// in the model panel; until a model has loaded, the current one stays the setup's model (runtime.ts).
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
import type { SavedWorkspace } from './persistence.ts';
import {
  findSavedSetup,
  saveSetup,
  type SaveReason,
  type SavedSetup,
  type SavedSetupsFailure,
  type SavedSetupsWrite,
} from './saved-setups.ts';
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
 * What replacing the workspace did: the saved entry that keeps the previous workspace (null when
 * it was the untouched default), or why the previous workspace could not be kept — then nothing
 * was replaced.
 */
export type OpenOutcome = { ok: true; previous: SavedSetup | null } | { ok: false; reason: SavedSetupsFailure };

/** The message catalog key that says why the previous workspace could not be kept. */
export const NOT_KEPT_KEYS = {
  quota: 'open.notKept.quota',
  unavailable: 'open.notKept.unavailable',
  'not-kept': 'open.notKept.notKept',
  newer: 'open.notKept.newer',
} as const satisfies Record<SavedSetupsFailure, string>;

/**
 * Replaces the workspace with `next`, after keeping the current one in the saved setups (unless it
 * is the untouched default). When it can't be kept (storage full, no storage, not read back) the
 * workspace stays as it is: nothing is replaced.
 */
export function replaceWorkspace(
  next: SavedWorkspace,
  reason: SaveReason,
  { keepModel = false }: { keepModel?: boolean } = {},
): OpenOutcome {
  const state = useWorkspace.getState();
  let previous: SavedSetup | null = null;
  if (!workspaceIsPristine()) {
    const saved = saveSetup(state.setup, state.verbalizerText, reason);
    if (!saved.ok) return saved;
    previous = saved.value;
  }
  if (keepModel) {
    // The setup's model stays; the one `next` asks for is requested (loaded once free, else offered).
    state.replaceSetup({ ...next.setup, model: state.setup.model });
    requestModel(next.setup.model);
  } else {
    // Exactly what was saved, its model included (it was the setup's model then): an undo.
    state.replaceSetup(next.setup);
    keepCurrentModel(); // a model asked for by the replaced setup is not wanted any more
  }
  if (next.verbalizerText !== useWorkspace.getState().verbalizerText)
    useWorkspace.getState().setVerbalizerText(next.verbalizerText);
  void settleModel();
  return { ok: true, previous };
}

/**
 * Replaces the workspace with `setup`, keeping the current one in the saved setups (unless it is
 * the untouched default). The saved entry comes back, so the UI can offer "restore previous
 * workspace"; when the current workspace could not be kept nothing changes, and the user is told.
 */
export function openAsNewSetup(setup: PromptSetup, origin: SetupOrigin): OpenOutcome {
  const outcome = replaceWorkspace({ setup, verbalizerText: formatVerbalizer(setup.verbalizer) }, REASON[origin], {
    keepModel: true,
  });
  const state = useWorkspace.getState();
  if (!outcome.ok) {
    // A link's banner says it itself (IncomingLinkBanner).
    if (origin !== 'link')
      state.pushNotice({ kind: 'error', key: NOT_KEPT_KEYS[outcome.reason], params: { name: setup.name } });
    return outcome;
  }
  // A link has its own banner (IncomingLinkBanner); presets and imports say what happened in a notice.
  if (origin !== 'link')
    state.pushNotice({
      kind: 'info',
      key: outcome.previous ? 'open.openedSaved' : 'open.opened',
      params: { name: setup.name },
    });
  return outcome;
}

/**
 * Puts a saved setup back (the current workspace is saved first, so this can be undone too; when
 * it can't be, nothing changes and the user is told).
 */
export function restoreSavedSetup(id: string): OpenOutcome | null {
  const entry = findSavedSetup(id);
  if (!entry) return null;
  const outcome = replaceWorkspace(entry, 'before-restore');
  if (!outcome.ok)
    useWorkspace
      .getState()
      .pushNotice({ kind: 'error', key: NOT_KEPT_KEYS[outcome.reason], params: { name: entry.setup.name } });
  return outcome;
}

/** Saves the workspace to the list by hand. */
export function saveCurrentSetup(): SavedSetupsWrite<SavedSetup> {
  const { setup, verbalizerText } = useWorkspace.getState();
  return saveSetup(setup, verbalizerText, 'manual');
}
