// Saved setups: before a link, a preset or an import replaces the workspace, the workspace is kept
// here, so "open as new setup" never loses work. Also a small list the user can save to by hand.
// Stored in localStorage under its own versioned key; every entry is re-validated on load.
//
// Storage is the truth, not this page's memory: every change reads the stored list, changes it and
// writes it back (so another tab's entries are kept), then reads it back to check that the entry
// really is there and readable. A change that could not be stored is reported and not made — the
// caller (open-setup.ts) then leaves the workspace as it is. Other tabs' changes arrive through the
// page's 'storage' event (followSavedSetups).
import { create } from 'zustand';
import { fitSetupToLimits } from '../core/setup-fit.ts';
import { parseSetup } from '../core/setup-parse.ts';
import type { PromptSetup } from '../core/setup.ts';
import { formatVerbalizer } from '../core/verbalizer.ts';
import { isQuotaError } from './persistence.ts';

export const SAVED_SETUPS_KEY = 'clozelab.savedSetups';
export const SAVED_SETUPS_VERSION = 1;
/** Oldest entries are dropped beyond this. */
export const SAVED_SETUPS_LIMIT = 12;

export type SaveReason = 'before-link' | 'before-preset' | 'before-import' | 'before-restore' | 'manual';

export interface SavedSetup {
  id: string;
  savedAt: number;
  reason: SaveReason;
  /** Cut to the limits a saved setup may hold (fitSetupToLimits), so that it can be read back. */
  setup: PromptSetup;
  /** The verbalizer exactly as typed (it may not parse). */
  verbalizerText: string;
}

/**
 * Why a change of the list was not stored: the storage is full, the browser allows no storage,
 * it read back different (another tab wrote at the same moment, or the browser dropped it), or the
 * stored list comes from a newer ClozeLab (this one does not overwrite it).
 */
export type SavedSetupsFailure = 'quota' | 'unavailable' | 'not-kept' | 'newer';

export type SavedSetupsWrite<T> = { ok: true; value: T } | { ok: false; reason: SavedSetupsFailure };

interface SavedSetupsState {
  entries: SavedSetup[];
  /** Why the last change could not be stored; null after one that was. */
  failure: SavedSetupsFailure | null;
}

const REASONS: readonly SaveReason[] = ['before-link', 'before-preset', 'before-import', 'before-restore', 'manual'];

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** One stored entry, validated; null when this version can't read it. */
function readEntry(item: unknown): SavedSetup | null {
  if (!isRecord(item)) return null;
  const parsed = parseSetup(item.setup);
  if (!parsed.ok || typeof item.id !== 'string' || typeof item.savedAt !== 'number') return null;
  return {
    id: item.id,
    savedAt: item.savedAt,
    reason: REASONS.includes(item.reason as SaveReason) ? (item.reason as SaveReason) : 'manual',
    setup: parsed.setup,
    verbalizerText:
      typeof item.verbalizerText === 'string' ? item.verbalizerText : formatVerbalizer(parsed.setup.verbalizer),
  };
}

/** The stored list as it is: its raw entries (also ones this version can't read), or why it can't be used. */
function rawList(text: string | null): { ok: true; items: unknown[] } | { ok: false; reason: 'newer' } {
  if (!text) return { ok: true, items: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: true, items: [] }; // garbage: nothing in it can be read, by any version
  }
  if (!isRecord(raw)) return { ok: true, items: [] };
  const version = raw.version;
  if (typeof version === 'number' && version > SAVED_SETUPS_VERSION) return { ok: false, reason: 'newer' };
  if (version !== SAVED_SETUPS_VERSION || !Array.isArray(raw.entries)) return { ok: true, items: [] };
  return { ok: true, items: raw.entries as unknown[] };
}

/** Reads the stored list; unreadable entries are skipped (never thrown). */
export function readSavedSetups(text: string | null): SavedSetup[] {
  const list = rawList(text);
  if (!list.ok) return [];
  const out: SavedSetup[] = [];
  for (const item of list.items.slice(0, SAVED_SETUPS_LIMIT)) {
    const entry = readEntry(item);
    if (entry) out.push(entry);
  }
  return out;
}

export const useSavedSetups = create<SavedSetupsState>()(() => ({ entries: [], failure: null }));

/** Where the list is stored while the stores run (followSavedSetups); null: nothing can be stored. */
let bound: Storage | null = null;

