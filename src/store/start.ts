// Starting the stores. No store module reads storage, follows another store or listens to the page
// when it is imported: startStores does all of that, once, in an order that matters — the saved
// state is read before anything follows changes (so restoring is not an edit), and a share link
// is read last (it may replace the restored workspace).
import type { RuntimeClient } from '../runtime/client.ts';
import { autosaveWorkspace, restoreSavedWorkspace } from './autosave.ts';
import { followWorkspaceBackup } from './backup.ts';
import { compareOnEdits } from './compare.ts';
import { keepFewShotSettings, remapOnSetupChange } from './evaluation.ts';
import { rescoreOnEdits } from './live.ts';
import { dropExplanationOnEdits, dropExplanationOnNewRun, useExplain } from './explain.ts';
import { autosavePrefs, restorePrefs } from './prefs.ts';
import { browserRuntimeClient, followRuntimeEvents, setRuntimeClient } from './runtime.ts';
import { followSavedSetups, restoreSavedSetups } from './saved-setups.ts';
import { followShareLinks, type LinkPage } from './sharing.ts';
import { followSideModel } from './side-model.ts';
import { followOtherTabs } from './tabs.ts';

/** What the stores need from the page around them. */
export interface StoreEnv {
  /** Where the workspace, the saved setups and the preferences are kept (null: nothing is read or saved). */
  storage: Storage | null;
  /** Makes a runtime client (one model worker): the app's, and one more for a second model side by side. */
  createRuntimeClient: () => RuntimeClient;
  /** The page whose address carries share links and whose 'hashchange' and 'storage' events are followed (null: none). */
  page: LinkPage | null;
}

/** localStorage, or null where the browser refuses it (e.g. a sandboxed frame) or has none (Node). */
function browserStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/** The browser's: localStorage, a model worker, the window. */
export function browserEnv(): StoreEnv {
  return {
    storage: browserStorage(),
    createRuntimeClient: browserRuntimeClient,
    page: typeof window === 'undefined' ? null : window,
  };
}

export interface StartedStores {
  /** Removes every subscription and listener startStores installed and shuts its runtime client down. */
  stop(): void;
}

/**
 * Reads the saved workspace (and the backup of one that could not be read), saved setups,
 * preferences and the few-shot settings from `env.storage`, installs the runtime client, makes the stores follow each other
 * (autosave, live scoring, the comparison, the evaluation's mapping) and the page (other tabs'
 * saves of the workspace and of the saved setups, share links in the address).
 * What `env` leaves out is the browser's.
 */
export function startStores(env: Partial<StoreEnv> = {}): StartedStores {
  const storage = 'storage' in env ? (env.storage ?? null) : browserStorage();
  const page = 'page' in env ? (env.page ?? null) : browserEnv().page;
  const client = (env.createRuntimeClient ?? browserRuntimeClient)();

  restoreSavedWorkspace(storage);
  restoreSavedSetups(storage);
  restorePrefs(storage);
  setRuntimeClient(client);

  const stops = [
    followRuntimeEvents(client),
    followWorkspaceBackup(storage),
    autosaveWorkspace(storage),
    followSavedSetups(storage, page),
    autosavePrefs(storage),
    rescoreOnEdits(),
    compareOnEdits(),
    remapOnSetupChange(),
    keepFewShotSettings(storage),
    dropExplanationOnEdits(),
    dropExplanationOnNewRun(),
    () => useExplain.getState().close(),
    // The second model (side by side) gets its own client, so its own worker.
    followSideModel(env.createRuntimeClient ?? browserRuntimeClient),
  ];
  if (page) stops.push(followOtherTabs(page, storage), followShareLinks(page));

  return {
    stop() {
      for (const stop of stops.reverse()) stop();
      setRuntimeClient(null);
      client.dispose();
    },
  };
}
