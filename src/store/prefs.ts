// Per-browser display preferences (not part of a PromptSetup: a shared link never changes them).
import { create } from 'zustand';

export type Locale = 'en' | 'zh';
export type ThemeChoice = 'system' | 'light' | 'dark';
/** The app's screens (see src/ui/App.tsx). */
export type View = 'playground' | 'evaluate' | 'presets' | 'compare';

export interface PrefsState {
  locale: Locale;
  theme: ThemeChoice;
  presentation: boolean;
  view: View;
  setLocale(locale: Locale): void;
  setTheme(theme: ThemeChoice): void;
  setPresentation(on: boolean): void;
  setView(view: View): void;
}

export function browserLocale(languages: readonly string[] = globalThis.navigator?.languages ?? []): Locale {
  return languages.some((lang) => lang.toLowerCase().startsWith('zh')) &&
    !languages.slice(0, 1).some((lang) => lang.toLowerCase().startsWith('en'))
    ? 'zh'
    : 'en';
}

export const usePrefs = create<PrefsState>()((set) => ({
  locale: browserLocale(),
  theme: 'system',
  presentation: false,
  view: 'playground',
  setLocale: (locale) => set({ locale }),
  setTheme: (theme) => set({ theme }),
  setPresentation: (presentation) => set({ presentation }),
  setView: (view) => set({ view }),
}));

export const PREFS_KEY = 'clozelab.prefs';
/** Version of the stored prefs: a stored value of another version is ignored. */
const PREFS_VERSION = 1;

/** The stored language and theme (in zustand persist's format, which earlier versions wrote). */
interface StoredPrefs {
  state: { locale?: unknown; theme?: unknown };
  version: number;
}

/** Puts the stored language and theme into the store; unknown or corrupt values keep the defaults. */
export function restorePrefs(storage: Storage | null): void {
  let saved: Partial<StoredPrefs> | null = null;
  try {
    const text = storage?.getItem(PREFS_KEY) ?? null;
    saved = text === null ? null : (JSON.parse(text) as Partial<StoredPrefs> | null);
  } catch {
    return;
  }
  if (saved?.version !== PREFS_VERSION) return;
  const { locale, theme } = saved.state ?? {};
  usePrefs.setState((current) => ({
    locale: locale === 'en' || locale === 'zh' ? locale : current.locale,
    theme: theme === 'light' || theme === 'dark' || theme === 'system' ? theme : current.theme,
  }));
}

/** Stores the language and theme whenever one changes (the view is per page). Returns a function that stops. */
export function autosavePrefs(storage: Storage | null): () => void {
  return usePrefs.subscribe((state, before) => {
    if (state.locale === before.locale && state.theme === before.theme) return;
    const stored: StoredPrefs = { state: { locale: state.locale, theme: state.theme }, version: PREFS_VERSION };
    try {
      storage?.setItem(PREFS_KEY, JSON.stringify(stored));
    } catch {
      // Full or blocked storage: the choice still holds on this page.
    }
  });
}