function readText(storage: Storage | null): string | null {
  try {
    return storage?.getItem(SAVED_SETUPS_KEY) ?? null;
  } catch {
    return null; // storage blocked: an empty list
  }
}

/** Puts the stored list into the store (read once when the app starts). */
export function restoreSavedSetups(storage: Storage | null): void {
  useSavedSetups.setState({ entries: readSavedSetups(readText(storage)) });
}

/**
 * Stores changes of the list in `storage` from now on, and follows other tabs' changes of it (the
 * 'storage' events of `page`). Returns a function that stops both.
 */
export function followSavedSetups(storage: Storage | null, page: EventTarget | null): () => void {
  bound = storage;
  const onStorage = (event: Event) => {
    const { key, storageArea } = event as StorageEvent;
    // key null: the other tab cleared the whole storage.
    if (storage && storageArea === storage && (key === SAVED_SETUPS_KEY || key === null)) restoreSavedSetups(storage);
  };
  page?.addEventListener('storage', onStorage);
  return () => {
    page?.removeEventListener('storage', onStorage);
    if (bound === storage) bound = null;
  };
}

/**
 * Reads the stored list, changes it with `change` (on the raw entries, so entries this version
 * can't read are kept too), writes it and reads it back. `check` says whether what was read back
 * holds the change. The store then shows the stored list, whatever happened.
 */
function updateStored<T>(
  change: (items: unknown[], entries: SavedSetup[]) => { items: unknown[]; value: T },
  check: (entries: SavedSetup[], value: T) => boolean,
): SavedSetupsWrite<T> {
  const fail = (reason: SavedSetupsFailure): SavedSetupsWrite<T> => {
    useSavedSetups.setState({ failure: reason, entries: readSavedSetups(readText(bound)) });
    return { ok: false, reason };
  };
  const storage = bound;
  if (!storage) return fail('unavailable');
  let before: string | null;
  try {
    before = storage.getItem(SAVED_SETUPS_KEY);
  } catch {
    return fail('unavailable');
  }
  const list = rawList(before);
  if (!list.ok) return fail(list.reason);
  const { items, value } = change(list.items, readSavedSetups(before));
  const text = JSON.stringify({ version: SAVED_SETUPS_VERSION, entries: items.slice(0, SAVED_SETUPS_LIMIT) });
  try {
    storage.setItem(SAVED_SETUPS_KEY, text);
  } catch (error) {
    return fail(isQuotaError(error) ? 'quota' : 'unavailable');
  }
  const entries = readSavedSetups(readText(storage));
  if (!check(entries, value)) return fail('not-kept');
  useSavedSetups.setState({ entries, failure: null });
  return { ok: true, value };
}

let counter = 0;

/**
 * Adds a workspace to the stored list (newest first), cut to the limits a saved setup may hold,
 * and returns its entry once it has been read back. The same setup and text as the newest stored
 * entry is not stored twice (that entry is returned). Nothing is stored when it fails.
 */
export function saveSetup(
  setup: PromptSetup,
  verbalizerText: string,
  reason: SaveReason,
): SavedSetupsWrite<SavedSetup> {
  const kept = fitSetupToLimits(setup).setup;
  return updateStored(
    (items, entries) => {
      const newest = entries[0];
      if (
        newest !== undefined &&
        items[0] !== undefined &&
        readEntry(items[0])?.id === newest.id &&
        newest.verbalizerText === verbalizerText &&
        JSON.stringify(newest.setup) === JSON.stringify(kept)
      )
        return { items, value: newest };
      const entry: SavedSetup = {
        id: `${Date.now().toString(36)}-${(++counter).toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
        savedAt: Date.now(),
        reason,
        setup: kept,
        verbalizerText,
      };
      return { items: [entry, ...items], value: entry };
    },
    (entries, entry) => entries.some((e) => e.id === entry.id),
  );
}

/** Removes an entry from the stored list. */
export function removeSavedSetup(id: string): SavedSetupsWrite<null> {
  return updateStored(
    (items) => ({ items: items.filter((item) => !(isRecord(item) && item.id === id)), value: null }),
    (entries) => !entries.some((e) => e.id === id),
  );
}

export function findSavedSetup(id: string): SavedSetup | undefined {
  return useSavedSetups.getState().entries.find((e) => e.id === id);
}
