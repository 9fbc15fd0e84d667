// Saved setups: before a link, a preset or an import replaces the workspace, the workspace is kept
// here, so "open as new setup" never loses work. Also a small list the user can save to by hand.
// Stored in localStorage under its own versioned key; every entry is re-validated on load.
import { create } from 'zustand';
import { parseSetup } from '../core/setup-parse.ts';
import type { PromptSetup } from '../core/setup.ts';
import { formatVerbalizer } from '../core/verbalizer.ts';

export const SAVED_SETUPS_KEY = 'clozelab.savedSetups';
export const SAVED_SETUPS_VERSION = 1;
/** Oldest entries are dropped beyond this. */
export const SAVED_SETUPS_LIMIT = 12;

export type SaveReason = 'before-link' | 'before-preset' | 'before-import' | 'before-restore' | 'manual';

export interface SavedSetup {
  id: string;
  savedAt: number;
  reason: SaveReason;
  setup: PromptSetup;
  /** The verbalizer exactly as typed (it may not parse). */
  verbalizerText: string;
}

interface SavedSetupsState {
  entries: SavedSetup[];
  /** False after a write failed (storage full or blocked); the list still works for this page. */
  saveOk: boolean;
}

const REASONS: readonly SaveReason[] = ['before-link', 'before-preset', 'before-import', 'before-restore', 'manual'];

/** Reads the stored list; unreadable entries are skipped (never thrown). */
export function readSavedSetups(text: string | null): SavedSetup[] {
  if (!text) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return [];
  }
  if (typeof raw !== 'object' || raw === null || (raw as { version?: unknown }).version !== SAVED_SETUPS_VERSION)
    return [];
  const list = (raw as { entries?: unknown }).entries;
  if (!Array.isArray(list)) return [];
  const out: SavedSetup[] = [];
  for (const item of list.slice(0, SAVED_SETUPS_LIMIT)) {
    if (typeof item !== 'object' || item === null) continue;
    const e = item as Record<string, unknown>;
    const parsed = parseSetup(e.setup);
    if (!parsed.ok || typeof e.id !== 'string' || typeof e.savedAt !== 'number') continue;
    out.push({
      id: e.id,
      savedAt: e.savedAt,
      reason: REASONS.includes(e.reason as SaveReason) ? (e.reason as SaveReason) : 'manual',
      setup: parsed.setup,
      verbalizerText:
        typeof e.verbalizerText === 'string' ? e.verbalizerText : formatVerbalizer(parsed.setup.verbalizer),
    });
  }
  return out;
}

export const useSavedSetups = create<SavedSetupsState>()(() => ({ entries: [], saveOk: true }));

/** Puts the stored list into the store (read once when the app starts). */
export function restoreSavedSetups(storage: Storage | null): void {
  let text: string | null = null;
  try {
    text = storage?.getItem(SAVED_SETUPS_KEY) ?? null;
  } catch {
    // Storage blocked: an empty list that still works for this page.
  }
  useSavedSetups.setState({ entries: readSavedSetups(text) });
}

/** Stores the list after every change. Returns a function that stops. */
export function autosaveSavedSetups(storage: Storage | null): () => void {
  return useSavedSetups.subscribe((state, before) => {
    if (state.entries === before.entries) return;
    try {
      storage?.setItem(SAVED_SETUPS_KEY, JSON.stringify({ version: SAVED_SETUPS_VERSION, entries: state.entries }));
      if (!state.saveOk) useSavedSetups.setState({ saveOk: true });
    } catch {
      if (state.saveOk) useSavedSetups.setState({ saveOk: false });
    }
  });
}

let counter = 0;

/**
 * Adds a workspace to the list (newest first) and returns its entry. The same setup and text as the
 * newest entry is not stored twice (the existing entry is returned).
 */
export function saveSetup(setup: PromptSetup, verbalizerText: string, reason: SaveReason): SavedSetup {
  const { entries } = useSavedSetups.getState();
  const newest = entries[0];
  if (newest?.verbalizerText === verbalizerText && JSON.stringify(newest.setup) === JSON.stringify(setup))
    return newest;
  const entry: SavedSetup = {
    id: `${Date.now().toString(36)}-${(++counter).toString(36)}`,
    savedAt: Date.now(),
    reason,
    setup,
    verbalizerText,
  };
  useSavedSetups.setState({ entries: [entry, ...entries].slice(0, SAVED_SETUPS_LIMIT) });
  return entry;
}

export function removeSavedSetup(id: string): void {
  useSavedSetups.setState((s) => ({ entries: s.entries.filter((e) => e.id !== id) }));
}

export function findSavedSetup(id: string): SavedSetup | undefined {
  return useSavedSetups.getState().entries.find((e) => e.id === id);
}
